/* local-before.c -- ulp-mkpatch corpus: a static local variable (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
local_next (void)
{
  static int n;
  return ++n;
}
