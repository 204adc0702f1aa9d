/* units.c -- libunits as first shipped, with a bug.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The temperature conversion of the live-patching demo.  It has a
   classic C bug: 9 / 5 is an integer division, which is 1, so every
   temperature comes out 32 degrees above its Celsius value (100 C gives
   132 F instead of 212 F).  fixed/units.c is the same file with the bug
   fixed; `make demo' builds a live patch from the two and applies it to
   the running units-server.  */

#include "units.h"

/* Conversions made so far: state that the patch must preserve.  */
static long served;

int
units_c_to_f (int celsius)
{
  served++;
  return celsius * (9 / 5) + 32;
}

long
units_served (void)
{
  return served;
}
