/* control.c -- the runtime's side of the control mailbox.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-apply and ulp-status talk to the runtime of another process
   through struct ulp_control (ulp-protocol.h): they write a request
   into it through /proc/PID/mem, make one thread call
   ulp_control_kick, let every thread go, and read the reply.  This
   file owns that structure, the one parser of the request lines
   (parse_request) and the worker thread that serves them.

   No thread is created until a tool first needs one: a second thread
   alone would cost every process that merely could be patched, since
   glibc takes its multi-threaded paths (atomic operations and arena
   locks in malloc) from the first pthread_create on.  The constructor
   only publishes the mailbox (MAGIC and VERSION, WORKER_TID 0); the
   first tool that talks to the runtime makes one thread of the process
   call ulp_control_start, from a point where that thread holds no lock
   of malloc, the loader or thread creation (tools/libulpproc/loadrt.c
   chooses it, as for loading the runtime), and that call creates the
   worker.  The worker has every signal blocked (glibc keeps its own
   SIGSETXID open, so setuid and friends in other threads still
   complete).  It sleeps in FUTEX_WAIT on REQUEST_SEQ, so it costs
   nothing between requests.  It does all
   the work (ulp_apply's dlopen, mprotect, ...) while no thread of the
   process is stopped, so nothing it needs can be held by a thread that
   cannot run: that is what makes applying a patch from outside free of
   deadlocks on malloc's or the loader's locks.

   The worker serves a request whenever REQUEST_SEQ differs from
   DONE_SEQ, whatever woke it: ulp_control_kick, or the restart of its
   futex wait after a tracer interrupted it and let go (ulp-apply writes
   REQUEST_SEQ while the worker is stopped, so a requester that dies
   right after still gets its request served, never half of one).

   ulp_control_kick is async-signal-safe and takes no lock: one futex
   wake.  It is written in assembly, preceded by a `ud2': a tracer that
   forgets to cancel the restart of the system call its thread was in
   (orig_rax) makes the kernel rewind the instruction pointer by two
   bytes, which then traps at once instead of running into whatever
   bytes happened to precede the function.

   After fork the child has no worker: a fork handler drops a request
   that was meant for the parent, and the child's first tool starts a
   worker of its own.  */

#include <config.h>

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ulp-protocol.h"
#include "ulp-runtime.h"
#include "trust.h"

struct ulp_control ulp_control __attribute__ ((aligned (64)));

/* The assembly below addresses the mailbox through this hidden alias,
   so an interposed ulp_control cannot redirect the kick.  */
extern struct ulp_control ulp_control_self
  __attribute__ ((alias ("ulp_control"), visibility ("hidden")));

_Static_assert (SYS_futex == 202, "x86-64 futex");
_Static_assert (FUTEX_WAKE_PRIVATE == 129, "FUTEX_WAKE_PRIVATE");

/* Where the kick's futex word is, for the assembly.  */
#define ULP_CONTROL_SEQ_OFFSET 16
_Static_assert (offsetof (struct ulp_control, request_seq)
                == ULP_CONTROL_SEQ_OFFSET, "request_seq offset");

#define STR_(x) #x
#define STR(x) STR_ (x)

__asm__ (".text\n\t"
         ".p2align 4\n\t"
         /* Never executed; see the comment at the top.  */
         "ud2\n\t"
         ".globl ulp_control_kick\n\t"
         ".type ulp_control_kick, @function\n"
         "ulp_control_kick:\n\t"
         ".cfi_startproc\n\t"
#ifdef __CET__
         "endbr64\n\t"
#endif
         "movl $202, %eax\n\t"
         "leaq ulp_control_self+" STR (ULP_CONTROL_SEQ_OFFSET) "(%rip), %rdi\n\t"
         "movl $129, %esi\n\t"
         "movl $" STR (INT_MAX) ", %edx\n\t"
         "syscall\n\t"
         "ret\n\t"
         ".cfi_endproc\n\t"
         ".size ulp_control_kick, .-ulp_control_kick");

/* The last status reply, freed at the next request.  */
static char *reply_buf;

/* Set by the worker once the mailbox says it runs: start_worker waits
   for it, so a tool never finds a process whose worker is starting.  */
static uint32_t worker_started;

/* Serialises ulp_control_start's callers.  */
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;

/* The worker thread, once it runs.  */
static pthread_t worker_thread;
static bool worker_running;

bool
ulp_worker_self_p (void)
{
  return __atomic_load_n (&worker_running, __ATOMIC_ACQUIRE)
         && pthread_equal (pthread_self (), worker_thread);
}

