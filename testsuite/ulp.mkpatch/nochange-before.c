/* nochange-before.c -- ulp-mkpatch corpus: no change (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
nochange_value (int x)
{
  return x * 7;
}
