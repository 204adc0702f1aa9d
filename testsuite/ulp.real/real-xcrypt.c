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
#include "real-workers.h"

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
      real_count_round (w, e, p, bad + (p == PROBE_BAD));
    }
  free (data);
  return NULL;
}

/* The main thread's probe, for real_serve.  */
static enum probe_result
probe_main (void *data, char *detail, size_t size)
{
  return probe (data, detail, size);
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

  real_serve (probe_main, &data);
  return 0;
}
