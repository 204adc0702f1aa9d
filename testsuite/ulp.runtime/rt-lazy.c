/* rt-lazy.c -- an object built with lazy arming and a runtime loaded
   after it.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Arguments: libulp.so and patch 1 of rt-lib.c, whose library was built
   with -fplugin-arg-ulp-arming=lazy.  The program is not linked with
   libulp: a thread blocks inside the library, unseen since its entries
   are unarmed, before the runtime is loaded with dlopen.  An apply in
   process must then be refused with a clear message, change nothing,
   and leave the library unarmed; once the thread has left and no other
   thread exists, an apply from a callback inside the library arms it
   and lands, and the calling thread, found inside on its own stack,
   finishes that call with the old code.  Before that, an arming site
   that is not what its record says (here rt_pair's, overwritten with
   two NOPs) makes the apply fail with a clear message and arm nothing.
   Prints PASS and FAIL lines.  */

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt-lib.h"
#include "rt-test.h"

static long (*apply) (const char *, unsigned, struct ulp_error *);
static int (*revert) (long, unsigned, struct ulp_error *);
static char *(*status) (void);

static const char *patch_path;
static long hook_id;
static struct ulp_error hook_err;

static int
apply_hook (void)
{
  hook_id = apply (patch_path, 0, &hook_err);
  return 0;
}

static void *
thread_a (void *arg)
{
  int *r = arg;
  r[0] = rt_pair_after_wait ();
  return NULL;
}

/* Write the 2 bytes B at P, in code.  */
static void
poke2 (unsigned char *p, const unsigned char *b)
{
  long page = sysconf (_SC_PAGESIZE);
  uintptr_t lo = (uintptr_t) p & ~(uintptr_t) (page - 1);
  uintptr_t hi = ((uintptr_t) p + 2 + page - 1) & ~(uintptr_t) (page - 1);
  mprotect ((void *) lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC);
  memcpy (p, b, 2);
  mprotect ((void *) lo, hi - lo, PROT_READ | PROT_EXEC);
}

static void
nap (void)
{
  struct timespec ts = { 0, 2000000 };
  nanosleep (&ts, NULL);
}

/* Whether the runtime's status says libulprt.so is armed: 1, 0, or -1
   when it does not say.  */
static int
armed (void)
{
  char *s = status ();
  const char *o = s ? strstr (s, "\"soname\": \"libulprt.so\"") : NULL;
  const char *a = o ? strstr (o, "\"armed\": ") : NULL;
  int r = !a ? -1 : strncmp (a + 9, "true", 4) == 0;
  free (s);
  return r;
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    return 2;
  patch_path = argv[2];
  int ra[1] = { 0 };
  pthread_t a;
  rt_pair ();
  pthread_create (&a, NULL, thread_a, ra);
  while (rt_waiting () != 1)
    nap ();

  void *lib = dlopen (argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!rt_check (lib != NULL, "dlopen libulp", "%s", dlerror ()))
    return 0;
  *(void **) &apply = dlsym (lib, "ulp_apply");
  *(void **) &revert = dlsym (lib, "ulp_revert");
  *(void **) &status = dlsym (lib, "ulp_status_json");

  struct ulp_error e;
  long id = apply (argv[2], 0, &e);
  rt_check (id < 0 && e.code == ULP_E_NOT_ARMED
            && strstr (e.message, "built with lazy arming and is not armed"),
            "an apply in process while a thread may be inside unseen is "
            "refused", "%ld: %s", id, e.message);
  rt_check (rt_pair () == 110, "the refused apply changed nothing",
            "rt_pair %d", rt_pair ());
  rt_check (armed () == 0, "the library stays unarmed", "armed %d",
            armed ());

  rt_release ();
  pthread_join (a, NULL);
  rt_check (ra[0] == 110, "the thread inside finishes with old code",
            "%d", ra[0]);

  /* An arming site that is not the unarmed prefixes its record
     describes: the apply fails, says which entry, and arms nothing.  */
  unsigned char *site = dlsym (RTLD_DEFAULT, "rt_pair");
  static const unsigned char unarmed[2] = { 0x2e, 0x2e };
  static const unsigned char nops[2] = { 0x90, 0x90 };
  if (rt_check (site && memcmp (site, unarmed, 2) == 0,
                "rt_pair starts with its unarmed arming site", "%02x %02x",
                site ? site[0] : 0, site ? site[1] : 0))
    {
      poke2 (site, nops);
      id = apply (argv[2], 0, &e);
      rt_check (id < 0 && e.code == ULP_E_NOT_PATCHABLE
                && strstr (e.message, "the tracked entry rt_pair of "
                           "libulprt.so at ")
                && strstr (e.message, " is not the unarmed entry its "
                           "record describes"),
                "a damaged arming site fails the apply with its name",
                "%ld: %s", id, e.message);
      rt_check (rt_pair () == 110 && armed () == 0
                && memcmp (site, nops, 2) == 0,
                "the failed apply armed and changed nothing",
                "rt_pair %d, armed %d, site %02x %02x", rt_pair (), armed (),
                site[0], site[1]);
      poke2 (site, unarmed);
    }

  /* Now only this thread and the runtime's worker exist: a patch
     applied from a callback inside the library arms it, and this
     thread, found inside on its own stack, finishes its call with the
     old code.  */
  int pair = rt_pair_around (apply_hook);
  rt_check (hook_id > 0 && pair == 110,
            "with no other thread, an apply from inside arms the library "
            "and the call that spans it stays old", "patch %ld, pair %d: %s",
            hook_id, pair, hook_err.message);
  rt_check (rt_pair () == 220, "the next call is new", "rt_pair %d",
            rt_pair ());
  id = hook_id;
  rt_check (armed () == 1, "the library is armed", "armed %d", armed ());
  rt_check (revert (id, 0, &e) == 0 && rt_pair () == 110, "revert", "%s",
            e.message);
  rt_check (armed () == 1, "it stays armed after the revert", "armed %d",
            armed ());
  return 0;
}
