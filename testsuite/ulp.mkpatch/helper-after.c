/* helper-after.c -- ulp-mkpatch corpus: a new helper function (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* New: the patch must carry it.  */
static __attribute__ ((noinline)) int
helper_clamp (int v)
{
  return v > 100 ? 100 : v;
}

int
helper_total (int a, int b)
{
  return helper_clamp (a + b);
}