/* Wait while *WORD holds VAL, TIMEOUT_MS at most (0: no limit).  */
static long
futex_wait (uint32_t *word, uint32_t val, long timeout_ms)
{
  struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000 };
  return syscall (SYS_futex, word, FUTEX_WAIT_PRIVATE, val,
                  timeout_ms ? &ts : NULL, NULL, 0);
}

static void
fail (struct ulp_error *err, int code, const char *fmt, const char *arg)
{
  err->code = code;
  snprintf (err->message, sizeof err->message, fmt, arg);
}

/* A request line (ulp-protocol.h), parsed.  */
struct request
{
  enum ulp_request_kind kind;
  const char *arg;          /* PATH, NAME or SONAME.  */
  unsigned flags;           /* apply-flags.  */
  bool have_key;            /* apply-flags: KEY was not "-" ...  */
  unsigned char key[32];    /* ... but these bytes.  */
  long id;                  /* revert.  */
  char soname[256];         /* migrate-held, migrate-register.  */
  uint64_t newest;          /* migrate-held.  */
  struct ulp_held_thread *held;   /* migrate-held: N threads, or  */
  struct ulp_found_thread *found; /* migrate-register: N threads;
                                     malloc'ed.  */
  size_t n;
};

/* The arguments of migrate-held, "SONAME NEWEST [TID FRAME WHAT]...",
   or with HELD false of migrate-register, "SONAME [TID ADDRESS]...", at
   ARGS.  Every thread must read as one.  */
static bool
parse_migrate (const char *args, bool held, struct request *r)
{
  int used;
  unsigned long long newest = 0;
  if (held ? sscanf (args, "%255s %llu%n", r->soname, &newest, &used) != 2
           : sscanf (args, "%255s%n", r->soname, &used) != 1)
    return false;
  r->newest = newest;
  const char *p = args + used;
  /* Each thread takes four characters at least ("1 2 " or " 1 2").  */
  size_t max = strlen (p) / 4 + 1;
  if (held)
    r->held = calloc (max, sizeof *r->held);
  else
    r->found = calloc (max, sizeof *r->found);
  if (held ? !r->held : !r->found)
    return false;
  for (;;)
    {
      p += strspn (p, " ");
      if (!*p)
        return true;
      if (r->n == max)
        return false;
      unsigned long long state;
      if (held)
        {
          struct ulp_held_thread *t = &r->held[r->n];
          if (sscanf (p, "%d %d %127s%n", &t->tid, &t->frame, t->what, &used)
              != 3)
            return false;
        }
      else if (sscanf (p, "%d %llu%n", &r->found[r->n].tid, &state, &used)
               == 2)
        r->found[r->n].state = (uintptr_t) state;
      else
        return false;
      r->n++;
      p += used;
    }
}

/* The arguments of apply-flags, "FLAGS KEY PATH", at ARGS.  */
static bool
parse_apply_flags (char *args, struct request *r)
{
  char *end;
  unsigned long flags = strtoul (args, &end, 10);
  if (end == args || *end != ' ')
    return false;
  char *k = end + 1;
  if (strncmp (k, "- ", 2) == 0)
    k += 2;
  else if (strspn (k, "0123456789abcdef") == 64 && k[64] == ' ')
    {
      for (int i = 0; i < 32; i++)
        {
          char hex[3] = { k[2 * i], k[2 * i + 1], '\0' };
          r->key[i] = (unsigned char) strtoul (hex, NULL, 16);
        }
      r->have_key = true;
      k += 65;
    }
  else
    return false;
  if (!*k || flags > UINT_MAX)
    return false;
  r->flags = (unsigned) flags;
  r->arg = k;
  return true;
}

/* The one parser of request lines: LINE into *R, or false with *ERR
   filled.  A request's word is followed by a space and its arguments,
   or ends the line when it takes none.  */
static bool
parse_request (char *line, struct request *r, struct ulp_error *err)
{
  memset (r, 0, sizeof *r);
  char *args = NULL;
  int k;
  for (k = 0; k < ULP_REQ_KINDS; k++)
    {
      const char *w = ulp_request_word ((enum ulp_request_kind) k);
      size_t n = strlen (w);
      if (strncmp (line, w, n) != 0)
        continue;
      if (ulp_request_has_args ((enum ulp_request_kind) k)
          ? line[n] == ' ' : line[n] == '\0')
        {
          args = line + n + (line[n] == ' ');
          break;
        }
    }
  if (k == ULP_REQ_KINDS)
    {
      fail (err, ULP_E_INVAL, "unknown request: %.64s", line);
      return false;
    }
  r->kind = (enum ulp_request_kind) k;
  r->arg = args;
  if (r->kind == ULP_REQ_APPLY_FLAGS && !parse_apply_flags (args, r))
    {
      fail (err, ULP_E_INVAL, "bad apply-flags request: %.64s", line);
      return false;
    }
  if ((r->kind == ULP_REQ_MIGRATE_HELD || r->kind == ULP_REQ_MIGRATE_REGISTER)
      && !parse_migrate (args, r->kind == ULP_REQ_MIGRATE_HELD, r))
    {
      fail (err, ULP_E_INVAL, "bad %s request",
            ulp_request_word (r->kind));
      return false;
    }
  if (r->kind == ULP_REQ_REVERT)
    {
      char *end;
      r->id = strtol (args, &end, 10);
      if (end == args || *end || r->id < 0)
        {
          fail (err, ULP_E_INVAL, "bad patch id: %.64s", args);
          return false;
        }
    }
  return true;
}

