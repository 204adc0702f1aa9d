/* ap-pdl.c -- live patch of libapdl.so.1: apdl_value returns 20.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <ulp-patch.h>

ULP_PATCH_TARGET ("libapdl.so.1", AP_BUILD_ID);
ULP_PATCH_INFO ("pdl", "apdl_value returns 20");

int dl_value_v2 (void) __attribute__ ((ulp_replace ("dl_value_impl")));

int
dl_value_v2 (void)
{
  return 20;
}
