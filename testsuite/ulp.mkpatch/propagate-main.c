/* propagate-main.c -- ulp-mkpatch corpus: inline-list propagation.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int propagate_check (int);
int propagate_folded (void);
int propagate_direct (int);

int
main (int argc, char **argv)
{
  MK_INT ("propagate: the check before the patch", propagate_check (2000), -1);
  MK_INT ("propagate: the folded caller before the patch", propagate_folded (), 42);
  MK_INT ("propagate: the other caller before the patch", propagate_direct (2000), 0);
  mk_apply (argv[1]);
  MK_INT ("propagate: the check runs the new code", propagate_check (2000), -2);
  MK_INT ("propagate: the folded caller, replaced, still gives 42", propagate_folded (), 42);
  MK_INT ("propagate: the other caller runs the new code", propagate_direct (2000), -1);
  return 0;
}
