/* rt-p3.c -- live patch 3 of rt-lib.c: f_impl returns 4.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_PATCH_INFO ("p3", "f_impl returns 4");

int f_v4 (void) __attribute__ ((ulp_replace ("f_impl")));

int
f_v4 (void)
{
  return 4;
}
