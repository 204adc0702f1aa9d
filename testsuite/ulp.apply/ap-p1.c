/* ap-p1.c -- live patch p1 of libap.so.1: ap_value returns 2.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -fplugin-arg-ulp-patch; AP_BUILD_ID names the target's
   build (the .exp passes it).  */

#include <ulp-patch.h>

ULP_PATCH_TARGET ("libap.so.1", AP_BUILD_ID);
ULP_PATCH_INFO ("p1", "ap_value returns 2");

int value_v2 (void) __attribute__ ((ulp_replace ("value_impl")));
int value_b_v2 (void) __attribute__ ((ulp_replace ("value_b")));
int value_c_v2 (void) __attribute__ ((ulp_replace ("value_c")));

/* All three, so that ap_value shows a patch applied in part (ap-lib.c).  */

int
value_v2 (void)
{
  return 2;
}

int
value_b_v2 (void)
{
  return 2;
}

int
value_c_v2 (void)
{
  return 2;
}
