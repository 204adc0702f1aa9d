/* server.c -- units-server, the running program of the live-patching demo.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Usage: units-server [--allow-tracing] [WORKERS [INTERVAL_MS
   [LIFETIME_S]]].  Starts
   WORKERS threads (default 3) that each answer a request every
   INTERVAL_MS milliseconds (default 300): a temperature in Celsius,
   converted by libunits, printed as one line on standard output.  The
   program stops on SIGTERM or SIGINT, or by itself after LIFETIME_S
   seconds (default 300; 0 means never) so that a demo that went wrong
   leaves nothing running for long.  The program itself is built
   normally and knows nothing of live patching; only libunits is built
   with the ulp plugin.

   --allow-tracing is for systems where Yama's ptrace_scope is 1, which
   lets a user trace only the processes they started from the tracer
   (its descendants): ulp-apply, started by the demo beside the server,
   could then not reach it without root.  The option makes the server
   declare, with prctl (PR_SET_PTRACER), that any process of its user
   may trace it.  */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "libunits/units.h"

/* The temperatures the "clients" ask about, in turn.  */
static const int requests[] = { 100, 37, 0, -40 };
#define N_REQUESTS (sizeof requests / sizeof requests[0])

static long interval_ms = 300;

/* One line at a time on standard output, and no line held in a buffer
   when the output is a file or a pipe.  */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* Parse a non-negative decimal argument ARG, named WHAT in errors.  */
static long
parse_number (const char *arg, const char *what)
{
  char *end;
  errno = 0;
  long v = strtol (arg, &end, 10);
  if (errno != 0 || end == arg || *end != '\0' || v < 0)
    {
      fprintf (stderr, "units-server: %s: not a non-negative number: %s\n",
               what, arg);
      exit (EXIT_FAILURE);
    }
  return v;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep (&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* A worker: answer a request, sleep, again.  Worker N starts N
   requests into the list so that the workers do not all print the same
   line.  */
static void *
worker (void *arg)
{
  long n = (long) arg;

  for (unsigned long i = n;; i++)
    {
      int c = requests[i % N_REQUESTS];
      int f = units_c_to_f (c);
      pthread_mutex_lock (&out_lock);
      printf ("worker %ld: %4d C = %4d F\n", n + 1, c, f);
      fflush (stdout);
      pthread_mutex_unlock (&out_lock);
      sleep_ms (interval_ms);
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  long workers = 3, lifetime = 300;

  if (argc > 1 && strcmp (argv[1], "--allow-tracing") == 0)
    {
      /* EINVAL: no Yama, nothing to allow.  */
      if (prctl (PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0) != 0
          && errno != EINVAL)
        fprintf (stderr, "units-server: prctl (PR_SET_PTRACER): %s\n",
                 strerror (errno));
      argv++;
      argc--;
    }
  if (argc > 4)
    {
      fprintf (stderr, "units-server: usage: units-server "
               "[--allow-tracing] [WORKERS [INTERVAL_MS [LIFETIME_S]]]\n");
      return EXIT_FAILURE;
    }
  if (argc > 1)
    workers = parse_number (argv[1], "WORKERS");
  if (argc > 2)
    interval_ms = parse_number (argv[2], "INTERVAL_MS");
  if (argc > 3)
    lifetime = parse_number (argv[3], "LIFETIME_S");
  if (workers < 1 || workers > 64)
    {
      fprintf (stderr, "units-server: WORKERS: between 1 and 64: %ld\n",
               workers);
      return EXIT_FAILURE;
    }

  /* Block the stop signals in every thread (the workers inherit the
     mask) and wait for them in the main thread.  */
  sigset_t stop;
  sigemptyset (&stop);
  sigaddset (&stop, SIGTERM);
  sigaddset (&stop, SIGINT);
  pthread_sigmask (SIG_BLOCK, &stop, NULL);

  for (long n = 0; n < workers; n++)
    {
      pthread_t t;
      int err = pthread_create (&t, NULL, worker, (void *) n);
      if (err != 0)
        {
          fprintf (stderr, "units-server: pthread_create: %s\n",
                   strerror (err));
          return EXIT_FAILURE;
        }
    }

  int sig;
  if (lifetime == 0)
    sigwait (&stop, &sig);
  else
    {
      struct timespec ts = { lifetime, 0 };
      while (sigtimedwait (&stop, NULL, &ts) < 0 && errno == EINTR)
        ;
    }

  /* Exit with the workers still running: exit flushes nothing they are
     writing, since each line is flushed under out_lock.  */
  pthread_mutex_lock (&out_lock);
  printf ("units-server: stopping after %ld conversions\n",
          units_served ());
  fflush (stdout);
  return EXIT_SUCCESS;
}
