/* rp-patch.c -- a versioned live patch of librpa.so or librpb.so.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -fplugin-arg-ulp-patch for each patch of the repository
   tests: RP_SONAME and RP_BUILD_ID name the target build, RP_NAME the
   patch ("fix-a" replaces answer_a, "fix-b" answer_b), RP_VERSION its
   version and RP_ANSWER what the replaced function returns.  With
   RP_OTHER, it also replaces other_a, which then returns RP_OTHER.  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RP_SONAME, RP_BUILD_ID);
ULP_PATCH_INFO_VERSION (RP_NAME, "answer RP_ANSWER", RP_VERSION);

int answer_fixed (void) __attribute__ ((ulp_replace (RP_FUNCTION)));

int
answer_fixed (void)
{
  return RP_ANSWER;
}

#ifdef RP_OTHER
int other_fixed (void) __attribute__ ((ulp_replace ("other_a")));

int
other_fixed (void)
{
  return RP_OTHER;
}
#endif
