/* linkage-c-after.c -- ulp-mkpatch corpus: a caller of the global
   function that has a static namesake elsewhere (after: the caller
   changed, and still calls the global one).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

__attribute__ ((visibility ("hidden"))) int linkage_pick (int);

int
linkage_c (int x)
{
  return linkage_pick (x) + 2000;
}
