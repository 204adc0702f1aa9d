// rt-cxx-patch.C -- a live patch of rt-cxx-lib.C.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The replacements throw and pass on exceptions like the originals, but
// say "new", and the helper returns 2.  The target functions are named
// by their mangled (assembler) names.

#include <stdexcept>

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_PATCH_INFO ("cxx", "C++ exceptions");

int check_v2 (int) __attribute__ ((ulp_replace ("_Z9rtx_checki")));
int call_v2 (int (*) (int), int)
  __attribute__ ((ulp_replace ("_Z8rtx_callPFiiEi")));
int helper_v2 () __attribute__ ((ulp_replace ("_ZN12_GLOBAL__N_16helperEv")));

int
helper_v2 ()
{
  return 2;
}

int
check_v2 (int x)
{
  if (x < 0)
    throw std::runtime_error ("new");
  return x + helper_v2 ();
}

int
call_v2 (int (*cb) (int), int x)
{
  int r = cb (x);
  return r + helper_v2 ();
}
