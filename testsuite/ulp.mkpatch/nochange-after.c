/* nochange-after.c -- ulp-mkpatch corpus: no change (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* Only this comment is new: the code is the same.  */
int
nochange_value (int x)
{
  return x * 7;
}
