/* ap-p2.c -- live patch p2 of libap.so.1: ap_value returns 3.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -fplugin-arg-ulp-patch; AP_BUILD_ID names the target's
   build (the .exp passes it).  */

#include <ulp-patch.h>

ULP_PATCH_TARGET ("libap.so.1", AP_BUILD_ID);
ULP_PATCH_INFO ("p2", "ap_value returns 3");

int value_v3 (void) __attribute__ ((ulp_replace ("value_impl")));
int value_b_v3 (void) __attribute__ ((ulp_replace ("value_b")));
int value_c_v3 (void) __attribute__ ((ulp_replace ("value_c")));

/* All three, so that ap_value shows a patch applied in part (ap-lib.c).  */

int
value_v3 (void)
{
  return 3;
}

int
value_b_v3 (void)
{
  return 3;
}

int
value_c_v3 (void)
{
  return 3;
}
