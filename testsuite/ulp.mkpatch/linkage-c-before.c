/* linkage-c-before.c -- ulp-mkpatch corpus: a caller of the global
   function that has a static namesake elsewhere (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

__attribute__ ((visibility ("hidden"))) int linkage_pick (int);

int
linkage_c (int x)
{
  return linkage_pick (x) + 1000;
}
