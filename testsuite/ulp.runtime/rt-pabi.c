/* rt-pabi.c -- a live patch of rt-lib.c's ABI-sensitive functions.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Each replacement computes what the original does from the same
   arguments and marks its result, so a test sees both that the new
   version ran and that every argument reached it intact: more than six
   integer arguments and doubles, structures by value, varargs.  rt_f,
   an exported function, is replaced too, and its replacement updates
   the library's static counter through a reference.  */

#include <execinfo.h>
#include <pthread.h>
#include <stdarg.h>
#include <unistd.h>

#include <ulp-patch.h>

#include "rt-lib.h"

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_PATCH_INFO ("abi", "ABI cases");
ULP_TARGET_REF (int, calls_ref, "calls");

#define REPLACES(name) __attribute__ ((ulp_replace (name)))

long many_v2 (long, long, long, long, long, long, long, long, double,
              double) REPLACES ("rt_many");
struct rt_big struct_v2 (struct rt_big, struct rt_small)
  REPLACES ("rt_struct");
double vsum_v2 (int, ...) REPLACES ("rt_vsum");
int f_v2 (void) REPLACES ("rt_f");
int backtrace_v2 (void *(*) (void)) REPLACES ("rt_backtrace");
int cancel_v2 (void) REPLACES ("rt_cancel_point");
void exit_v2 (int) REPLACES ("rt_exit_thread");
double avx_v2 (rt_v4df, double) REPLACES ("rt_avx")
  __attribute__ ((target ("avx")));

long
many_v2 (long a, long b, long c, long d, long e, long f, long g, long h,
         double x, double y)
{
  return 1000000 + a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h
         + (long) (x * 10) + (long) (y * 100);
}

struct rt_big
struct_v2 (struct rt_big big, struct rt_small small)
{
  struct rt_big r = { big.a + small.x + 1000, big.b * 2, big.c - 1,
                      big.d + (long) small.y };
  return r;
}

double
vsum_v2 (int n, ...)
{
  va_list ap;
  va_start (ap, n);
  double s = 1000;
  for (int i = 0; i < n; i++)
    s += i % 2 ? va_arg (ap, double) : (double) va_arg (ap, int);
  va_end (ap);
  return s;
}

int
f_v2 (void)
{
  (*calls_ref)++;
  return 7;
}

int
backtrace_v2 (void *(*collect) (void))
{
  return collect () != 0 ? 2 : -2;
}

int
cancel_v2 (void)
{
  for (;;)
    pause ();
  return 2;
}

void
exit_v2 (int value)
{
  pthread_exit ((void *) (long) (value + 100));
}

double
avx_v2 (rt_v4df v, double w)
{
  return 1000 + v[0] + v[1] + v[2] + v[3] + w;
}
