/* rt-exp-p.c -- live patch of rt-exp-lib.c: exp_api returns 2.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_PATCH_INFO ("exp", "exp_api returns 2");

int exp_api_v2 (void) __attribute__ ((ulp_replace ("exp_api",
                                                   "rt-exp-lib.c")));

int
exp_api_v2 (void)
{
  return 2;
}
