/* helper-main.c -- ulp-mkpatch corpus: a new helper function.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int helper_total (int, int);

int
main (int argc, char **argv)
{
  MK_INT ("helper: before the patch", helper_total (70, 80), 150);
  mk_apply (argv[1]);
  MK_INT ("helper: the new helper runs", helper_total (70, 80), 100);
  MK_INT ("helper: small sums", helper_total (2, 3), 5);
  return 0;
}
