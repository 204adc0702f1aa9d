/* inner-b.c -- the unit that calls them (inner.exp): it declares them
   hidden, so it knows they are in the object, and calls them past their
   entries, at NAME.ulp_inner.  inner_asm comes from an assembly file,
   which defines no inner_asm.ulp_inner: the weak definition this unit
   carries serves.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

__attribute__ ((visibility ("hidden"))) int inner_helper (int);
__attribute__ ((visibility ("hidden"))) int inner_api_impl (int);
__attribute__ ((visibility ("hidden"))) int inner_asm (int);

int
inner_user (int x)
{
  return inner_api_impl (x) * 1000 + inner_helper (x) * 10 + inner_asm (x);
}
