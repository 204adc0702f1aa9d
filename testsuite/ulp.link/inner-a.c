/* inner-a.c -- the unit that defines the functions (inner.exp).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   inner_helper is hidden and has no tracked entry; inner_api_impl is
   hidden and exported through the alias inner_api (the libxml2 idiom),
   so it has one.  */

__attribute__ ((visibility ("hidden"), noinline)) int
inner_helper (int x)
{
  return x * 3 + 1;
}

__attribute__ ((visibility ("hidden"), noinline)) int
inner_api_impl (int x)
{
  return inner_helper (x) + 2;
}

int inner_api (int) __attribute__ ((alias ("inner_api_impl")));
