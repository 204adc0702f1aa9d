/* The pre-entry area does not move a function's label off the
   alignment GCC gives it.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Optimising for speed, GCC aligns each function (16 bytes for x86-64's
   generic tuning); the 6 bytes of NOPs in front of the label must come
   out of the padding before it, or every function would start 6 bytes
   into a fetch block.  An alignment the source asks for holds at every
   level.  */

/* { dg-final { ulp-entries } } */
/* { dg-final { ulp-records } } */
/* { dg-final { ulp-label-align {^(hot_leaf|reads_global|calls_other)$} 16 {-O2 -O3} } } */
/* { dg-final { ulp-label-align {^asked64$} 64 } } */

int shared_value;

int
hot_leaf (int x)
{
  return x * 3 + 1;
}

int
reads_global (void)
{
  return shared_value;
}

int
calls_other (int x)
{
  return hot_leaf (x) + reads_global ();
}

__attribute__ ((aligned (64))) int
asked64 (int x)
{
  return x ^ shared_value;
}

__attribute__ ((cold)) int
cold_one (int x)
{
  return x - shared_value;
}
