/* isra-main.c -- ulp-mkpatch corpus: a change that alters what IPA-SRA
   does to a static function.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int isra_api (int, int);
int isra_other (int);

int
main (int argc, char **argv)
{
  MK_INT ("isra: before the patch", isra_api (2, 7), 7);
  MK_INT ("isra: before the patch, the other caller", isra_other (2), 12);
  mk_apply (argv[1]);
  MK_INT ("isra: the unchanged caller passes the clone's new arguments",
          isra_api (2, 7), 2 * 3 + 7 + 5 + 1);
  MK_INT ("isra: so does the other one", isra_other (2),
          (2 * 3 + 100 + 6) * 2);
  return 0;
}
