/* units.c -- libunits with the conversion bug fixed.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The same file as ../units.c, with the one-line fix a developer would
   commit: multiply before dividing, so that nothing is lost to integer
   division.  `make demo' compiles it with the same options as the
   original and gives both objects to ulp-mkpatch, which finds that only
   units_c_to_f changed and makes a live patch replacing it.  The
   counter `served' is the running library's: the patch uses it, it
   does not get a fresh copy.  */

#include "units.h"

/* Conversions made so far: state that the patch must preserve.  */
static long served;

int
units_c_to_f (int celsius)
{
  served++;
  return celsius * 9 / 5 + 32;
}

long
units_served (void)
{
  return served;
}
