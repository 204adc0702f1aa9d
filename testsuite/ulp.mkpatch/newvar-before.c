/* newvar-before.c -- ulp-mkpatch corpus: a new global variable (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
newvar_calls (void)
{
  return 0;
}
