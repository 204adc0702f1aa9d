/* real-workers.h -- what real-xcrypt.c and real-sqlite.c share: worker
   threads that count their rounds and probes per command epoch, and the
   command loop Expect drives (real-lib.tcl).

   A program defines NTHREADS, includes this file, starts its workers
   (each calling real_count_round at the end of every round), prints
   "ready PID" and calls real_serve with its own probe of the main
   thread.  The commands:
     probe    "probe old", "probe new" or "probe bad DETAIL";
     workers  wait until every worker has done two whole rounds that
              began after the command, then "workers old=N new=N bad=N
              rounds=N" over those rounds;
     exit     stop the workers; "bye rounds=N bad=N" over the whole run.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#ifndef REAL_WORKERS_H
#define REAL_WORKERS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum probe_result { PROBE_OLD, PROBE_NEW, PROBE_BAD };

struct worker
{
  pthread_t thread;
  int t;                        /* its index.  */
  char *reference;              /* for the program's own use.  */
  /* Written by the worker only.  */
  atomic_long epoch;            /* the epoch the counts below are of.  */
  atomic_long rounds, old, new, bad;
  atomic_long total_rounds, total_bad;
};

static struct worker workers[NTHREADS];
static atomic_long epoch;
static atomic_int stop;

/* Count a round of W that began in epoch E, ended with probe R and had
   BAD results wrong in all (the probe's included).  It counts for the
   "workers" command only when no newer epoch began meanwhile.  */
static void
real_count_round (struct worker *w, long e, enum probe_result r, long bad)
{
  atomic_fetch_add (&w->total_rounds, 1);
  atomic_fetch_add (&w->total_bad, bad);
  if (atomic_load (&epoch) != e)
    return;
  if (atomic_load (&w->epoch) != e)
    {
      atomic_store (&w->rounds, 0);
      atomic_store (&w->old, 0);
      atomic_store (&w->new, 0);
      atomic_store (&w->bad, 0);
      atomic_store (&w->epoch, e);
    }
  atomic_fetch_add (r == PROBE_OLD ? &w->old
                    : r == PROBE_NEW ? &w->new : &w->bad, 1);
  atomic_fetch_add (&w->bad, bad - (r == PROBE_BAD));
  atomic_fetch_add (&w->rounds, 1);
}

static void
real_cmd_workers (void)
{
  long e = atomic_fetch_add (&epoch, 1) + 1;
  struct timespec pause = { 0, 1000 * 1000 };
  for (int waited = 0; waited < 120 * 1000; waited++)
    {
      int all = 1;
      for (int t = 0; t < NTHREADS; t++)
        if (atomic_load (&workers[t].epoch) != e
            || atomic_load (&workers[t].rounds) < 2)
          all = 0;
      if (all)
        break;
      nanosleep (&pause, NULL);
    }
  long old = 0, new = 0, bad = 0, rounds = 0;
  for (int t = 0; t < NTHREADS; t++)
    if (atomic_load (&workers[t].epoch) == e)
      {
        rounds += atomic_load (&workers[t].rounds);
        old += atomic_load (&workers[t].old);
        new += atomic_load (&workers[t].new);
        bad += atomic_load (&workers[t].bad);
      }
  printf ("workers old=%ld new=%ld bad=%ld rounds=%ld\n", old, new, bad,
          rounds);
}

/* Serve the commands on standard input until "exit" or its end, PROBE
   (with CTX) being the main thread's probe; then stop and join the
   workers and say "bye".  */
static void
real_serve (enum probe_result (*probe) (void *ctx, char *detail,
                                         size_t size),
            void *ctx)
{
  char line[256];
  while (fgets (line, sizeof line, stdin))
    {
      line[strcspn (line, "\r\n")] = '\0';
      if (strcmp (line, "probe") == 0)
        {
          char detail[512];
          enum probe_result r = probe (ctx, detail, sizeof detail);
          if (r == PROBE_BAD)
            printf ("probe bad %s\n", detail);
          else
            printf ("probe %s\n", r == PROBE_OLD ? "old" : "new");
        }
      else if (strcmp (line, "workers") == 0)
        real_cmd_workers ();
      else if (strcmp (line, "exit") == 0)
        break;
      else if (line[0] != '\0')
        printf ("unknown command %s\n", line);
    }
  atomic_store (&stop, 1);
  long rounds = 0, bad = 0;
  for (int t = 0; t < NTHREADS; t++)
    {
      pthread_join (workers[t].thread, NULL);
      rounds += atomic_load (&workers[t].total_rounds);
      bad += atomic_load (&workers[t].total_bad);
    }
  printf ("bye rounds=%ld bad=%ld\n", rounds, bad);
}

#endif /* REAL_WORKERS_H */
