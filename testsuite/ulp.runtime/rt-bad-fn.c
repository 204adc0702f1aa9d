/* rt-bad-fn.c -- a patch of a function the target does not have.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);

/* Two functions that exist first, so that the refusal comes after the
   runtime has found them (rt-bad.c checks their code is untouched).  */
int f_new (void) __attribute__ ((ulp_replace ("f_impl", "rt-lib.c")));
int g_new (void) __attribute__ ((ulp_replace ("g_impl", "rt-lib.c")));
int fixed (void) __attribute__ ((ulp_replace ("no_such_function")));

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
  return 0;
}
