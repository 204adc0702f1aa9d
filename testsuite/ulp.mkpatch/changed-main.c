/* changed-main.c -- ulp-mkpatch corpus: a changed function.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int changed_answer (int);

int
main (int argc, char **argv)
{
  MK_INT ("changed: before the patch", changed_answer (1), 2);
  mk_apply (argv[1]);
  MK_INT ("changed: the new code runs", changed_answer (1), 3);
  return 0;
}
