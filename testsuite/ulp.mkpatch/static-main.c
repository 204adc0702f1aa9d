/* static-main.c -- ulp-mkpatch corpus: a changed static function.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int static_api (int);

int
main (int argc, char **argv)
{
  MK_INT ("static: before the patch", static_api (2), 21);
  mk_apply (argv[1]);
  MK_INT ("static: the unchanged caller reaches the new code",
          static_api (2), 41);
  return 0;
}
