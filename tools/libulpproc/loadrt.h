/* loadrt.h -- load the ulp runtime into a process that has none.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-apply --load-runtime makes one thread of the process call
   dlopen on libulp.so.  loadrt.c explains how that thread is chosen so
   that the call cannot deadlock.  */

#ifndef ULP_LOADRT_H
#define ULP_LOADRT_H

#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"
#include "target.h"

struct loadrt_times
{
  uint64_t choose;      /* finding a thread at a safe point.  */
  uint64_t call;        /* the dlopen call.  */
  uint64_t pause;       /* that thread stopped or running our call.  */
  unsigned tries;       /* threads looked at.  */
  pid_t thread;         /* the thread that loaded it.  */
};

/* Load RUNTIME (an absolute path the process can open) into T, and
   wait until its mailbox is published.  T's runtime fields are set on
   success.  */
int loadrt_load (struct target *t, const char *runtime, uint64_t deadline_ns,
                 void (*test_hook) (const char *), struct loadrt_times *tm,
                 struct outcome *oc);

/* Start the worker of T's runtime, which was loaded without one (it
   starts it when first needed): one thread, chosen as for
   loadrt_load, calls ulp_control_start.  */
int loadrt_start_worker (struct target *t, uint64_t deadline_ns,
                         void (*test_hook) (const char *),
                         struct loadrt_times *tm, struct outcome *oc);

#endif /* ULP_LOADRT_H */
