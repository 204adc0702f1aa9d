/* twins-y.c -- ulp-mkpatch corpus: the other unit of the same name,
   with its own static function of the same name (unchanged), or with
   -Dtwins_helper=twins_helper_y of another name, and with
   -DTWINS_Y_ADD=N changed.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static __attribute__ ((noipa)) int
twins_helper (int x)
{
  return x * 3;
}

#ifndef TWINS_Y_ADD
#define TWINS_Y_ADD 30
#endif

int
twins_y (int x)
{
  return twins_helper (x) + TWINS_Y_ADD;
}
