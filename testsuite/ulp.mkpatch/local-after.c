/* local-after.c -- ulp-mkpatch corpus: a static local variable (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
local_next (void)
{
  static int n;
  n += 2;
  return n;
}
