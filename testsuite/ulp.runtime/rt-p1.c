/* rt-p1.c -- live patch 1 of rt-lib.c: f_impl returns 2, g_impl 20.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -fplugin-arg-ulp-patch; RT_SONAME and RT_BUILD_ID name the
   target (the .exp passes the library's build-id).  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_PATCH_INFO ("p1", "f_impl returns 2, g_impl 20");
ULP_TARGET_REF (int, waiting_ref, "waiting");

int f_v2 (void) __attribute__ ((ulp_replace ("f_impl", "rt-lib.c")));
int g_v2 (void) __attribute__ ((ulp_replace ("g_impl", "rt-lib.c")));

int
f_v2 (void)
{
  /* Reads the library's own static variable through the reference.  */
  return 2 + 0 * *waiting_ref;
}

int
g_v2 (void)
{
  return 20;
}
