/* mailbox.h -- requests to the runtime of another process.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The requester's side of struct ulp_control (ulp-protocol.h,
   runtime/control.c): write a request, wake the runtime's worker
   thread through a brief ptrace stop, let go, and wait for the reply
   without any thread stopped.  */

#ifndef ULP_MAILBOX_H
#define ULP_MAILBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"
#include "request.h"
#include "target.h"
#include "ulp-protocol.h"

struct mailbox_opts
{
  pid_t hijack_tid;        /* the thread made to call ulp_control_kick;
                              0 for the runtime's worker thread.  */
  bool stop_all;           /* stop every thread, not only those two.  */
  uint64_t timeout_ns;     /* for the reply.  */
  void (*test_hook) (const char *point);
};

/* Measured durations, in nanoseconds.  */
struct mailbox_times
{
  uint64_t start;          /* starting the runtime's worker, when this
                              request was its first.  */
  uint64_t attach;         /* first interrupt to all stopped.  */
  uint64_t write;          /* writing the request.  */
  uint64_t kick;           /* the injected call.  */
  uint64_t detach;
  uint64_t pause;          /* first interrupt to last detach.  */
  uint64_t wait;           /* last detach to the reply.  */
  size_t stopped;          /* threads stopped.  */
};

struct mailbox_reply
{
  int64_t result;
  struct ulp_error error;  /* when RESULT < 0.  */
  char *text;              /* the reply text (status JSON), malloc'ed, or
                              NULL.  */
};

/* Read the mailbox header; fails with ULP_EXIT_NO_RUNTIME when the
   runtime is not there or not running.  */
int mailbox_check (struct target *t, struct ulp_control *hdr,
                   struct outcome *oc);

/* The same, but a runtime whose worker was not started yet
   (HDR->worker_tid 0; mailbox_send starts it) passes.  */
int mailbox_published (struct target *t, struct ulp_control *hdr,
                       struct outcome *oc);

/* A request sent and not yet answered.  */
struct mailbox_pending
{
  uint32_t seq;
  pid_t worker;
  uint64_t sent_ns;        /* when the last thread was let go.  */
  uint64_t deadline_ns;
  char kick_error[600];    /* the kick failed (the request is served
                              anyway); "" when it did not.  */
};

/* Send REQUEST (one line of ulp-protocol.h, made by a builder of
   request.h): stop, write, kick, let go.  T must have its runtime and
   libc found.  An empty REQUEST (a builder's line that did not fit) is
   refused as too long.  */
int mailbox_send (struct target *t, const char *request,
                  const struct mailbox_opts *o, struct mailbox_pending *p,
                  struct mailbox_times *tm, struct outcome *oc);

/* Whether the reply to P is in (1), not yet (0), or cannot come (-1,
   with *OC).  */
int mailbox_poll (struct target *t, const struct mailbox_pending *p,
                  struct outcome *oc);

/* Wait for and read the reply to P.  */
int mailbox_receive (struct target *t, const struct mailbox_pending *p,
                     struct mailbox_reply *rep, struct mailbox_times *tm,
                     struct outcome *oc);

/* Both.  */
int mailbox_call (struct target *t, const char *request,
                  const struct mailbox_opts *o, struct mailbox_reply *rep,
                  struct mailbox_times *tm, struct outcome *oc);

/* When the runtime refused the request (REP->result < 0): free the
   reply text, fill *OC with the exit status for the runtime's error
   code and its message ("the runtime failed" when it gave none), and
   return -1.  Otherwise 0, and REP is left alone.  */
int mailbox_refused (struct mailbox_reply *rep, struct outcome *oc);

#endif /* ULP_MAILBOX_H */
