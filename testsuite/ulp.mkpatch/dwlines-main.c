/* dwlines-main.c -- ulp-mkpatch: a function left out because only its
   line numbers changed keeps running the target's code.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int dwlines_fixed (int);
int dwlines_shifted (int);
int dwlines_lookalike (void);
int dwlines_last (void);

int
main (int argc, char **argv)
{
  MK_INT ("dwlines: before the patch", dwlines_fixed (5000), 5000);
  dwlines_shifted (-1);
  int line = dwlines_last ();
  MK_INT ("dwlines: the constant before the patch", dwlines_lookalike (), 35);
  mk_apply (argv[1]);
  MK_INT ("dwlines: the fix runs", dwlines_fixed (5000), -1);
  MK_INT ("dwlines: the changed constant is replaced", dwlines_lookalike (),
          39);
  dwlines_shifted (-2);
  MK_INT ("dwlines: the function left out still reports ORIG's line",
          dwlines_last (), line);
  return 0;
}
