/* propagate-before.c -- ulp-mkpatch corpus: a caller whose code does
   not change although a function it inlined does (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* Exported: its body is bound locally and inlined into both callers.  */
int
propagate_check (int x)
{
  if (x > 1000)
    return -2;
  return x * 2;
}

/* 21 is never over 1000: the inlined check folds to 42, the same code
   before and after the fix.  Only the inline list says this function
   holds a copy of propagate_check.  */
int
propagate_folded (void)
{
  return propagate_check (21);
}

int
propagate_direct (int x)
{
  return propagate_check (x) + 1;
}
