/* clone-main.c -- ulp-mkpatch corpus: changes inside a clone and a cold part.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int clone_use1 (int);
int clone_use2 (int);
int clone_sum (const int *, int);

static int reports;

void
clone_report (int i)
{
  reports += i + 1;
}

/* What clone_scale computes, with the shift of each version.  */
static int
scale (int x, int factor, int shift)
{
  int r = 0;
  for (int i = 0; i < factor; i++)
    r += x * i + (r >> shift);
  return r;
}

int
main (int argc, char **argv)
{
  static const int v[] = { 1, -2, 3 };
  MK_INT ("clone: the clone before the patch", clone_use1 (5),
          scale (5, 7, 3) + 1);
  MK_INT ("clone: the cold part before the patch", clone_sum (v, 3), 10);
  MK_INT ("clone: the cold part reports", reports, 2);
  mk_apply (argv[1]);
  MK_INT ("clone: callers reach the new clone", clone_use1 (5),
          scale (5, 7, 2) + 1);
  MK_INT ("clone: so does the other caller", clone_use2 (5),
          scale (5, 7, 2) * 3);
  reports = 0;
  MK_INT ("clone: the function with a cold part still sums",
          clone_sum (v, 3), 10);
  MK_INT ("clone: the new cold part runs", reports, 12);
  return 0;
}
