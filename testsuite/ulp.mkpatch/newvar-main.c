/* newvar-main.c -- ulp-mkpatch corpus: a new global variable.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int newvar_calls (void);

int
main (int argc, char **argv)
{
  MK_INT ("newvar: before the patch", newvar_calls (), 0);
  mk_apply (argv[1]);
  MK_INT ("newvar: the new variable starts at its initial value",
          newvar_calls (), 41);
  MK_INT ("newvar: and keeps its value", newvar_calls (), 42);
  return 0;
}
