/* rt-lib.h -- the live-patchable library the runtime tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every function reports which version of itself and of its callees ran,
   so a test can tell old from new code and a consistent call (all old or
   all new) from a mixed one.  The original f_impl returns 1 and g_impl
   10; patch 1 makes them 2 and 20, patch 2 3 and 30, patch 3 makes
   f_impl 4 only.  rt_pair returns f_impl () * 100 + g_impl ().  */

#ifndef RT_LIB_H
#define RT_LIB_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rt_big
{
  long a, b, c, d;
};

struct rt_small
{
  int x;
  float y;
};

int rt_pair (void);
int rt_f (void);
int rt_calls (void);
int rt_g (void);

/* Calls HOOK between f_impl and g_impl: a callback into the program,
   which may apply a patch and call back in.  */
int rt_pair_around (int (*hook) (void));

/* Blocks on the library's semaphore, then returns rt_pair's value.
   rt_release lets one waiter go; rt_waiting counts the blocked.  */
int rt_pair_after_wait (void);
void rt_release (void);
int rt_waiting (void);

/* Loops inside the library until *STOP: *LAST gets each pair seen, *MIXED
   counts inconsistent ones, *ROUNDS the iterations.  */
void rt_loop_inside (volatile int *stop, volatile int *last,
                     volatile long *mixed, volatile long *rounds);

/* ABI cases.  */
long rt_many (long a, long b, long c, long d, long e, long f, long g,
              long h, double x, double y);
struct rt_big rt_struct (struct rt_big big, struct rt_small small);
double rt_vsum (int n, ...);
void *rt_address_of_f (void);
/* The addresses of the static f_impl and g_impl (rt-bad.c compares
   their code before and after refused patches).  */
void *rt_address_of_impl (int which);
int rt_raise_inside (int sig);
int rt_spawn_pair (int (*hook) (void));
int rt_cancel_point (void);
void rt_exit_thread (int value);
int rt_backtrace (void *(*collect) (void));

/* The sum of the four doubles of an AVX vector, passed in %ymm0 (only
   called when the CPU has AVX).  */
typedef double rt_v4df __attribute__ ((vector_size (32)));
double rt_avx (rt_v4df v, double w) __attribute__ ((target ("avx")));

/* Excluded from live patching.  */
int rt_excluded (void);

#ifdef __cplusplus
}
#endif

#endif /* RT_LIB_H */
