/* sk-target.c -- the process the soak test patches and reverts.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   sk-target starts 15 threads besides its main thread, all working
   across libska.so.1, libskb.so.1 and libskc.so.1 (sk-lib.c) while
   patches come and go from outside:

     long-a, long-b, long-c  long calls inside one library (sk?_long),
                             which call back into the program, which
                             calls into that library again (a nested
                             entry) and into the next one (an entry
                             from outside)
     short-1 .. short-3      short calls into all three libraries
     recurse                 recursion through skb's exported interface
     read-a                  blocked in read on a pipe, inside libska
     sleep-b                 blocked in nanosleep, inside libskb
     wait-c                  blocked on a condition variable (futex),
                             inside libskc
     poll-a                  blocked in poll, inside libska
     feeder                  writes the pipes and signals the condition
                             variable, from the program
     futex-out, read-out     blocked in the program (a condition
                             variable and a pipe nobody touches), never
                             in a library
     mixed                   malloc and free between calls to skc and
                             ska

   Every result is checked where it is returned: a negative one means a
   call saw the tags of two universes (SK_MIXED), a tag above 3 one of
   no patch.  The first wrong result is printed ("WRONG ...") and the
   process aborts, which the test sees as a crash.

   It prints "ready PID" and serves one command per line on standard
   input:

     tags     "tags A B C": the tags of a short call into each library
              from the main thread (an entry from outside, so the newest
              universe of each)
     stats    "stats calls N wrong W threads T idle I": calls made so
              far, wrong results (always 0: the first one aborts),
              threads that made calls, and the names of the workers
              that made none since the last stats (or "-")
     exit     exit (0)  */

#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sk.h"

enum
{
  T_LONG_A, T_LONG_B, T_LONG_C, T_SHORT_1, T_SHORT_2, T_SHORT_3,
  T_RECURSE, T_READ_A, T_SLEEP_B, T_WAIT_C, T_POLL_A, T_FEEDER,
  T_FUTEX_OUT, T_READ_OUT, T_MIXED, T_N
};

static const char *const names[T_N] = {
  "long-a", "long-b", "long-c", "short-1", "short-2", "short-3", "recurse",
  "read-a", "sleep-b", "wait-c", "poll-a", "feeder", "futex-out",
  "read-out", "mixed"
};

/* Calls per thread, and the counts at the last "stats".  */
static unsigned long calls[T_N], seen[T_N];
static unsigned long wrong;

static void
say (const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  if (n > (int) sizeof buf - 1)
    n = sizeof buf - 1;
  ssize_t w = write (1, buf, n);
  (void) w;
}

static void
nap_us (long us)
{
  struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
  nanosleep (&ts, NULL);
}

/* Count result R of a call by thread T into library LIB (WHAT it was);
   abort loudly on a wrong one.  */
static int
check (int t, char lib, const char *what, int r)
{
  __atomic_add_fetch (&calls[t], 1, __ATOMIC_RELAXED);
  if (r >= 0 && r <= 3)
    return r;
  __atomic_add_fetch (&wrong, 1, __ATOMIC_RELAXED);
  if (r < 0)
    {
      int m = -1 - r;
      say ("WRONG %s: sk%c_%s mixed universes (tags %d %d %d)\n", names[t],
           lib, what, m / 16, m / 4 % 4, m % 4);
    }
  else
    say ("WRONG %s: sk%c_%s returned tag %d\n", names[t], lib, what, r);
  abort ();
}

static int (*const shorts[3]) (void) = { ska_short, skb_short, skc_short };
static int (*const longs[3]) (unsigned, int (*) (int), int)
  = { ska_long, skb_long, skc_long };

/* Called back from inside library L's long call: again into L (nested:
   the caller's universe), and into the next library (from outside).  */
static int
callback (int l)
{
  int other = (l + 1) % 3;
  check (T_LONG_A + l, 'a' + other, "short", shorts[other] ());
  return shorts[l] ();
}

static void *
long_main (void *arg)
{
  int l = (int) (intptr_t) arg;
  unsigned seed = 17u * (l + 1);
  for (;;)
    {
      unsigned iters = 2000 + rand_r (&seed) % 20000;
      check (T_LONG_A + l, 'a' + l, "long", longs[l] (iters, callback, l));
      nap_us (500);
    }
  return NULL;
}

static void *
short_main (void *arg)
{
  int t = (int) (intptr_t) arg;
  for (;;)
    {
      for (int i = 0; i < 20; i++)
        {
          check (t, 'a', "short", ska_short ());
          check (t, 'b', "short", skb_short ());
          check (t, 'c', "short", skc_short ());
        }
      nap_us (300);
    }
  return NULL;
}

static void *
recurse_main (void *arg)
{
  (void) arg;
  unsigned seed = 5;
  for (;;)
    {
      check (T_RECURSE, 'b', "recurse", skb_recurse (rand_r (&seed) % 12));
      nap_us (200);
    }
  return NULL;
}

static int pipe_read[2], pipe_poll[2], pipe_never[2];
static pthread_mutex_t cv_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cv_flag;

