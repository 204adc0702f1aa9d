/* newvar-after.c -- ulp-mkpatch corpus: a new global variable (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* New: the patch carries it, initialised.  */
int newvar_total = 40;

int
newvar_calls (void)
{
  return ++newvar_total;
}
