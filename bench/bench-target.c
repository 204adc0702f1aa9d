/* bench-target.c -- the process the apply benchmarks patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Linked with gen-lib.c built with ulp (1,000 patchable functions
   behind gen_call) and with libulp.so.  Its NTHREADS threads all run
   the library: thread 0 calls it in a tight loop, the others wake
   every 20 ms to call it (most threads of a large server are blocked
   most of the time).  Modes:

   self NTHREADS ROUNDS P1 P100 P1000
       Applies and reverts the patches of 1, 100 and 1,000 functions
       in its own process with the runtime's API (ulp_apply,
       ulp_revert), ROUNDS times in shuffled order, from a thread of
       its own while the NTHREADS threads run; prints CELL lines
       (bench-util.h) of the times.  The API stops no thread, so there
       is no pause to measure here.

   serve NTHREADS
       For ulp-apply.  Prints "READY" and runs.  Thread 0 records every
       gap of more than 20 us between two of its iterations.  On
       SIGUSR1 it reads a line "T0 T1" (CLOCK_MONOTONIC nanoseconds)
       from standard input and prints "GAP MAX BASE": the longest gap
       overlapping [T0, T1] and the longest in the window of the same
       length before T0, in microseconds.  Exits at end of input.

   idle
       Calls the library once, prints "READY", and blocks reading
       standard input until its end (the --all benchmark starts 200).  */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ulp.h>

#include "bench-util.h"

int gen_call (int i, int x);

/* Gaps thread 0 saw: a ring of (start, end) in ns.  */
#define NGAPS 65536
static struct
{
  double from, to;
} gaps[NGAPS];
static volatile unsigned long ngaps;
static volatile sig_atomic_t report;
static volatile int stop;
static volatile long sink;

static void
on_usr1 (int sig)
{
  (void) sig;
  report = 1;
}

/* The longest gap overlapping [T0, T1], in us.  */
static double
max_gap (double t0, double t1)
{
  double m = 0;
  unsigned long n = ngaps, first = n > NGAPS ? n - NGAPS : 0;
  for (unsigned long i = first; i < n; i++)
    {
      double a = gaps[i % NGAPS].from, b = gaps[i % NGAPS].to;
      if (b > t0 && a < t1 && b - a > m)
        m = b - a;
    }
  return m / 1e3;
}

static void
serve_report (void)
{
  report = 0;
  double t0, t1;
  if (scanf ("%lf %lf", &t0, &t1) != 2)
    exit (0);
  printf ("GAP %.1f %.1f\n", max_gap (t0, t1), max_gap (2 * t0 - t1, t0));
  fflush (stdout);
}

/* Thread 0's loop: call in, note gaps; in serve mode answer reports.  */
static void
busy_loop (int serve)
{
  double last = bench_now_ns ();
  int i = 0;
  while (!stop)
    {
      sink += gen_call (i++, 1);
      double now = bench_now_ns ();
      if (now - last > 20e3)
        {
          unsigned long n = ngaps;
          gaps[n % NGAPS].from = last;
          gaps[n % NGAPS].to = now;
          __atomic_store_n (&ngaps, n + 1, __ATOMIC_RELEASE);
        }
      last = now;
      if (serve && report)
        {
          serve_report ();
          last = bench_now_ns ();
        }
    }
}

static void *
busy_thread (void *arg)
{
  (void) arg;
  busy_loop (0);
  return NULL;
}

static void *
sleeper (void *arg)
{
  long k = (long) arg;
  struct timespec ts = { 0, 20 * 1000 * 1000 };
  while (!stop)
    {
      sink += gen_call ((int) k, 2);
      nanosleep (&ts, NULL);
    }
  return NULL;
}

static pthread_t *threads;
static int nthreads;

