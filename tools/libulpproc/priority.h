/* priority.h -- how a tool keeps a request from waiting on the
   scheduler.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Each step of a request to a runtime waits for a thread to be woken:
   the runtime's worker, to stop and then to serve the request, and the
   tool, at each stop it waits for and each look at the reply.  When the
   target's own threads keep every CPU busy, a thread at their priority
   is run when the scheduler gets to it, a few milliseconds a step.  A
   tool that may raise priorities (CAP_SYS_NICE, as root has) raises its
   own, and the worker's for the request it has written; without the
   privilege both calls do nothing.  */

#ifndef ULP_PRIORITY_H
#define ULP_PRIORITY_H

#include <sys/types.h>

/* Raise the calling thread's priority (nice -20), once.  The tool is
   short-lived: the raise goes with it.  */
void priority_raise_self (void);

/* Raise thread TID's priority (nice -20).  For the runtime's worker
   once a request is written: the worker goes back to its own nice value
   after serving it (runtime/control.c), so the raise never outlives the
   request, even if the tool dies now.  */
void priority_raise_worker (pid_t tid);

#endif /* ULP_PRIORITY_H */
