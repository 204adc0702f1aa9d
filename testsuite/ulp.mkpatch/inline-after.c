/* inline-after.c -- ulp-mkpatch corpus: a function inlined into two callers (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static inline int
inline_weight (int x)
{
  return x * 3;
}

int
inline_a (int x)
{
  return inline_weight (x) + 1;
}

int
inline_b (int x)
{
  return inline_weight (x) + 2;
}