/* Start threads 1 .. N-1 (sleepers); thread 0 is the caller's.  */
static void
start_sleepers (int n)
{
  nthreads = n;
  threads = calloc (n + 1, sizeof *threads);
  pthread_attr_t attr;
  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, 64 * 1024);
  for (long t = 1; t < n; t++)
    if (pthread_create (&threads[t], &attr, sleeper, (void *) t) != 0)
      bench_die ("cannot start thread %ld of %d", t, n);
  pthread_attr_destroy (&attr);
}

static void
join_all (void)
{
  stop = 1;
  for (int t = 1; t < nthreads; t++)
    pthread_join (threads[t], NULL);
  if (threads[0])
    pthread_join (threads[0], NULL);
}

static int
self_mode (int n, long rounds, char **patches)
{
  /* Thread 0 is a busy thread of its own; the main thread applies.  */
  start_sleepers (n);
  if (pthread_create (&threads[0], NULL, busy_thread, NULL) != 0)
    bench_die ("cannot start the busy thread");
  usleep (100 * 1000);

  static const char *const sizes[3] = { "1", "100", "1000" };
  struct bench_samples apply_t, revert_t;
  bench_samples_init (&apply_t, rounds, 3);
  bench_samples_init (&revert_t, rounds, 3);
  size_t order[3];
  for (long r = 0; r < rounds; r++)
    {
      bench_shuffle (order, 3);
      for (int k = 0; k < 3; k++)
        {
          size_t s = order[k];
          struct ulp_error e;
          double t0 = bench_now_ns ();
          long id = ulp_apply (patches[s], 0, &e);
          double t1 = bench_now_ns ();
          if (id < 0)
            bench_die ("ulp_apply %s: %s", patches[s], e.message);
          usleep (2000);
          double t2 = bench_now_ns ();
          if (ulp_revert (id, 0, &e) != 0)
            bench_die ("ulp_revert %ld: %s", id, e.message);
          double t3 = bench_now_ns ();
          usleep (2000);
          *bench_at (&apply_t, r, s) = (t1 - t0) / 1e6;
          *bench_at (&revert_t, r, s) = (t3 - t2) / 1e6;
        }
    }
  char key[64], var[64];
  snprintf (var, sizeof var, "%dthreads", n);
  for (size_t s = 0; s < 3; s++)
    {
      snprintf (key, sizeof key, "rt-apply-ms@%s", sizes[s]);
      bench_cell (&apply_t, 0, key, var, s, var, s);
      snprintf (key, sizeof key, "rt-revert-ms@%s", sizes[s]);
      bench_cell (&revert_t, 0, key, var, s, var, s);
    }
  bench_samples_free (&apply_t);
  bench_samples_free (&revert_t);
  join_all ();
  return 0;
}

int
main (int argc, char **argv)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc >= 2 && strcmp (argv[1], "idle") == 0)
    {
      sink += gen_call (0, 0);
      printf ("READY\n");
      char buf[256];
      while (read (0, buf, sizeof buf) > 0 || errno == EINTR)
        errno = 0;
      return 0;
    }
  if (argc == 3 && strcmp (argv[1], "serve") == 0)
    {
      int n = atoi (argv[2]);
      if (n < 1)
        bench_die ("bad thread count %s", argv[2]);
      struct sigaction sa;
      memset (&sa, 0, sizeof sa);
      sa.sa_handler = on_usr1;
      sigaction (SIGUSR1, &sa, NULL);
      start_sleepers (n);
      usleep (50 * 1000);
      printf ("READY\n");
      busy_loop (1);
      return 0;
    }
  if (argc == 7 && strcmp (argv[1], "self") == 0)
    {
      int n = atoi (argv[2]);
      long rounds = atol (argv[3]);
      if (n < 1 || rounds < 1)
        bench_die ("bad arguments");
      return self_mode (n, rounds, argv + 4);
    }
  bench_die ("usage: bench-target self NTHREADS ROUNDS P1 P100 P1000 | "
             "serve NTHREADS | idle");
}
