/* bench-patch.c -- the live patches of the patched-call benchmarks.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -fplugin-arg-ulp-patch three times (BENCH_PATCH_N 1, 2, 3)
   for the boundary-tracked build of bench-lib.c (BENCH_SONAME,
   BENCH_BUILD_ID, BENCH_PREFIX).  Each replaces the static LEAF_A and
   the exported EMPTY_A with bodies that do the same work as the
   originals, so that what a patched call costs beyond an unpatched one
   is the detour and the version selection alone.  */

#include <ulp-patch.h>

#define BENCH_CAT2(a, b) a##b
#define BENCH_CAT(a, b) BENCH_CAT2 (a, b)
#define BENCH_STR2(a) #a
#define BENCH_STR(a) BENCH_STR2 (a)
#define BENCH_NAME(x) BENCH_CAT (BENCH_PREFIX, x)

ULP_PATCH_TARGET (BENCH_SONAME, BENCH_BUILD_ID);
ULP_PATCH_INFO ("bench-p" BENCH_STR (BENCH_PATCH_N),
                "the same leaf_a and empty_a again");

int leaf_a_new (int x) __attribute__ ((ulp_replace ("leaf_a")));
int empty_a_new (int x)
  __attribute__ ((ulp_replace (BENCH_STR (BENCH_NAME (empty_a)))));

int
leaf_a_new (int x)
{
  return x * 3 + 1;
}

int
empty_a_new (int x)
{
  return x + 1;
}
