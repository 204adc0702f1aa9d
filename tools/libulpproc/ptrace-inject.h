/* ptrace-inject.h -- stop threads of another process and make one of
   them call a function, with ptrace.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   This module is the only one that uses ptrace.  It attaches with
   PTRACE_SEIZE, stops threads with PTRACE_INTERRUPT, and makes one
   stopped thread call a function in the process and come back to
   exactly the state it had: every general register, the FPU/SSE/AVX
   state (NT_X86_XSTATE), the signal mask, and a system call it was
   blocked in, which resumes as if nothing happened.

   The call returns through an rt_sigreturn frame built on the thread's
   stack, so the process never depends on ulp-apply staying alive: if
   ulp-apply dies at any moment, the kernel lets the thread go, the
   call finishes, and rt_sigreturn restores the state saved in the frame
   (ptrace-inject.c explains each step).  No breakpoint is ever planted.

   Signals are never swallowed: those that arrive while the thread runs
   the call stay pending (the call runs with them blocked) and are
   delivered once the thread's own mask is back; a signal-delivery stop
   seen while waiting for a thread to stop is passed on at once.  */

#ifndef ULP_PTRACE_INJECT_H
#define ULP_PTRACE_INJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"

/* One thread we are attached to.  */
struct pt_thread
{
  pid_t tid;
  bool seized;
  bool stopped;       /* in a stop we can work with.  */
  bool group_stop;    /* stopped by SIGSTOP & co., not by us.  */
  bool gone;          /* exited while we were attached.  */
  bool fixed_eintr;   /* its system call's -EINTR was turned into a
                         restart (see ptrace-inject.c).  */
};

/* Attach to TID of PID without stopping it.  */
int pt_seize (pid_t pid, struct pt_thread *t, struct outcome *oc);

/* Ask a seized thread to stop.  */
int pt_interrupt (struct pt_thread *t);

/* Wait until a seized, interrupted thread is stopped, passing on any
   signal it meets.  DEADLINE_NS is CLOCK_MONOTONIC; a thread that has
   not stopped by then is reported with ULP_EXIT_TIMEOUT.  */
int pt_wait_stop (pid_t pid, struct pt_thread *t, uint64_t deadline_ns,
                  struct outcome *oc);

/* Detach, letting the thread run on.  */
void pt_detach (struct pt_thread *t);

/* Attach to and stop every thread of PID: interrupt all listed, wait
   for them, list again, until no new thread appears.  On failure the
   threads stopped so far are let go.  */
int pt_stop_all (pid_t pid, struct pt_thread **threads, size_t *n,
                 uint64_t deadline_ns, struct outcome *oc);

/* Let go of the threads of pt_stop_all.  */
void pt_detach_all (struct pt_thread *threads, size_t n);

/* What a stopped thread was doing.  */
struct pt_where
{
  uint64_t rip, rsp;
  long syscall;       /* the system call it is in, or -1.  */
  int64_t rax;
};
int pt_where (struct pt_thread *t, struct pt_where *w);

/* A function call to make a stopped thread run.  */
struct pt_call
{
  uint64_t fn;             /* address to call.  */
  uint64_t args[6];
  const void *data;        /* bytes to put on the thread's stack for the
                              call (a file name), or NULL ...  */
  size_t data_len;
  int data_arg;            /* ... whose address goes into ARGS[DATA_ARG];
                              -1 for none.  */
  uint64_t restorer;       /* `mov $15,%rax; syscall' in the process.  */
  int mem_fd;              /* /proc/PID/mem of the process.  */
  uint64_t call_mask;      /* signals blocked during the call: bit
                              N-1 for signal N.  */
  uint64_t deadline_ns;    /* CLOCK_MONOTONIC.  */
  bool abandon_on_timeout; /* at the deadline, take the thread back to
                              its state and drop the call (only for
                              calls that may be cut short), else let it
                              finish on its own.  */
  void (*test_hook) (const char *point);  /* called at named points, for
                                             the testsuite; or NULL.  */
};

/* Make the stopped thread T call C->FN and come back to its state.  The
   thread stays stopped and attached; pt_detach lets it go.  Returns 0;
   or -1 with *OC: if the thread is gone, ULP_EXIT_EXITED; if the call
   faulted or timed out, the thread was brought back (or, for a call
   left to finish, runs on and restores itself).  */
int pt_call (pid_t pid, struct pt_thread *t, const struct pt_call *c,
             struct outcome *oc);

/* Deliberate breakage, for the testsuite to show that its checks can
   fail (ulp-apply sets these from ULP_APPLY_TEST): PT_BREAK_ORIG_RAX
   leaves orig_rax alone when starting a call, PT_BREAK_EINTR keeps the
   -EINTR a stop provoked, PT_BREAK_XSTATE does not put the extended
   state back.  */
enum
{
  PT_BREAK_ORIG_RAX = 1,
  PT_BREAK_EINTR = 2,
  PT_BREAK_XSTATE = 4
};
extern unsigned pt_break;

/* Monotonic clock in nanoseconds.  */
uint64_t pt_now_ns (void);

#endif /* ULP_PTRACE_INJECT_H */
