/* ulp-protocol.h -- the protocol between the tools and the runtime of
   another process: the control mailbox and its request lines.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Internal, not installed: applications use ulp.h.  The runtime
   (runtime/control.c) defines the mailbox and parses the requests; the
   tools (tools/libulpproc: mailbox.c sends, request.c builds the
   lines) find `ulp_control', `ulp_control_kick' and `ulp_control_start'
   by name in the dynamic symbols of the libulp.so mapped in the target,
   so these names stay exported, and the layout of struct ulp_control may not change
   without raising ULP_CONTROL_VERSION: a tool talks to runtimes that
   were started before it was built.

   The mailbox.  ulp-apply and ulp-status talk to the runtime of
   another process without running anything in it that could take a
   lock: they write a request here (through /proc/PID/mem), make one
   thread call ulp_control_kick (async-signal-safe, lock-free: it only
   wakes the runtime's worker thread), let every thread go, and read
   the reply once DONE_SEQ reaches their REQUEST_SEQ.  The worker
   thread does the work (dlopen, mprotect, ...) while no thread is
   stopped.  Concurrent requesters serialise among themselves (ulp-apply
   takes a lock of its own per process) before writing.

   The worker is not there until a tool first needs it: the runtime
   publishes MAGIC and VERSION when it is loaded, with WORKER_TID 0, and
   a tool that finds WORKER_TID 0 makes one thread of the process call
   ulp_control_start, at a point where that thread holds no lock the
   call could need (tools/libulpproc/loadrt.c), before its first
   request.

   The requests are one line of text each, a word and its arguments
   separated by single spaces (an argument that runs to the end of the
   line may itself hold spaces):
     apply PATH            reply: the patch id
     apply-flags FLAGS KEY PATH
                           ulp_apply with FLAGS (decimal); KEY is "-" or
                           the 64 hex digits of an Ed25519 public key the
                           patch must be signed with (ulp-apply
                           --trusted-key), on top of the runtime's own
                           trusted keys
     revert ID             revert ID (0: the newest)
     revert-name NAME
     status                reply: ulp_status_json in REPLY
     arm SONAME            arm the tracked entries of SONAME (which
                           otherwise happens at its first patch): reply
                           in REPLY, JSON with "armed_now" (this request
                           armed them), "base", "tls_offset", and
                           "bodies", the code ranges of the bodies the
                           entries run, for the tool's check that no
                           thread entered before the arming
     disarm SONAME         undo it, when no patch was applied to SONAME
     migrate-info          reply: in REPLY, JSON naming each thread that
                           is inside an object in an older universe: its
                           tid, the address of its struct
                           ulp_thread_state, and the code ranges of the
                           functions that must not be on its stack for it
                           to take the newest universe (manual: "Threads
                           that never leave")
     migrate-held SONAME NEWEST [TID FRAME WHAT]...
                           what held each thread that a tool could not
                           move to universe NEWEST of SONAME: the
                           function WHAT in frame FRAME, or with FRAME
                           -1 a reason; the status reports it
     migrate-register SONAME [TID ADDRESS]...
                           where threads that were there before the
                           runtime attached (listed under "unknown" by
                           migrate-info) keep their struct
                           ulp_thread_state for SONAME (0: nowhere, they
                           never entered): the runtime registers them
   The tools build these lines with the functions of
   tools/libulpproc/request.h, the runtime parses them in one place
   (parse_request in runtime/control.c); both take the words from
   ulp_request_word below.  */

#ifndef ULP_PROTOCOL_H
#define ULP_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "ulp.h"

#define ULP_CONTROL_MAGIC 0x31544e4f43504c55ULL /* "ULPCONT1" */
#define ULP_CONTROL_VERSION 1

/* Bytes of a request line, its terminating NUL included.  */
#define ULP_CONTROL_REQUEST_SIZE 4096

