/* rt-stress.c -- patches applied and reverted under load.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Arguments: patch 1 of rt-lib.c and a number of cycles.  Eight threads
   call the library in a tight loop, directly and through a callback
   that calls back in, and check every result: each call must see f_impl
   and g_impl of one universe (110 or 220, never 120 or 210), and a call
   and the call nested in it the same one.  Meanwhile the main thread
   applies and reverts the patch CYCLES times.  No wrong result, both
   versions seen, and at the end every patch unloaded.  */

#include <pthread.h>
#include <time.h>

#include "rt-lib.h"
#include "rt-test.h"

#define THREADS 8

static volatile int stop;
static long wrong[THREADS], calls[THREADS], news[THREADS];
static int last_wrong;

static int
nested (void)
{
  return rt_pair ();
}

static void *
worker (void *arg)
{
  long i = (long) arg;
  while (!stop)
    {
      int v = rt_pair ();
      if (v != 110 && v != 220)
        {
          wrong[i]++;
          last_wrong = v;
        }
      else if (v == 220)
        news[i]++;
      /* h * 10000 + f * 100 + g: the nested call in the same universe.  */
      int w = rt_pair_around (nested);
      if (w != 110 * 10000 + 110 && w != 220 * 10000 + 220)
        {
          wrong[i]++;
          last_wrong = w;
        }
      calls[i] += 3;
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    return 2;
  int cycles = atoi (argv[2]);
  pthread_t th[THREADS];
  for (long i = 0; i < THREADS; i++)
    pthread_create (&th[i], NULL, worker, (void *) i);

  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  int failed = 0;
  for (int c = 0; c < cycles && failed < 5; c++)
    {
      struct ulp_error e;
      long id = ulp_apply (argv[1], 0, &e);
      if (id < 0)
        {
          failed++;
          printf ("apply %d: %s\n", c, e.message);
          continue;
        }
      if (ulp_revert (id, 0, &e) != 0)
        {
          failed++;
          printf ("revert %d: %s\n", c, e.message);
        }
    }
  clock_gettime (CLOCK_MONOTONIC, &t1);
  stop = 1;
  for (int i = 0; i < THREADS; i++)
    pthread_join (th[i], NULL);
  long w = 0, n = 0, nw = 0;
  for (int i = 0; i < THREADS; i++)
    {
      w += wrong[i];
      n += calls[i];
      nw += news[i];
    }
  double secs = (double) (t1.tv_sec - t0.tv_sec)
                + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf ("%d cycles in %.2f s, %ld calls, %ld new, %ld wrong\n", cycles,
          secs, n, nw, w);
  rt_check (failed == 0, "every apply and revert succeeded", "%d failed",
            failed);
  rt_check (w == 0, "no wrong result", "%ld wrong of %ld (last %d)", w, n,
            last_wrong);
  rt_check (n > 0 && nw > 0, "both versions ran", "%ld calls, %ld new", n,
            nw);
  /* Nothing applied or reverted is left; the status lists the newest
     16 unloaded patches of the object (the runtime forgets older
     ones).  */
  rt_check (ulp_patches (NULL, 0) == 0
            && rt_status_count ("\"state\": \"reverted\"") == 0
            && rt_status_count ("\"state\": \"unloaded\"")
               == (cycles < 16 ? cycles : 16),
            "every patch unloaded at the end", "%d unloaded, %d pending",
            rt_status_count ("\"state\": \"unloaded\""),
            rt_status_count ("\"state\": \"reverted\""));
  rt_check (rt_pair () == 110, "original code at the end", "%d", rt_pair ());
  return 0;
}
