/* idiom-main.c -- a call that spans a live patch of an idiom library.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Argument: the live patch of the library (made by ulp-mkpatch from
   the library's source with the new values of idiom.h).  The program
   calls the library's entry (api_run, or idiom_engine::run when built
   as C++ with IDIOM_CXX); in the middle of the call the library calls
   back into the program, and the callback applies the patch in
   process.  That call must see only the old values, before the
   callback and after it, and the next call only the new ones.  The
   same with a revert in the callback: the spanning call stays new, the
   next one is old again.  The runtime must find no exported function
   of the library that is not a tracked entry.  With IDIOM_SYMVER the
   old version api_run@VERS_1 is called too.  Prints one PASS or FAIL
   line per check (rt-test.h).  */

#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idiom.h"
#include "rt-test.h"

static const char *patch_path;
static long patch_id = -1;
static int callbacks;

static const int old_vals[IDIOM_NVALS] = IDIOM_OLD;
static const int new_vals[IDIOM_NVALS] = IDIOM_NEW;

static void
noop_cb (void *arg)
{
  (void) arg;
  callbacks++;
}

static void
apply_cb (void *arg)
{
  (void) arg;
  callbacks++;
  struct ulp_error e;
  patch_id = ulp_apply (patch_path, 0, &e);
  if (patch_id < 0)
    printf ("ulp_apply (%s): %s\n", patch_path, e.message);
}

static void
revert_cb (void *arg)
{
  bool *ok = (bool *) arg;
  callbacks++;
  struct ulp_error e;
  *ok = ulp_revert (patch_id, 0, &e) == 0;
  if (!*ok)
    printf ("ulp_revert (%ld): %s\n", patch_id, e.message);
}

static int
run (idiom_cb cb, void *arg, int *out)
{
  memset (out, 0, IDIOM_NVALS * sizeof *out);
#ifdef IDIOM_CXX
  idiom_engine e;
  return e.run (cb, arg, out);
#else
  return api_run (cb, arg, out);
#endif
}

/* Check that OUT are the values WANT (named WHICH).  */
static void
check_vals (const char *what, const int *out, const int *want,
            const char *which)
{
  char got[128];
  int n = 0, mixed = 0;
  for (int i = 0; i < IDIOM_NVALS; i++)
    {
      n += snprintf (got + n, sizeof got - (size_t) n, "%s%d", i ? " " : "",
                     out[i]);
      if (out[i] != want[i])
        mixed++;
    }
  rt_check (mixed == 0, what, "saw %s: %d of %d values not %s", got, mixed,
            IDIOM_NVALS, which);
}

/* The runtime's count of untracked exports of libidiom.so, or -1.  */
static long
untracked_exports (void)
{
  char *s = ulp_status_json ();
  if (!s)
    return -1;
  long n = -1;
  const char *o = strstr (s, "\"soname\": \"libidiom.so\"");
  const char *u = o ? strstr (o, "\"untracked_exports\": ") : NULL;
  if (u)
    {
      u += strlen ("\"untracked_exports\": ");
      n = *u >= '0' && *u <= '9' ? strtol (u, NULL, 10) : -1;
      if (n > 0)
        {
          const char *x = strstr (u, "\"untracked_examples\"");
          const char *end = x ? strchr (x, ']') : NULL;
          if (x && end)
            printf ("untracked exports: %.*s\n", (int) (end - x + 1), x);
        }
    }
  free (s);
  return n;
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s PATCH\n", argv[0]);
      return 2;
    }
  patch_path = argv[1];
  int out[IDIOM_NVALS];

  run (noop_cb, NULL, out);
  check_vals ("a call before any patch sees the old values", out, old_vals,
              "old");

  run (apply_cb, NULL, out);
  if (!rt_check (patch_id >= 0 && callbacks == 2,
                 "the callback applied the patch", "patch id %ld",
                 patch_id))
    return 0;
  check_vals ("the call spanning the apply saw only old values", out,
              old_vals, "old");

  run (noop_cb, NULL, out);
  check_vals ("the next call sees only new values", out, new_vals, "new");

#ifndef IDIOM_CXX
  int second = api_second ();
  rt_check (second == new_vals[1], "api_second from the program is new",
            "it returned %d", second);
#endif
#ifdef IDIOM_SYMVER
  int (*v1) (idiom_cb, void *, int *)
    = (int (*) (idiom_cb, void *, int *)) dlvsym (RTLD_DEFAULT, "api_run",
                                                  "VERS_1");
  if (rt_check (v1 != NULL, "api_run@VERS_1 is found", "dlvsym: %s",
                dlerror ()))
    {
      memset (out, 0, sizeof out);
      v1 (noop_cb, NULL, out);
      check_vals ("api_run@VERS_1 after the apply sees only new values", out,
                  new_vals, "new");
    }
#endif

  long untracked = untracked_exports ();
  rt_check (untracked == 0,
            "the runtime finds every exported function tracked",
            "untracked_exports is %ld", untracked);

  bool reverted = false;
  run (revert_cb, &reverted, out);
  if (rt_check (reverted, "the callback reverted the patch", "no"))
    {
      check_vals ("the call spanning the revert saw only new values", out,
                  new_vals, "new");
      run (noop_cb, NULL, out);
      check_vals ("the call after the revert sees only old values", out,
                  old_vals, "old");
    }
  return 0;
}