struct ulp_control
{
  uint64_t magic;          /* ULP_CONTROL_MAGIC once the runtime is
                              loaded (runtimes before the worker was
                              started on demand: once it runs).  */
  uint32_t version;        /* ULP_CONTROL_VERSION.  */
  uint32_t worker_tid;     /* the worker thread; 0 until it is started
                              (ulp_control_start).  */
  uint32_t request_seq;    /* bumped by the requester after REQUEST.  */
  uint32_t done_seq;       /* set to REQUEST_SEQ when the reply is in.  */
  int64_t result;          /* patch id, 0, or -1.  */
  struct ulp_error error;  /* when RESULT is -1.  */
  char request[ULP_CONTROL_REQUEST_SIZE];
  uint64_t reply;          /* address of a NUL-terminated reply (status
                              JSON) in the process, valid until the next
                              request, or 0.  */
  uint64_t reply_size;
};

/* Version 1 of the mailbox, as runtimes already running have it.  */
_Static_assert (offsetof (struct ulp_control, request_seq) == 16,
                "ulp_control layout");
_Static_assert (offsetof (struct ulp_control, result) == 24,
                "ulp_control layout");
_Static_assert (offsetof (struct ulp_control, error) == 32,
                "ulp_control layout");
_Static_assert (offsetof (struct ulp_control, request) == 548,
                "ulp_control layout");
_Static_assert (offsetof (struct ulp_control, reply) == 4648,
                "ulp_control layout");
_Static_assert (sizeof (struct ulp_control) == 4664, "ulp_control layout");

extern struct ulp_control ulp_control;

/* Wake the worker for a new request.  */
void ulp_control_kick (void);

/* Start the worker unless it runs; its thread id, or 0 when it could
   not be created.  Not async-signal-safe: it creates a thread.  */
uint32_t ulp_control_start (void);

/* The names the tools look these up by in the target's libulp.so.  */
#define ULP_CONTROL_SYMBOL "ulp_control"
#define ULP_CONTROL_KICK_SYMBOL "ulp_control_kick"
#define ULP_CONTROL_START_SYMBOL "ulp_control_start"

/* The kinds of request, in the order of the grammar above.  */
enum ulp_request_kind
{
  ULP_REQ_APPLY,
  ULP_REQ_APPLY_FLAGS,
  ULP_REQ_REVERT,
  ULP_REQ_REVERT_NAME,
  ULP_REQ_STATUS,
  ULP_REQ_ARM,
  ULP_REQ_DISARM,
  ULP_REQ_MIGRATE_INFO,
  ULP_REQ_MIGRATE_HELD,
  ULP_REQ_MIGRATE_REGISTER,
  ULP_REQ_KINDS            /* how many; not a request.  */
};

/* The word that starts a request of kind K (NULL for none).  */
static inline const char *
ulp_request_word (enum ulp_request_kind k)
{
  static const char *const words[ULP_REQ_KINDS] = {
    [ULP_REQ_APPLY] = "apply",
    [ULP_REQ_APPLY_FLAGS] = "apply-flags",
    [ULP_REQ_REVERT] = "revert",
    [ULP_REQ_REVERT_NAME] = "revert-name",
    [ULP_REQ_STATUS] = "status",
    [ULP_REQ_ARM] = "arm",
    [ULP_REQ_DISARM] = "disarm",
    [ULP_REQ_MIGRATE_INFO] = "migrate-info",
    [ULP_REQ_MIGRATE_HELD] = "migrate-held",
    [ULP_REQ_MIGRATE_REGISTER] = "migrate-register",
  };
  return (unsigned) k < ULP_REQ_KINDS ? words[k] : NULL;
}

/* Whether requests of kind K take arguments after their word.  */
static inline int
ulp_request_has_args (enum ulp_request_kind k)
{
  return k != ULP_REQ_STATUS && k != ULP_REQ_MIGRATE_INFO;
}

#endif /* ULP_PROTOCOL_H */
