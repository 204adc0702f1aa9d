/* rt-lib.c -- the live-patchable library the runtime tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See rt-lib.h.  f_impl and g_impl are static and not inlined, so the
   patches replace functions reached from inside the library; the
   exported functions are the boundary.  */

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "rt-lib.h"

static sem_t gate;
static int waiting;
static int calls;

__attribute__ ((constructor)) static void
init (void)
{
  sem_init (&gate, 0, 0);
}

/* What f_impl returns.  Hidden, so that f_impl starts by reading it
   relative to %rip: a first instruction the plugin fuses with the entry
   (ULP_F_RIP), whose copy the runtime must move (consist.exp).  */
__attribute__ ((visibility ("hidden"))) int rt_f_value = 1;

__attribute__ ((noinline)) static int
f_impl (void)
{
  return rt_f_value;
}

__attribute__ ((noinline)) static int
g_impl (void)
{
  return 10;
}

int
rt_f (void)
{
  calls++;
  return f_impl ();
}

int
rt_calls (void)
{
  return calls;
}

int
rt_g (void)
{
  return g_impl ();
}

int
rt_pair (void)
{
  int f = f_impl ();
  return f * 100 + g_impl ();
}

int
rt_pair_around (int (*hook) (void))
{
  int f = f_impl ();
  int h = hook ();
  int g = g_impl ();
  return h * 10000 + f * 100 + g;
}

int
rt_pair_after_wait (void)
{
  __atomic_add_fetch (&waiting, 1, __ATOMIC_SEQ_CST);
  while (sem_wait (&gate) != 0)
    ;
  __atomic_sub_fetch (&waiting, 1, __ATOMIC_SEQ_CST);
  int f = f_impl ();
  return f * 100 + g_impl ();
}

void
rt_release (void)
{
  sem_post (&gate);
}

int
rt_waiting (void)
{
  return __atomic_load_n (&waiting, __ATOMIC_SEQ_CST);
}

static int
consistent (int pair)
{
  return pair == 110 || pair == 220 || pair == 330 || pair == 430
         || pair == 210 || pair == 410;
}

void
rt_loop_inside (volatile int *stop, volatile int *last, volatile long *mixed,
                volatile long *rounds)
{
  while (!*stop)
    {
      int f = f_impl ();
      int pair = f * 100 + g_impl ();
      *last = pair;
      if (!consistent (pair))
        (*mixed)++;
      (*rounds)++;
    }
}

long
rt_many (long a, long b, long c, long d, long e, long f, long g, long h,
         double x, double y)
{
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h
         + (long) (x * 10) + (long) (y * 100);
}

struct rt_big
rt_struct (struct rt_big big, struct rt_small small)
{
  struct rt_big r = { big.a + small.x, big.b * 2, big.c - 1,
                      big.d + (long) small.y };
  return r;
}

double
rt_vsum (int n, ...)
{
  va_list ap;
  va_start (ap, n);
  double s = 0;
  for (int i = 0; i < n; i++)
    s += i % 2 ? va_arg (ap, double) : (double) va_arg (ap, int);
  va_end (ap);
  return s;
}

void *
rt_address_of_f (void)
{
  return (void *) rt_f;
}

void *
rt_address_of_impl (int which)
{
  return which == 0 ? (void *) f_impl : (void *) g_impl;
}

int
rt_raise_inside (int sig)
{
  int f = f_impl ();
  raise (sig);
  int g = g_impl ();
  return f * 100 + g;
}

static pthread_barrier_t spawn_barrier;

static void *
spawned (void *arg)
{
  (void) arg;
  pthread_barrier_wait (&spawn_barrier);
  int f = f_impl ();
  return (void *) (long) (f * 100 + g_impl ());
}

int
rt_spawn_pair (int (*hook) (void))
{
  pthread_t th;
  pthread_barrier_init (&spawn_barrier, NULL, 2);
  if (pthread_create (&th, NULL, spawned, NULL) != 0)
    return -1;
  hook ();
  pthread_barrier_wait (&spawn_barrier);
  void *r;
  pthread_join (th, &r);
  pthread_barrier_destroy (&spawn_barrier);
  return (int) (long) r;
}

int
rt_cancel_point (void)
{
  for (;;)
    pause ();
  return f_impl ();
}

void
rt_exit_thread (int value)
{
  pthread_exit ((void *) (long) (value + f_impl ()));
}

int
rt_backtrace (void *(*collect) (void))
{
  return collect () != 0 ? f_impl () : -1;
}

__attribute__ ((target ("avx"))) double
rt_avx (rt_v4df v, double w)
{
  return v[0] + v[1] + v[2] + v[3] + w;
}

__attribute__ ((ulp_exclude)) int
rt_excluded (void)
{
  return 5;
}