static void *
read_main (void *arg)
{
  (void) arg;
  for (;;)
    check (T_READ_A, 'a', "read", ska_read (pipe_read[0]));
  return NULL;
}

static void *
sleep_main (void *arg)
{
  (void) arg;
  for (;;)
    check (T_SLEEP_B, 'b', "sleep", skb_sleep (15 * 1000000L));
  return NULL;
}

static void *
wait_main (void *arg)
{
  (void) arg;
  for (;;)
    check (T_WAIT_C, 'c', "wait", skc_wait (&cv_mutex, &cv, &cv_flag, 40));
  return NULL;
}

static void *
poll_main (void *arg)
{
  (void) arg;
  for (;;)
    check (T_POLL_A, 'a', "poll", ska_poll (pipe_poll[0], 25));
  return NULL;
}

static void *
feeder_main (void *arg)
{
  (void) arg;
  char c = 'x';
  for (unsigned long i = 0;; i++)
    {
      nap_us (4000);
      if (write (pipe_read[1], &c, 1) != 1)
        abort ();
      if (i % 2 == 0 && write (pipe_poll[1], &c, 1) != 1)
        abort ();
      if (i % 3 == 0)
        {
          pthread_mutex_lock (&cv_mutex);
          cv_flag = 1;
          pthread_cond_signal (&cv);
          pthread_mutex_unlock (&cv_mutex);
        }
      __atomic_add_fetch (&calls[T_FEEDER], 1, __ATOMIC_RELAXED);
    }
  return NULL;
}

/* Blocked for good, outside every library: they count one call when
   they start.  */
static pthread_mutex_t never_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never_cv = PTHREAD_COND_INITIALIZER;

static void *
futex_out_main (void *arg)
{
  (void) arg;
  __atomic_add_fetch (&calls[T_FUTEX_OUT], 1, __ATOMIC_RELAXED);
  pthread_mutex_lock (&never_mutex);
  for (;;)
    pthread_cond_wait (&never_cv, &never_mutex);
  return NULL;
}

static void *
read_out_main (void *arg)
{
  (void) arg;
  __atomic_add_fetch (&calls[T_READ_OUT], 1, __ATOMIC_RELAXED);
  char c;
  for (;;)
    if (read (pipe_never[0], &c, 1) == 0)
      break;
  return NULL;
}

static void *
mixed_main (void *arg)
{
  (void) arg;
  unsigned seed = 9;
  for (;;)
    {
      void *p = malloc (rand_r (&seed) % 65536 + 1);
      check (T_MIXED, 'c', "short", skc_short ());
      void *q = malloc (rand_r (&seed) % 512 + 1);
      free (p);
      check (T_MIXED, 'a', "recurse", ska_recurse (rand_r (&seed) % 4));
      free (q);
      nap_us (250);
    }
  return NULL;
}

int
main (void)
{
  if (pipe (pipe_read) || pipe (pipe_poll) || pipe (pipe_never))
    return 2;
  static const struct
  {
    void *(*fn) (void *);
    int arg;
  } threads[T_N] = {
    { long_main, 0 }, { long_main, 1 }, { long_main, 2 },
    { short_main, T_SHORT_1 }, { short_main, T_SHORT_2 },
    { short_main, T_SHORT_3 }, { recurse_main, 0 }, { read_main, 0 },
    { sleep_main, 0 }, { wait_main, 0 }, { poll_main, 0 },
    { feeder_main, 0 }, { futex_out_main, 0 }, { read_out_main, 0 },
    { mixed_main, 0 }
  };
  for (int i = 0; i < T_N; i++)
    {
      pthread_t th;
      if (pthread_create (&th, NULL, threads[i].fn,
                          (void *) (intptr_t) threads[i].arg) != 0)
        {
          say ("error: pthread_create\n");
          return 2;
        }
    }
  say ("ready %d\n", (int) getpid ());
  char line[256];
  while (fgets (line, sizeof line, stdin))
    {
      char cmd[32] = "";
      sscanf (line, "%31s", cmd);
      if (strcmp (cmd, "tags") == 0)
        say ("tags %d %d %d\n", ska_short (), skb_short (), skc_short ());
      else if (strcmp (cmd, "stats") == 0)
        {
          unsigned long total = 0;
          int active = 0;
          char idle[256] = "";
          for (int i = 0; i < T_N; i++)
            {
              unsigned long c = __atomic_load_n (&calls[i], __ATOMIC_RELAXED);
              total += c;
              active += c > 0;
              /* The threads blocked for good count once only.  */
              if (c == seen[i] && i != T_FUTEX_OUT && i != T_READ_OUT)
                {
                  strcat (idle, idle[0] ? "," : "");
                  strcat (idle, names[i]);
                }
              seen[i] = c;
            }
          say ("stats calls %lu wrong %lu threads %d idle %s\n", total,
               __atomic_load_n (&wrong, __ATOMIC_RELAXED), active,
               idle[0] ? idle : "-");
        }
      else if (strcmp (cmd, "exit") == 0)
        exit (0);
      else
        say ("error: unknown command %s\n", cmd);
    }
  return 0;
}
