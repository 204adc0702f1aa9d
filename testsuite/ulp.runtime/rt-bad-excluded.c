/* rt-bad-excluded.c -- a patch of a function without a patchable entry.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);

int fixed (void) __attribute__ ((ulp_replace ("rt_excluded")));

int
fixed (void)
{
  return 6;
}
