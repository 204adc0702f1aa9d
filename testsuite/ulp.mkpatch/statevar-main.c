/* statevar-main.c -- ulp-mkpatch corpus: a static variable keeps its value.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int statevar_bump (void);
int statevar_get (void);

int
main (int argc, char **argv)
{
  statevar_bump ();
  statevar_bump ();
  MK_INT ("statevar: before the patch", statevar_bump (), 3);
  mk_apply (argv[1]);
  MK_INT ("statevar: the new code uses the running value",
          statevar_bump (), 13);
  MK_INT ("statevar: unchanged code sees the same variable",
          statevar_get (), 13);
  return 0;
}
