/* __attribute__ ((ulp_exclude)) leaves a function without NOPs or
   entry, but with a record flagged excluded; its neighbours are
   unaffected.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* { dg-do assemble } */
/* { dg-final { ulp-entries -exclude {not_patchable st_not_patchable} } } */
/* { dg-final { ulp-records -exclude {not_patchable st_not_patchable} } } */
/* { dg-final { ulp-sections } } */
/* { dg-final { ulp-function {^not_patchable$} } } */
/* { dg-final { ulp-function {^st_not_patchable$} } } */

int before (int x) { return x + 1; }

__attribute__ ((ulp_exclude)) int
not_patchable (int x)
{
  return x * 3;
}

static __attribute__ ((ulp_exclude, noinline)) int
st_not_patchable (int x)
{
  return x * 5 + before (x);
}

int
after (int x)
{
  return st_not_patchable (x) + not_patchable (x);
}
