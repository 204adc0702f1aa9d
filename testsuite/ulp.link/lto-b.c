/* -flto, second unit.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
lto_b_square (int x)
{
  return x * x;
}

static __attribute__ ((noinline)) int
lto_b_add (int a, int b)
{
  return a + b;
}

int
lto_b_sum (const int *v, int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    s = lto_b_add (s, v[i]);
  return s;
}
