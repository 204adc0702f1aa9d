/* rt-late.c -- the runtime loaded after threads entered the library.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Arguments: libulp.so and patch 1 of rt-lib.c.  The program is not
   linked with libulp: thread A blocks inside the library and thread B
   calls it in a loop before the runtime is loaded with dlopen (as
   ulp-apply loads it).  The runtime cannot know where they are, so they
   are "unknown" until they enter the library again; per-thread selection
   stays until then.  A still finishes its call with old code, B never
   sees a mixed result, and once both entered again the selection
   collapses.  */

#include <dlfcn.h>
#include <pthread.h>
#include <time.h>

#include "rt-lib.h"
#include "rt-test.h"

static long (*apply) (const char *, unsigned, struct ulp_error *);
static int (*revert) (long, unsigned, struct ulp_error *);
static char *(*status) (void);
static size_t (*patches) (struct ulp_patch_info *, size_t);

static volatile int stop;
static long b_wrong, b_new, b_calls;

static int
count (const char *needle)
{
  char *s = status ();
  int n = 0;
  for (const char *p = s; p && (p = strstr (p, needle)) != NULL; p++)
    n++;
  free (s);
  return n;
}

static void *
thread_a (void *arg)
{
  int *r = arg;
  r[0] = rt_pair_after_wait ();
  r[1] = rt_pair ();
  return NULL;
}

static void *
thread_b (void *arg)
{
  (void) arg;
  while (!stop)
    {
      int v = rt_pair ();
      if (v != 110 && v != 220)
        b_wrong++;
      else if (v == 220)
        b_new++;
      b_calls++;
    }
  return NULL;
}

static void
nap (void)
{
  struct timespec ts = { 0, 2000000 };
  nanosleep (&ts, NULL);
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    return 2;
  int ra[2] = { 0, 0 };
  pthread_t a, b;
  rt_pair ();
  pthread_create (&a, NULL, thread_a, ra);
  pthread_create (&b, NULL, thread_b, NULL);
  while (rt_waiting () != 1 || b_calls < 1000)
    nap ();

  void *lib = dlopen (argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!rt_check (lib != NULL, "dlopen libulp", "%s", dlerror ()))
    return 0;
  *(void **) &apply = dlsym (lib, "ulp_apply");
  *(void **) &revert = dlsym (lib, "ulp_revert");
  *(void **) &status = dlsym (lib, "ulp_status_json");
  *(void **) &patches = dlsym (lib, "ulp_patches");
  rt_check (count ("\"unknown_threads\": true") == 1,
            "threads that ran before the runtime are unknown", "not so");

  struct ulp_error e;
  long id = apply (argv[2], 0, &e);
  rt_check (id > 0 && rt_pair () == 220, "apply", "%ld %s", id, e.message);
  for (int i = 0; i < 100; i++)
    nap ();
  rt_check (b_new > 0, "the looping thread gets new code", "%ld new",
            b_new);
  rt_check (count ("\"selection\": \"per-thread\"") == 2,
            "per-thread selection while a thread is unknown", "not so");
  rt_release ();
  pthread_join (a, NULL);
  rt_check (ra[0] == 110 && ra[1] == 220,
            "the thread blocked inside finishes with old code, then gets "
            "new code", "%d %d", ra[0], ra[1]);
  bool collapsed = false;
  for (int i = 0; i < 500 && !collapsed; i++)
    {
      nap ();
      collapsed = count ("\"selection\": \"direct\"") == 2;
    }
  rt_check (collapsed && count ("\"unknown_threads\": false") == 1,
            "selection collapses once every thread is known", "not so");
  stop = 1;
  pthread_join (b, NULL);
  rt_check (b_wrong == 0, "no mixed result in the looping thread",
            "%ld of %ld", b_wrong, b_calls);
  rt_check (revert (id, 0, &e) == 0 && rt_pair () == 110, "revert", "%s",
            e.message);
  rt_check (patches (NULL, 0) == 0 && count ("\"state\": \"unloaded\"") == 1,
            "unloaded", "");
  return 0;
}
