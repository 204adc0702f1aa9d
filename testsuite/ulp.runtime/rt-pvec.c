/* rt-pvec.c -- a live patch of rt-vec-lib.c that replaces only
   vec_touch: applying it opens a new universe of the library, so a
   thread that entered it before migrates at its next entry, through
   the object's __ulp_slow and the runtime's slow path.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_PATCH_INFO ("vec", "a new universe for the vector tests");

int touch_v2 (int) __attribute__ ((ulp_replace ("vec_touch")));

int
touch_v2 (int x)
{
  return x + 2;
}
