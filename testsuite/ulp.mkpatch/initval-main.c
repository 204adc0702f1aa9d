/* initval-main.c -- ulp-mkpatch corpus: a forced patch keeps the running value.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int initval_get (void);
void initval_set (int);

int
main (int argc, char **argv)
{
  MK_INT ("initval: before the patch", initval_get (), 10);
  initval_set (15);
  mk_apply (argv[1]);
  MK_INT ("initval: the forced patch keeps the running value",
          initval_get (), 16);
  return 0;
}
