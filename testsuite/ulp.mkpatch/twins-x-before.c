/* twins-x-before.c -- ulp-mkpatch corpus: a static function whose unit
   has the same name as another unit with a static of the same name
   (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static __attribute__ ((noipa)) int
twins_helper (int x)
{
  return x + 1;
}

int
twins_x (int x)
{
  return twins_helper (x) + 10;
}
