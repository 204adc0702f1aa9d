/* bench-lib2.c -- a second unit of the call benchmarks' library: an
   exported function that bench-lib.c calls through the PLT.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#define BENCH_CAT2(a, b) a##b
#define BENCH_CAT(a, b) BENCH_CAT2 (a, b)
#define BENCH_NAME(x) BENCH_CAT (BENCH_PREFIX, x)

int
BENCH_NAME (empty_c) (int x)
{
  return x + 3;
}
