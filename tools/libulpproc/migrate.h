/* migrate.h -- move threads that never leave a live-patchable object to
   its newest universe, by checking their stacks.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The runtime names the threads that are inside an object in an older
   universe, where their states are, and the code ranges of the old
   versions that must not be on their stacks (runtime/migrate.c, the
   migrate-info request of ulp-protocol.h).  This module stops each such thread
   alone, for a moment, unwinds its stack with libdwfl (elfutils) from
   the CFI the objects carry, and when no frame lies in a forbidden
   range (and every frame was unwound from CFI) writes the newest
   universe into the thread's state before letting it go.  */

#ifndef ULP_MIGRATE_H
#define ULP_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"
#include "target.h"

struct migrate_opts
{
  bool force;              /* move every pending thread, unchecked.  */
  uint64_t deadline_ns;    /* CLOCK_MONOTONIC.  */
};

enum migrate_fate
{
  MIGRATE_MOVED,           /* checked and moved.  */
  MIGRATE_FORCED,          /* moved by force.  */
  MIGRATE_LEFT,            /* no longer behind when looked at.  */
  MIGRATE_HELD,            /* not moved: WHAT (in frame FRAME) holds it.  */
  MIGRATE_GONE             /* exited.  */
};

struct migrate_thread
{
  pid_t tid;
  size_t object;           /* index in struct migrate_result's OBJECTS.  */
  uint64_t universe;       /* the thread's, when looked at.  */
  enum migrate_fate fate;
  int frame;               /* frame number of WHAT, or -1 when WHAT is a
                              reason, not a function.  */
  char what[128];
  bool in_syscall;         /* it was blocked in a system call.  */
  unsigned frames;         /* frames unwound.  */
  uint64_t pause_ns;       /* how long this thread was stopped.  */
};

struct migrate_object
{
  char soname[256];
  uint64_t newest;
  struct
  {
    pid_t tid;
    uint64_t addr;         /* its state, or 0: it has none.  */
  } *reg;                  /* threads the runtime did not know, found  */
  size_t nreg;             /* through glibc's thread list.  */
};

struct migrate_result
{
  struct migrate_object *objects;
  size_t nobjects;
  struct migrate_thread *threads;
  size_t nthreads;
  uint64_t setup_ns;       /* libdwfl's reading of the process's
                              modules, no thread stopped.  */
  uint64_t max_pause_ns;   /* the longest any thread was stopped.  */
};

/* Check and move the threads that the runtime's migrate-info reply INFO
   names.  T must be open with the process not stopped by us.  0 with
   *R filled (free it with migrate_result_free), or -1 with *OC.  */
int migrate_threads (struct target *t, const char *info,
                     const struct migrate_opts *o, struct migrate_result *r,
                     struct outcome *oc);

void migrate_result_free (struct migrate_result *r);

/* The migrate-held request (ulp-protocol.h) for object K of R into BUF; false
   when R has no thread of that object.  */
bool migrate_held_request (const struct migrate_result *r, size_t k,
                           char *buf, size_t size);

/* The migrate-register request (ulp-protocol.h) for object K of R into BUF:
   the states of the threads the runtime did not know; false when there
   are none.  */
bool migrate_register_request (const struct migrate_result *r, size_t k,
                               char *buf, size_t size);

/* libdwfl for process PID, its modules read and their CFI loaded, the
   threads to be stopped by the caller one at a time; NULL with *OC.  */
struct Dwfl;
struct Dwfl *migrate_dwfl (pid_t pid, struct outcome *oc);

#endif /* ULP_MIGRATE_H */
