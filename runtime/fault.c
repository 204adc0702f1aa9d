/* fault.c -- fault injection, in the testsuite's libulp-faults.so only.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See fault.h.  Compiled only with -DULP_FAULT_INJECTION; the test
   programs that link libulp-faults.so declare the three functions
   exported here themselves (they are not part of ulp.h):

     int ulp_fault_arm (const char *point, unsigned n);
       From now on count the steps of the operations; the N-th step of
       kind POINT ("stub", "write", "reloc", "publish", "dlopen") fails,
       once.  N = 0 (or POINT NULL) disarms.  Every count restarts at 0.
       -1 for an unknown POINT.
     unsigned ulp_fault_hits (const char *point);
       Steps of kind POINT counted since the last ulp_fault_arm.
     unsigned ulp_fault_fired (void);
       Faults injected since the last ulp_fault_arm (0 or 1).

   Everything here runs under the API lock, or in the test program's
   own thread before or after its calls.  */

#include <config.h>

#include <string.h>

#include "ulp-runtime.h"

#ifndef ULP_FAULT_INJECTION
#error "fault.c belongs to the fault-injection build only"
#endif

static const char *const names[ULP_FAULT_NPOINTS]
  = { "stub", "write", "reloc", "publish", "dlopen" };

static unsigned hits[ULP_FAULT_NPOINTS];
static unsigned armed_at[ULP_FAULT_NPOINTS];
static unsigned fired;
static int depth;

int ulp_fault_arm (const char *point, unsigned n);
unsigned ulp_fault_hits (const char *point);
unsigned ulp_fault_fired (void);

static int
point_of (const char *point)
{
  for (int i = 0; point && i < ULP_FAULT_NPOINTS; i++)
    if (strcmp (point, names[i]) == 0)
      return i;
  return -1;
}

int
ulp_fault_arm (const char *point, unsigned n)
{
  int p = point_of (point);
  if (point && n && p < 0)
    return -1;
  memset (hits, 0, sizeof hits);
  memset (armed_at, 0, sizeof armed_at);
  fired = 0;
  if (p >= 0)
    armed_at[p] = n;
  return 0;
}

unsigned
ulp_fault_hits (const char *point)
{
  int p = point_of (point);
  return p < 0 ? 0 : hits[p];
}

unsigned
ulp_fault_fired (void)
{
  return fired;
}

void
ulp_fault_enter (void)
{
  depth++;
}

void
ulp_fault_leave (void)
{
  depth--;
}

bool
ulp_fault (enum ulp_fault_point point)
{
  if (depth <= 0)
    return false;
  hits[point]++;
  if (armed_at[point] == 0 || hits[point] != armed_at[point])
    return false;
  armed_at[point] = 0;
  fired++;
  return true;
}
