/* rt-bad-ref.c -- a patch referring to a variable the target does not
   have.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_TARGET_REF (int, missing, "no_such_variable");

int fixed (void) __attribute__ ((ulp_replace ("f_impl")));
int g_new (void) __attribute__ ((ulp_replace ("g_impl")));

int
fixed (void)
{
  return *missing;
}

/* A second function, so that a partial apply would show in rt_pair.  */
int
g_new (void)
{
  return 70;
}
