/* linkage-b-before.c -- ulp-mkpatch corpus: a static function named as
   a global one of another unit, and its caller (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static __attribute__ ((noipa)) int
linkage_pick (int x)
{
  return x * 2;
}

int
linkage_b (int x)
{
  return linkage_pick (x) + 100;
}
