/* Function multi-versioning: the versions target_clones makes, their
   resolver, and a hand-written ifunc resolver are function bodies too.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* { dg-do assemble } */
/* { dg-final { ulp-entries } } */
/* { dg-final { ulp-records } } */
/* { dg-final { ulp-sections } } */
/* { dg-final { ulp-function {^mv_sum\.default} } } */
/* { dg-final { ulp-function {^mv_sum\.resolver$} } } */
/* { dg-final { ulp-function {^pick_impl$} } } */

__attribute__ ((target_clones ("avx2", "default"))) int
mv_sum (const int *v, int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    s += v[i];
  return s;
}

int
call_mv_sum (const int *v, int n)
{
  return mv_sum (v, n) + 1;
}

static int impl_a (int x) { return x + 1; }
static int impl_b (int x) { return x + 2; }

static int (*pick_impl (void)) (int)
{
  return __builtin_cpu_supports ("avx2") ? impl_b : impl_a;
}

int chosen (int) __attribute__ ((ifunc ("pick_impl")));
