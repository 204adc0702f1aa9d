/* bench-malloc.c -- malloc/free cost, for runs with and without libulp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp must not slow down a process that merely has its runtime loaded:
   libpulp wraps the malloc family with one shared atomic counter, which
   costs +2.5 ns a pair with one thread and makes it about 6x slower
   with two.  run-bench.sh runs this program alternately with and
   without LD_PRELOAD=libulp.so.  THREADS threads (started through
   pthread_create, which libulp interposes) each do PAIRS malloc/free
   pairs of varying small sizes, with a few blocks kept live so the
   allocator does real work; the program prints the median over ROUNDS
   of ns per pair (wall time of the round divided by the pairs of one
   thread) and whether libulp is loaded.

   Usage: bench-malloc THREADS [PAIRS [ROUNDS]]
   With --callgrind, runs one round between callgrind client requests.  */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined __has_include
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND_H 1
#endif
#endif

#include "bench-util.h"

static long pairs;
static pthread_barrier_t start, done;
static volatile int stop;

static void
work (void)
{
  void *keep[8] = { 0 };
  for (long i = 0; i < pairs; i++)
    {
      size_t size = 16 + (i * 37) % 240;
      void *p = malloc (size);
      if (!p)
        bench_die ("out of memory");
      *(volatile char *) p = 1;
      /* Keep one block in eight alive a little longer.  */
      if ((i & 7) == 0)
        {
          free (keep[(i >> 3) & 7]);
          keep[(i >> 3) & 7] = p;
        }
      else
        free (p);
    }
  for (int k = 0; k < 8; k++)
    free (keep[k]);
}

static void *
worker (void *arg)
{
  (void) arg;
  for (;;)
    {
      pthread_barrier_wait (&start);
      if (stop)
        return NULL;
      work ();
      pthread_barrier_wait (&done);
    }
}

int
main (int argc, char **argv)
{
  int cg = argc > 1 && strcmp (argv[1], "--callgrind") == 0;
  if (cg)
    argv++, argc--;
  if (argc < 2)
    bench_die ("usage: bench-malloc [--callgrind] THREADS [PAIRS [ROUNDS]]");
  int threads = atoi (argv[1]);
  pairs = argc > 2 ? atol (argv[2]) : 1000000;
  long rounds = argc > 3 ? atol (argv[3]) : 21;
  if (threads < 1 || pairs < 1 || rounds < 1)
    bench_die ("bad arguments");

  /* The main thread is one of the workers.  */
  pthread_barrier_init (&start, NULL, threads);
  pthread_barrier_init (&done, NULL, threads);
  pthread_t th[64];
  if (threads > 64)
    bench_die ("at most 64 threads");
  for (int t = 1; t < threads; t++)
    if (pthread_create (&th[t], NULL, worker, NULL) != 0)
      bench_die ("pthread_create failed");

  double *ns = calloc (rounds, sizeof *ns);
  for (long r = 0; r < rounds + 1; r++)
    {
#ifdef HAVE_CALLGRIND_H
      /* Before the other threads are let go: valgrind runs one thread
         at a time, and one may do all its work before this thread
         runs again.  */
      if (cg && r == 1)
        CALLGRIND_ZERO_STATS;
#endif
      pthread_barrier_wait (&start);
      double t0 = bench_now_ns ();
      work ();
      pthread_barrier_wait (&done);
      double t1 = bench_now_ns ();
#ifdef HAVE_CALLGRIND_H
      if (cg && r == 1)
        {
          char label[64];
          snprintf (label, sizeof label, "malloc/%d/%ld", threads,
                    pairs * threads);
          CALLGRIND_DUMP_STATS_AT (label);
        }
#endif
      if (r > 0) /* round 0 warms the allocator up.  */
        ns[r - 1] = (t1 - t0) / pairs;
      if (cg && r == 1)
        break;
    }
  stop = 1;
  pthread_barrier_wait (&start);
  for (int t = 1; t < threads; t++)
    pthread_join (th[t], NULL);

  int loaded = dlsym (RTLD_DEFAULT, "ulp_apply") != NULL;
  if (!cg)
    printf ("MALLOC threads=%d libulp=%d ns_per_pair=%.3f\n", threads,
            loaded, bench_quantile (ns, rounds, 0.5));
  free (ns);
  return 0;
}
