/* rt-bad-fn.c -- a patch of a function the target does not have.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);

int fixed (void) __attribute__ ((ulp_replace ("no_such_function")));

int
fixed (void)
{
  return 0;
}
