/* rt-bad-excluded.c -- a patch of a function without a patchable entry.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);

/* Two patchable functions first (see rt-bad-fn.c).  */
int f_new (void) __attribute__ ((ulp_replace ("f_impl", "rt-lib.c")));
int g_new (void) __attribute__ ((ulp_replace ("g_impl", "rt-lib.c")));
int fixed (void) __attribute__ ((ulp_replace ("rt_excluded")));

int
f_new (void)
{
  return 7;
}

int
g_new (void)
{
  return 70;
}

int
fixed (void)
{
  return 6;
}
