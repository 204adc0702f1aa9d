/* priority.c -- how a tool keeps a request from waiting on the
   scheduler.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See priority.h.  setpriority with PRIO_PROCESS names one thread on
   Linux.  */

#include <config.h>

#include "priority.h"

#include <stdbool.h>
#include <sys/resource.h>

#define RAISED_NICE (-20)

void
priority_raise_self (void)
{
  static bool done;
  if (!done)
    setpriority (PRIO_PROCESS, 0, RAISED_NICE);
  done = true;
}

void
priority_raise_worker (pid_t tid)
{
  setpriority (PRIO_PROCESS, (id_t) tid, RAISED_NICE);
}
