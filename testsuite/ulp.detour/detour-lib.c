/* The library of the detour stress test: the function to detour and
   its replacement.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
detour_f (int x)
{
  return x * 2 + 1;
}

int
detour_g (int x)
{
  return x * 3 + 7;
}