/* Publish TEXT (malloc'ed, or NULL) as the reply text.  */
static void
set_reply (char *text)
{
  reply_buf = text;
  if (reply_buf)
    {
      ulp_control.reply = (uintptr_t) reply_buf;
      ulp_control.reply_size = strlen (reply_buf) + 1;
    }
}

/* Carry out request R; its result, with *ERR when it is -1.  */
static int64_t
run_request (const struct request *r, struct ulp_error *err)
{
  int64_t result = -1;
  switch (r->kind)
    {
    case ULP_REQ_APPLY:
      return ulp_apply (r->arg, 0, err);
    case ULP_REQ_APPLY_FLAGS:
      return ulp_apply_key (r->arg, r->flags, r->have_key ? r->key : NULL,
                            err);
    case ULP_REQ_REVERT:
      return ulp_revert (r->id, 0, err);
    case ULP_REQ_REVERT_NAME:
      return ulp_revert_name (r->arg, 0, err);
    case ULP_REQ_ARM:
    case ULP_REQ_DISARM:
      set_reply (ulp_arm_request (r->arg, r->kind == ULP_REQ_ARM, &result,
                                  err));
      return result;
    case ULP_REQ_MIGRATE_HELD:
      return ulp_migrate_note_held (r->soname, r->newest, r->held, r->n,
                                    err);
    case ULP_REQ_MIGRATE_REGISTER:
      return ulp_migrate_register (r->soname, r->found, r->n, err);
    case ULP_REQ_STATUS:
    case ULP_REQ_MIGRATE_INFO:
      set_reply (r->kind == ULP_REQ_STATUS ? ulp_status_json ()
                                           : ulp_migrate_json ());
      if (reply_buf)
        return 0;
      fail (err, ULP_E_NOMEM, "%sout of memory", "");
      return -1;
    case ULP_REQ_KINDS:
      break;
    }
  return -1;
}

/* Carry out request REQ.  */

static void
serve (uint32_t req)
{
  static char line[sizeof ulp_control.request];
  memcpy (line, ulp_control.request, sizeof line);
  line[sizeof line - 1] = '\0';
  line[strcspn (line, "\n")] = '\0';

  free (reply_buf);
  reply_buf = NULL;
  ulp_control.reply = 0;
  ulp_control.reply_size = 0;

  struct ulp_error err;
  memset (&err, 0, sizeof err);
  struct request r;
  int64_t result = -1;
  if (parse_request (line, &r, &err))
    result = run_request (&r, &err);
  free (r.held);
  free (r.found);

  if (result < 0)
    ulp_control.error = err;
  else
    memset (&ulp_control.error, 0, sizeof ulp_control.error);
  ulp_control.result = result;
  /* The reply is complete before DONE_SEQ says so.  */
  __atomic_store_n (&ulp_control.done_seq, req, __ATOMIC_RELEASE);
}

/* The collapse of selection and the unloading of reverted patches
   (ulp_maintain) wait for threads to move on.  The worker does them
   after it has replied to a request, so the tool's wait does not
   include them, and again after a while, for as long as some remain
   due: starting at 10 ms and doubling up to 5 s between tries.  When
   nothing is due it sleeps without a timeout and costs nothing.  */

/* True while the worker does maintenance (not while it serves).  */
static bool maintaining;

bool
ulp_maintenance_interrupted (void)
{
  return maintaining
         && __atomic_load_n (&ulp_control.request_seq, __ATOMIC_RELAXED)
            != __atomic_load_n (&ulp_control.done_seq, __ATOMIC_RELAXED);
}

static long
maintain_in_worker (long delay_ms)
{
  ulp_lock ();
  ulp_maintain_due = false;
  maintaining = true;
  ulp_maintain ();
  maintaining = false;
  bool more = ulp_maintenance_pending ();
  ulp_unlock ();
  if (!more)
    return 0;
  return delay_ms ? (delay_ms < 2500 ? 2 * delay_ms : 5000) : 10;
}

