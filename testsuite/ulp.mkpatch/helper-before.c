/* helper-before.c -- ulp-mkpatch corpus: a new helper function (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
helper_total (int a, int b)
{
  return a + b;
}
