/* static-after.c -- ulp-mkpatch corpus: a changed static function (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* Called only through static_api, which does not change.  */
static __attribute__ ((noinline)) int
static_scale (int x)
{
  return x * 20;
}

int
static_api (int x)
{
  return static_scale (x) + 1;
}
