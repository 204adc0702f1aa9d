/* rt-p2.c -- live patch 2 of rt-lib.c: f_impl returns 3, g_impl 30.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -fplugin-arg-ulp-patch; RT_SONAME and RT_BUILD_ID name the
   target (the .exp passes the library's build-id).  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_PATCH_INFO ("p2", "f_impl returns 3, g_impl 30");
ULP_TARGET_REF (int, waiting_ref, "waiting");

int f_v3 (void) __attribute__ ((ulp_replace ("f_impl", "rt-lib.c")));
int g_v3 (void) __attribute__ ((ulp_replace ("g_impl", "rt-lib.c")));

int
f_v3 (void)
{
  /* Reads the library's own static variable through the reference.  */
  return 3 + 0 * *waiting_ref;
}

int
g_v3 (void)
{
  return 30;
}