/* The worker's nice value when it started.  A tool that may raise the
   priority of another process's threads (CAP_SYS_NICE, as root has)
   raises the worker's for the request it sends, so that a busy process
   serves it at once rather than when the scheduler next gets to its
   worker (tools/libulpproc/mailbox.c); the worker goes back to this
   value after each request, which needs no privilege, so a boost never
   outlives the request even when the tool dies.  */
static int worker_nice;

static void
restore_priority (void)
{
  errno = 0;
  int now = getpriority (PRIO_PROCESS, 0);
  if (errno == 0 && now != worker_nice)
    setpriority (PRIO_PROCESS, 0, worker_nice);
}

static void *
worker_main (void *arg)
{
  (void) arg;
  worker_thread = pthread_self ();
  errno = 0;
  worker_nice = getpriority (PRIO_PROCESS, 0);
  if (errno != 0)
    worker_nice = 0;
  __atomic_store_n (&worker_running, true, __ATOMIC_RELEASE);
  __atomic_store_n (&ulp_control.worker_tid,
                    (uint32_t) syscall (SYS_gettid), __ATOMIC_RELEASE);
  __atomic_store_n (&worker_started, 1, __ATOMIC_RELEASE);
  syscall (SYS_futex, &worker_started, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
           NULL, 0);
  long delay_ms = 0;   /* until the next maintenance; 0: none due.  */
  for (;;)
    {
      uint32_t req = __atomic_load_n (&ulp_control.request_seq,
                                      __ATOMIC_ACQUIRE);
      if (req != __atomic_load_n (&ulp_control.done_seq, __ATOMIC_RELAXED))
        {
          serve (req);
          restore_priority ();
          /* Only the worker sets it, so reading it unlocked is safe.  */
          if (ulp_maintain_due)
            delay_ms = maintain_in_worker (0);
          continue;
        }
      /* Returns at a kick, when REQUEST_SEQ no longer holds REQ, at the
         timeout, or spuriously; the loop sorts them out.  */
      if (futex_wait (&ulp_control.request_seq, req, delay_ms) < 0
          && errno == ETIMEDOUT && delay_ms)
        delay_ms = maintain_in_worker (delay_ms);
    }
  return NULL;
}

static void
start_worker (void)
{
  sigset_t all, old;
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  pthread_attr_t attr;
  pthread_t thread;
  int e = pthread_attr_init (&attr);
  if (e == 0)
    {
      pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
      /* Not through the wrapper: the worker runs no object's code, and
         the thread starting it may be one ulp-apply made call in, whose
         stack its own unwinding cannot see through (ulp_arm_deferred
         would arm with it).  */
      e = ulp_real_pthread_create (&thread, &attr, worker_main, NULL);
      pthread_attr_destroy (&attr);
    }
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (e != 0)
    return;
  pthread_setname_np (thread, "ulp-worker");
  /* Wait (a second at most) for the worker to publish itself.  */
  struct timespec ts = { 0, 10000000 };
  for (int i = 0; i < 100 && !__atomic_load_n (&worker_started,
                                               __ATOMIC_ACQUIRE); i++)
    syscall (SYS_futex, &worker_started, FUTEX_WAIT_PRIVATE, 0, &ts, NULL,
             0);
  /* Without a worker WORKER_TID stays 0 and the tools say the worker
     could not be started.  */
}

/* Start the worker unless it runs; its thread id, or 0 when it could
   not be created.  Called by a tool, through one thread of the process
   it made call here (see the top of this file), or by anything else
   that needs the worker.  Never called by the worker itself.  */
__attribute__ ((visibility ("default"))) uint32_t
ulp_control_start (void)
{
  pthread_mutex_lock (&start_lock);
  if (!__atomic_load_n (&worker_started, __ATOMIC_ACQUIRE))
    start_worker ();
  pthread_mutex_unlock (&start_lock);
  return __atomic_load_n (&ulp_control.worker_tid, __ATOMIC_ACQUIRE);
}

static void
after_fork_child (void)
{
  /* The parent's worker does not exist here, and a request in flight
     was the parent's.  A tool starts a worker when it needs one.  */
  pthread_mutex_init (&start_lock, NULL);
  __atomic_store_n (&worker_running, false, __ATOMIC_RELEASE);
  ulp_control.worker_tid = 0;
  worker_started = 0;
  ulp_control.done_seq = ulp_control.request_seq;
  free (reply_buf);
  reply_buf = NULL;
  ulp_control.reply = 0;
  ulp_control.reply_size = 0;
}

__attribute__ ((constructor)) static void
ulp_control_init (void)
{
  pthread_atfork (NULL, NULL, after_fork_child);
  ulp_control.version = ULP_CONTROL_VERSION;
  __atomic_store_n (&ulp_control.magic, ULP_CONTROL_MAGIC, __ATOMIC_RELEASE);
}
