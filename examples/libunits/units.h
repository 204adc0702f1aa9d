/* units.h -- interface of libunits, the library of the live-patching demo.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   libunits converts temperatures for units-server (server.c).  It is
   built with the ulp plugin, so its functions can be replaced while the
   server runs.  units.c has a bug that fixed/units.c corrects; `make
   demo' (demo.sh) live-patches the one into the other.  */

#ifndef UNITS_H
#define UNITS_H

/* CELSIUS degrees Celsius in degrees Fahrenheit, rounded towards
   zero.  */
int units_c_to_f (int celsius);

/* How many conversions the library has made.  Kept by the library,
   so a live patch must keep it counting.  */
long units_served (void);

#endif /* UNITS_H */
