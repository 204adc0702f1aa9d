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

   serve NTHREADS [NBUSY]
       For ulp-apply.  Prints "READY" and runs.  Threads 0 .. NBUSY-1
       (default 1) call the library in a tight loop, the others as
       above; NBUSY = NTHREADS on a machine with fewer cores is a
       saturated target, as a loaded server is.  Each busy thread
       records every gap of more than 20 us between two of its
       iterations.  On SIGUSR1 thread 0 reads a line "T0 T1"
       (CLOCK_MONOTONIC nanoseconds) from standard input and prints
       "GAP MAX": the longest gap any busy thread saw in [T0, T1], in
       microseconds, each gap clipped to the window (so that a gap
       that straddles two windows counts in each only for its part in
       it).  Exits at end of input.

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

/* The gaps each busy thread saw: a ring of (start, end) in ns.  */
#define NGAPS 16384
#define MAX_BUSY 64
struct gap_ring
{
  struct
  {
    double from, to;
  } gap[NGAPS];
  unsigned long n;
};
static struct gap_ring rings[MAX_BUSY];
static int nbusy = 1;
static volatile sig_atomic_t report;
static volatile int stop;
static volatile long sink;

static void
on_usr1 (int sig)
{
  (void) sig;
  report = 1;
}

/* The longest part in [T0, T1] of a gap any busy thread saw, in us.  */
static double
max_gap (double t0, double t1)
{
  double m = 0;
  for (int b = 0; b < nbusy; b++)
    {
      struct gap_ring *r = &rings[b];
      unsigned long n = __atomic_load_n (&r->n, __ATOMIC_ACQUIRE);
      unsigned long first = n > NGAPS ? n - NGAPS : 0;
      for (unsigned long i = first; i < n; i++)
        {
          double a = r->gap[i % NGAPS].from, z = r->gap[i % NGAPS].to;
          if (a < t0)
            a = t0;
          if (z > t1)
            z = t1;
          if (z - a > m)
            m = z - a;
        }
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
  printf ("GAP %.1f\n", max_gap (t0, t1));
  fflush (stdout);
}

/* A busy thread's loop: call in, note gaps in ring B; thread 0 in
   serve mode also answers reports.  */
static void
busy_loop (int b, int serve)
{
  struct gap_ring *r = &rings[b];
  double last = bench_now_ns ();
  int i = 0;
  while (!stop)
    {
      sink += gen_call (i++, 1);
      double now = bench_now_ns ();
      if (now - last > 20e3)
        {
          unsigned long n = r->n;
          r->gap[n % NGAPS].from = last;
          r->gap[n % NGAPS].to = now;
          __atomic_store_n (&r->n, n + 1, __ATOMIC_RELEASE);
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
  busy_loop ((int) (long) arg, 0);
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

/* Start threads 1 .. N-1: busy up to NBUSY-1, sleepers after; thread
   0 is the caller's.  */
static void
start_threads (int n)
{
  nthreads = n;
  threads = calloc (n + 1, sizeof *threads);
  pthread_attr_t attr;
  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, 64 * 1024);
  for (long t = 1; t < n; t++)
    if (pthread_create (&threads[t], &attr,
                        t < nbusy ? busy_thread : sleeper, (void *) t)
        != 0)
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
  start_threads (n);
  if (pthread_create (&threads[0], NULL, busy_thread, (void *) 0) != 0)
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
  if ((argc == 3 || argc == 4) && strcmp (argv[1], "serve") == 0)
    {
      int n = atoi (argv[2]);
      if (n < 1)
        bench_die ("bad thread count %s", argv[2]);
      nbusy = argc == 4 ? atoi (argv[3]) : 1;
      if (nbusy < 1 || nbusy > n || nbusy > MAX_BUSY)
        bench_die ("bad busy thread count %s", argv[3]);
      struct sigaction sa;
      memset (&sa, 0, sizeof sa);
      sa.sa_handler = on_usr1;
      sigaction (SIGUSR1, &sa, NULL);
      start_threads (n);
      usleep (50 * 1000);
      printf ("READY\n");
      busy_loop (0, 1);
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
             "serve NTHREADS [NBUSY] | idle");
}
