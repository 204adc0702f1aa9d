/* ap-other.c -- a live patch for an object no test process loads.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <ulp-patch.h>

ULP_PATCH_TARGET ("libnothere.so.1", "00112233445566778899aabbccddeeff00112233");
ULP_PATCH_INFO ("other", "for an object that is not loaded");

int other_v2 (void) __attribute__ ((ulp_replace ("value_impl")));

int
other_v2 (void)
{
  return 0;
}
