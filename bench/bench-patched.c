/* bench-patched.c -- the cost of calling a live-patched function.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Arguments: the live patches bench-p1.so, bench-p2.so, bench-p3.so
   (bench-patch.c) of the build of bench-lib.c with the plugin's
   defaults, which is linked at start, together with the plain build
   and libulp.so.  The program
   goes through these states, applying and reverting with the runtime's
   own API (ulp.h):

     unpatched       the runtime is loaded, nothing is patched
     1-migrating     patch 1 applied while another thread sits inside the
                     library in the old universe: every call selects its
                     version per thread
     3-migrating     patches 2 and 3 stacked on it, same thread inside
     3-migrated      that thread has left and exited: no thread can run
                     old code, the runtime drops per-thread selection
     1-migrated      patches 3 and 2 reverted: patch 1 alone, migrated

   In each state it times, side by side in shuffled rounds, the patched
   function and its unpatched twin in the same library (the control)
   and the plain build's function:

     patched-internal        a static function called inside the library
     patched-export-ptr      an exported function called by the
                             application through a function pointer
     patched-export-direct   the same through the PLT

   and prints a CELL line per comparison (bench-util.h): against the
   plain build, and against the control.  INFO lines say how the
   runtime selects the version in each state, as ulp_status_json
   reports it.  With --callgrind N, each cell runs once for N calls
   between callgrind client requests instead.  */

#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined __has_include
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND_H 1
#endif
#endif

#include <ulp.h>

#include "bench-util.h"

long plain_loop_a (long);
long default_loop_a (long);
long default_loop_b (long);
int plain_empty_a (int);
int default_empty_a (int);
int default_empty_b (int);
void default_park (void);
int default_parked (void);
void default_unpark (void);

typedef int (*int_fn) (int);
typedef long (*loop_fn) (long);

#define DIRECT_LOOP(F)                                                    \
  __attribute__ ((noipa)) static long direct_##F (long n)                 \
  {                                                                       \
    long s = 0;                                                           \
    for (long i = 0; i < n; i++)                                          \
      s += F ((int) i);                                                   \
    return s;                                                             \
  }

DIRECT_LOOP (plain_empty_a)
DIRECT_LOOP (default_empty_a)
DIRECT_LOOP (default_empty_b)

__attribute__ ((noipa)) static long
ptr_loop (int_fn f, long n)
{
  long s = 0;
  for (long i = 0; i < n; i++)
    s += f ((int) i);
  return s;
}

struct cell
{
  const char *row, *variant;
  loop_fn loop; /* the loop, or NULL for ptr_loop (FN).  */
  int_fn fn;
};

/* Three per row: plain, control, patched.  */
static const struct cell cells[] = {
  { "patched-internal", "plain", plain_loop_a, NULL },
  { "patched-internal", "control", default_loop_b, NULL },
  { "patched-internal", "patched", default_loop_a, NULL },
  { "patched-export-ptr", "plain", NULL, plain_empty_a },
  { "patched-export-ptr", "control", NULL, default_empty_b },
  { "patched-export-ptr", "patched", NULL, default_empty_a },
  { "patched-export-direct", "plain", direct_plain_empty_a, NULL },
  { "patched-export-direct", "control", direct_default_empty_b, NULL },
  { "patched-export-direct", "patched", direct_default_empty_a, NULL },
};
#define NCELLS (sizeof cells / sizeof cells[0])

static volatile long sink;
static int callgrind_mode;
static long ncalls;
static size_t nrounds;

static void
run (const struct cell *c, long n)
{
  if (c->loop)
    sink += c->loop (n);
  else
    sink += ptr_loop (c->fn, n);
}

/* The "selection" ulp_status_json reports for function NAME: "original",
   "per-thread" or "direct".  */
static void
selection (const char *json, const char *name, char *out, size_t size)
{
  char pat[128];
  snprintf (pat, sizeof pat, "{\"name\": \"%s\"", name);
  const char *p = strstr (json, pat);
  const char *s = p ? strstr (p, "\"selection\": \"") : NULL;
  snprintf (out, size, "unknown");
  if (s)
    {
      s += strlen ("\"selection\": \"");
      const char *e = strchr (s, '"');
      if (e && (size_t) (e - s) < size)
        {
          memcpy (out, s, e - s);
          out[e - s] = '\0';
        }
    }
}

