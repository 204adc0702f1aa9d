/* inline-before.c -- ulp-mkpatch corpus: a function inlined into two callers (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static inline int
inline_weight (int x)
{
  return x * 2;
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
