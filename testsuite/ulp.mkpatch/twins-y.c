/* twins-y.c -- ulp-mkpatch corpus: the other unit of the same name,
   with its own static function of the same name (unchanged).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static __attribute__ ((noipa)) int
twins_helper (int x)
{
  return x * 3;
}

int
twins_y (int x)
{
  return twins_helper (x) + 30;
}
