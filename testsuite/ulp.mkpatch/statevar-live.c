/* statevar-live.c -- ulp-mkpatch corpus: the statevar patch applied to
   a running process from outside, by ulp-apply.

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
  MK_INT ("statevar live: before the patch", statevar_bump (), 3);
  mk_live_wait (argv[1]);
  MK_INT ("statevar live: the new code uses the running value",
          statevar_bump (), 13);
  MK_INT ("statevar live: unchanged code sees the same variable",
          statevar_get (), 13);
  mk_touch (argv[1], "done");
  return 0;
}