static void
measure (const char *state)
{
  char *json = ulp_status_json ();
  if (!json)
    bench_die ("ulp_status_json failed");
  char leaf[32], empty[32];
  selection (json, "leaf_a", leaf, sizeof leaf);
  selection (json, "default_empty_a", empty, sizeof empty);
  /* The object's own fields follow its soname.  */
  const char *obj = strstr (json, "\"soname\": \"libbench-default.so\"");
  const char *lf = obj ? strstr (obj, "\"live_floor\": ") : NULL;
  const char *un = obj ? strstr (obj, "\"universe\": ") : NULL;
  const char *tls = obj ? strstr (obj, "\"tls\": \"") : NULL;
  char tlsname[32] = "unknown";
  if (tls)
    sscanf (tls + 8, "%31[^\"]", tlsname);
  printf ("INFO patched %s leaf_a=%s default_empty_a=%s universe=%ld "
          "live_floor=%ld tls=%s\n",
          state, leaf, empty, un ? atol (un + 13) : -1L,
          lf ? atol (lf + 14) : -1L, tlsname);
  fflush (stdout);
  free (json);

  if (callgrind_mode)
    {
#ifdef HAVE_CALLGRIND_H
      for (size_t i = 0; i < NCELLS; i++)
        {
          char label[160];
          run (&cells[i], 1000);
          snprintf (label, sizeof label, "%s@%s/%s/%ld", cells[i].row, state,
                    cells[i].variant, ncalls);
          CALLGRIND_ZERO_STATS;
          run (&cells[i], ncalls);
          CALLGRIND_DUMP_STATS_AT (label);
        }
#endif
      return;
    }

  size_t warm = 5;
  struct bench_samples s;
  bench_samples_init (&s, nrounds + warm, NCELLS);
  size_t order[NCELLS];
  for (size_t r = 0; r < nrounds + warm; r++)
    {
      bench_shuffle (order, NCELLS);
      for (size_t k = 0; k < NCELLS; k++)
        {
          double t0 = bench_now_ns ();
          run (&cells[order[k]], ncalls);
          double t1 = bench_now_ns ();
          *bench_at (&s, r, order[k]) = (t1 - t0) / ncalls;
        }
    }
  for (size_t i = 0; i < NCELLS; i += 3)
    {
      char key[160];
      snprintf (key, sizeof key, "%s@%s", cells[i].row, state);
      bench_cell (&s, warm, key, "plain", i, "plain", i);
      bench_cell (&s, warm, key, "control", i + 1, "plain", i);
      bench_cell (&s, warm, key, "patched", i + 2, "plain", i);
      bench_cell (&s, warm, key, "patched", i + 2, "control", i + 1);
    }
  bench_samples_free (&s);
}

static long
apply (const char *path)
{
  struct ulp_error e;
  long id = ulp_apply (path, 0, &e);
  if (id < 0)
    bench_die ("ulp_apply %s: %s", path, e.message);
  return id;
}

static void
revert (long id)
{
  struct ulp_error e;
  if (ulp_revert (id, 0, &e) != 0)
    bench_die ("ulp_revert %ld: %s", id, e.message);
}

static void *
parked_thread (void *arg)
{
  (void) arg;
  default_park ();
  return NULL;
}

int
main (int argc, char **argv)
{
  int a = 1;
  if (argc > 2 && strcmp (argv[1], "--callgrind") == 0)
    {
#ifndef HAVE_CALLGRIND_H
      bench_die ("built without valgrind/callgrind.h");
#endif
      callgrind_mode = 1;
      ncalls = atol (argv[2]);
      a = 3;
    }
  else
    {
      ncalls = bench_env_long ("BENCH_CALLS", 400000);
      nrounds = bench_env_long ("BENCH_ROUNDS", 150);
    }
  if (argc - a != 3)
    bench_die ("usage: bench-patched [--callgrind N] P1 P2 P3");

  /* Every thread that will run the library has entered it once.  */
  for (size_t i = 0; i < NCELLS; i++)
    run (&cells[i], 10);
  measure ("unpatched");

  pthread_t th;
  if (pthread_create (&th, NULL, parked_thread, NULL) != 0)
    bench_die ("pthread_create failed");
  while (default_parked () == 0)
    usleep (1000);

  long p1 = apply (argv[a]);
  measure ("1-migrating");
  long p2 = apply (argv[a + 1]);
  long p3 = apply (argv[a + 2]);
  measure ("3-migrating");

  default_unpark ();
  pthread_join (th, NULL);
  measure ("3-migrated");

  revert (p3);
  revert (p2);
  measure ("1-migrated");
  (void) p1;
  return 0;
}
