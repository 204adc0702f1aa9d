/* sk-patch.c -- live patch K of libskX.so.1: every tag becomes K.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built nine times with -fplugin-arg-ulp-patch: SK_SONAME and
   SK_BUILD_ID name the target library, SK_NAME the patch ("a-p2"),
   SK_TAG its number K.  The replacements call the library's own
   work through a reference, as the originals do.  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (SK_SONAME, SK_BUILD_ID);
ULP_PATCH_INFO (SK_NAME, "soak: every tag of the library is SK_TAG");

typedef void work_fn (unsigned *);
ULP_TARGET_REF (work_fn, work_ref, "work");

int tag_a_v (unsigned *) __attribute__ ((ulp_replace ("tag_a")));
int tag_b_v (unsigned *) __attribute__ ((ulp_replace ("tag_b")));
int tag_c_v (unsigned *) __attribute__ ((ulp_replace ("tag_c")));

int
tag_a_v (unsigned *acc)
{
  work_ref (acc);
  return SK_TAG;
}

int
tag_b_v (unsigned *acc)
{
  work_ref (acc);
  return SK_TAG;
}

int
tag_c_v (unsigned *acc)
{
  work_ref (acc);
  return SK_TAG;
}
