/* real-xcrypt.c -- the program ulp.real/real-xcrypt.exp patches: four
   threads hash passphrases with a live-patchable libxcrypt while the
   test applies a live patch to the process from outside and reverts it.

   Every worker thread loops over a set of hash settings (one per
   method worth the time: yescrypt, bcrypt, SHA-512, MD5, DES ...),
   checks each hash against the one the main thread computed at start,
   and ends each round with a probe: crypt_rn of a SHA-512 setting whose
   salt holds a '#'.  The stock library hashes it; the patched one
   (real-xcrypt-badsalt.diff: check_badsalt_chars, a static function,
   also refuses '#', '\'' and '"') returns NULL with errno EINVAL.

   Commands, one a line on standard input (Expect drives the program):
     probe    the main thread probes: "probe old", "probe new" or
              "probe bad DETAIL";
     workers  wait until every worker has done two whole rounds that
              began after the command, then "workers old=N new=N bad=N
              rounds=N": the probes of those rounds, and hashes that
              differed from the reference (bad);
     exit     stop the workers; "bye rounds=N bad=N" over the whole run.
   The program prints "ready PID" when its workers run.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 4

/* Methods and the lowest costs their gensalt takes (0: the default),
   so that a round stays short.  */
static const struct
{
  const char *prefix;
  unsigned long count;
} methods[] = {
  { "$y$", 1 }, { "$gy$", 1 }, { "$2b$", 4 }, { "$6$", 1000 },
  { "$5$", 1000 }, { "$sha1", 4 }, { "$md5", 0 }, { "$1$", 0 },
  { "$3$", 0 }, { "_", 1 }, { "", 0 },
};
#define NMETHODS (sizeof methods / sizeof methods[0])

#define PHRASE "correct horse battery staple"
#define PROBE_SETTING "$6$rounds=1000$ab#cd$"

static char settings[NMETHODS][CRYPT_GENSALT_OUTPUT_SIZE];
static char reference[NMETHODS][CRYPT_OUTPUT_SIZE];

enum probe_result { PROBE_OLD, PROBE_NEW, PROBE_BAD };

struct worker
{
  pthread_t thread;
  /* Written by the worker only.  */
  atomic_long epoch;            /* the epoch the counts below are of */
  atomic_long rounds, old, new, bad;
  atomic_long total_rounds, total_bad;
};

static struct worker workers[NTHREADS];
static atomic_long epoch;
static atomic_int stop;

/* Hash PHRASE with SETTING into DATA; the hash or NULL (errno set).  */
static const char *
hash (const char *phrase, const char *setting, struct crypt_data *data)
{
  errno = 0;
  return crypt_rn (phrase, setting, data, (int) sizeof *data);
}

/* The probe, as old or new behaviour; DETAIL says what else it was.  */
static enum probe_result
probe (struct crypt_data *data, char *detail, size_t size)
{
  const char *h = hash (PHRASE, PROBE_SETTING, data);
  int err = errno;
  if (h && strncmp (h, "$6$", 3) == 0)
    return PROBE_OLD;
  if (!h && err == EINVAL)
    return PROBE_NEW;
  snprintf (detail, size, "%s errno %d", h ? h : "(null)", err);
  return PROBE_BAD;
}

static void *
work (void *arg)
{
  struct worker *w = arg;
  struct crypt_data *data = calloc (1, sizeof *data);
  char detail[CRYPT_OUTPUT_SIZE + 32];
  if (!data)
    abort ();
  while (!atomic_load (&stop))
    {
      long e = atomic_load (&epoch);
      long bad = 0;
      for (size_t i = 0; i < NMETHODS; i++)
        {
          const char *h = hash (PHRASE, settings[i], data);
          if (!h || strcmp (h, reference[i]) != 0)
            bad++;
        }
      enum probe_result p = probe (data, detail, sizeof detail);
      if (p == PROBE_BAD)
        bad++;
      atomic_fetch_add (&w->total_rounds, 1);
      atomic_fetch_add (&w->total_bad, bad);
      /* Count the round for the "workers" command only when it began
         after the command's epoch started.  */
      if (atomic_load (&epoch) != e)
        continue;
      if (atomic_load (&w->epoch) != e)
        {
          atomic_store (&w->rounds, 0);
          atomic_store (&w->old, 0);
          atomic_store (&w->new, 0);
          atomic_store (&w->bad, 0);
          atomic_store (&w->epoch, e);
        }
      atomic_fetch_add (p == PROBE_OLD ? &w->old
                        : p == PROBE_NEW ? &w->new : &w->bad, 1);
      atomic_fetch_add (&w->bad, bad - (p == PROBE_BAD));
      atomic_fetch_add (&w->rounds, 1);
    }
  free (data);
  return NULL;
}

static void
cmd_workers (void)
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

int
main (void)
{
  static struct crypt_data data;
  char rbytes[32];
  setvbuf (stdout, NULL, _IOLBF, 0);
  for (size_t i = 0; i < sizeof rbytes; i++)
    rbytes[i] = (char) (i * 37 + 11);
  for (size_t i = 0; i < NMETHODS; i++)
    {
      if (!crypt_gensalt_rn (methods[i].prefix, methods[i].count, rbytes,
                             (int) sizeof rbytes, settings[i],
                             (int) sizeof settings[i]))
        {
          printf ("error: crypt_gensalt_rn (\"%s\", %lu): %s\n",
                  methods[i].prefix, methods[i].count, strerror (errno));
          return 1;
        }
      const char *h = hash (PHRASE, settings[i], &data);
      if (!h)
        {
          printf ("error: crypt_rn (%s): %s\n", settings[i],
                  strerror (errno));
          return 1;
        }
      strcpy (reference[i], h);
    }

  for (int t = 0; t < NTHREADS; t++)
    {
      atomic_store (&workers[t].epoch, -1);
      if (pthread_create (&workers[t].thread, NULL, work, &workers[t]) != 0)
        {
          printf ("error: pthread_create failed\n");
          return 1;
        }
    }
  printf ("ready %ld\n", (long) getpid ());

  char line[256];
  while (fgets (line, sizeof line, stdin))
    {
      line[strcspn (line, "\r\n")] = '\0';
      if (strcmp (line, "probe") == 0)
        {
          char detail[CRYPT_OUTPUT_SIZE + 32];
          enum probe_result p = probe (&data, detail, sizeof detail);
          if (p == PROBE_BAD)
            printf ("probe bad %s\n", detail);
          else
            printf ("probe %s\n", p == PROBE_OLD ? "old" : "new");
        }
      else if (strcmp (line, "workers") == 0)
        cmd_workers ();
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
  return 0;
}
