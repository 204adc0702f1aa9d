/* rt-test.h -- reporting for the runtime test programs.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Each check prints one line, "PASS: what" or "FAIL: what: why", which
   the .exp files turn into DejaGnu results (ulp_rt_run).  A program
   exits 0 when it ran to the end, whatever the checks said.  */

#ifndef RT_TEST_H
#define RT_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ulp.h>

static inline bool
rt_check (bool ok, const char *what, const char *why, ...)
{
  if (ok)
    printf ("PASS: %s\n", what);
  else
    {
      va_list ap;
      va_start (ap, why);
      printf ("FAIL: %s: ", what);
      vprintf (why, ap);
      printf ("\n");
      va_end (ap);
    }
  fflush (stdout);
  return ok;
}

static inline void
rt_unsupported (const char *what, const char *why)
{
  printf ("UNSUPPORTED: %s: %s\n", what, why);
  fflush (stdout);
}

/* Apply PATH or report why not.  */
static inline long
rt_apply (const char *path, const char *what)
{
  struct ulp_error e;
  long id = ulp_apply (path, 0, &e);
  if (id < 0)
    rt_check (false, what, "ulp_apply (%s): %s", path, e.message);
  return id;
}

static inline bool
rt_revert (long id, const char *what)
{
  struct ulp_error e;
  if (ulp_revert (id, 0, &e) == 0)
    return true;
  rt_check (false, what, "ulp_revert (%ld): %s", id, e.message);
  return false;
}

/* Number of occurrences of NEEDLE in the runtime's status.  */
static inline int
rt_status_count (const char *needle)
{
  char *s = ulp_status_json ();
  if (!s)
    return -1;
  int n = 0;
  for (const char *p = s; (p = strstr (p, needle)) != NULL; p++)
    n++;
  free (s);
  return n;
}

/* The status of the applied patch ID (0 when not applied).  */
static inline bool
rt_patch_info (long id, struct ulp_patch_info *out)
{
  struct ulp_patch_info v[64];
  size_t n = ulp_patches (v, 64);
  for (size_t i = 0; i < n && i < 64; i++)
    if (v[i].id == id)
      {
        *out = v[i];
        return true;
      }
  return false;
}

#endif /* RT_TEST_H */
