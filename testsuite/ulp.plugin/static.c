/* Static functions, nested functions and inline functions that stay
   out of line get patchable entries; the ones inlined away leave
   nothing behind.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* { dg-do assemble } */
/* { dg-final { ulp-entries } } */
/* { dg-final { ulp-records } } */
/* { dg-final { ulp-sections } } */
/* { dg-final { ulp-function {^st_recursive$} } } */
/* { dg-final { ulp-function {^inner\.[0-9]+$} } } */
/* { dg-final { ulp-no-function {^tiny_inline$} {-O1 -O2 -O3 -Os} } } */
/* { dg-final { ulp-function {^cb_compare$} } } */

#include <stdlib.h>

static inline int
tiny_inline (int x)
{
  return x + 1;
}

static int
st_recursive (int n)
{
  if (n <= 1)
    return 1;
  return n * st_recursive (n - 1) % 10007 + tiny_inline (n);
}

int
call_recursive (int n)
{
  return st_recursive (n);
}

static int
cb_compare (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

void
sort_ints (int *v, size_t n)
{
  qsort (v, n, sizeof *v, cb_compare);
}

/* GNU C nested function, with a trampoline because its address is
   taken.  */
int
with_nested (int *v, int n, int bias)
{
  int inner (int x)
  {
    return x + bias;
  }
  int (*volatile fp) (int) = inner;
  int s = 0;
  for (int i = 0; i < n; i++)
    s += fp (v[i]);
  return s;
}

static __attribute__ ((used)) void
kept_but_unused (void)
{
}
