/* mailbox.c -- requests to the runtime of another process.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See mailbox.h, ulp-protocol.h and runtime/control.c.  The request
   is written while the worker thread is interrupted (on its way to a
   ptrace stop, or in it), and REQUEST_SEQ is bumped last by a one-byte
   write (its low byte), which no reader can see half done; the worker
   reads a request only once REQUEST_SEQ has changed.  The worker
   sleeps in a futex wait on REQUEST_SEQ: once it is let go, the wait
   restarts, sees the new value and serves the request, whether or not
   the kick ran.  So a request that was written is always served, even
   if we die right after, and a request never written is never seen:
   the process ends up unpatched or fully patched, never in between.

   That restart is itself the wake-up: by default, when the worker is
   the only thread stopped, nothing is called in it at all (the call
   would cost four more round trips through the scheduler, each a
   wake-up of a possibly idle CPU).  With --thread, another thread is
   made to call ulp_control_kick, and with --stop-all the worker is, as
   the mechanism describes; that is what the hijack machinery
   of ptrace-inject.c is for, and what its tests exercise.

   Only the worker and the thread made to call ulp_control_kick are
   stopped, unless asked for all threads:
   the runtime switches each thread to a new universe on its own, so
   nothing needs the world stopped, and every stopped thread costs
   pause time (stopping 512 threads takes about 10 ms on this
   machine's two CPUs).  */

#include <config.h>

#include "mailbox.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "loadrt.h"
#include "priority.h"
#include "ptrace-inject.h"

#define OFF(f) offsetof (struct ulp_control, f)
#define HEADER_SIZE OFF (result)

static void
hook (const struct mailbox_opts *o, const char *point)
{
  if (o->test_hook)
    o->test_hook (point);
}

static bool
thread_exists (pid_t pid, pid_t tid)
{
  char path[64];
  struct stat st;
  snprintf (path, sizeof path, "/proc/%d/task/%d", (int) pid, (int) tid);
  return stat (path, &st) == 0;
}

int
mailbox_published (struct target *t, struct ulp_control *hdr,
                   struct outcome *oc)
{
  if (!t->has_runtime)
    return outcome_fail (oc, ULP_EXIT_NO_RUNTIME, "the ulp runtime (libulp) "
                         "is not loaded (see --load-runtime)");
  memset (hdr, 0, sizeof *hdr);
  if (target_read (t, t->control, hdr, HEADER_SIZE) < 0)
    {
      /* The address space seen at the start gone while the process
         lives (ESRCH), or the runtime's mapping missing from it (EIO:
         the maps were read before an exec, the memory opened after):
         it exec'ed.  */
      int e = errno;
      if (!target_alive (t))
        return outcome_fail (oc, ULP_EXIT_EXITED, "the process exited");
      if (e == ESRCH || e == EIO)
        return outcome_fail (oc, ULP_EXIT_EXITED, "the process exec'ed");
      return outcome_fail (oc, ULP_EXIT_FAIL, "cannot read the runtime's "
                           "mailbox: %s", strerror (e));
    }
  /* Runtimes that start their worker when loaded publish the mailbox
     only once it runs.  */
  if (hdr->magic != ULP_CONTROL_MAGIC)
    return outcome_fail (oc, ULP_EXIT_NO_RUNTIME, "the ulp runtime is loaded "
                         "but its worker thread is not running");
  if (hdr->version != ULP_CONTROL_VERSION)
    return outcome_fail (oc, ULP_EXIT_FAIL, "the runtime's mailbox is "
                         "version %u, this ulp-apply speaks %u",
                         hdr->version, ULP_CONTROL_VERSION);
  return 0;
}

int
mailbox_check (struct target *t, struct ulp_control *hdr, struct outcome *oc)
{
  if (mailbox_published (t, hdr, oc) < 0)
    return -1;
  if (hdr->worker_tid == 0)
    return outcome_fail (oc, ULP_EXIT_NO_RUNTIME, "the ulp runtime is loaded "
                         "but its worker thread is not running");
  if (!thread_exists (t->pid, (pid_t) hdr->worker_tid))
    return outcome_fail (oc, ULP_EXIT_NO_RUNTIME, "the ulp runtime's worker "
                         "thread %u is gone", hdr->worker_tid);
  return 0;
}

/* Sleep a little between two looks at the reply.  Replies usually
   come within a millisecond, and every microsecond slept past one is
   added to the end-to-end time, so the first 2 ms are watched in steps
   of 10 us (one read of /proc/PID/mem each, nothing the target
   notices; ulp-apply also sets its timer slack to 1 us, or each sleep
   would last 50 us more); after that the steps double up to 1 ms.  */
static void
backoff (unsigned *step)
{
  long ns = 10000;
  if (*step >= 200)
    {
      unsigned k = *step - 200;
      ns = 20000L << (k < 6 ? k : 6);
      if (ns > 1000000)
        ns = 1000000;
    }
  (*step)++;
  struct timespec ts = { 0, ns };
  nanosleep (&ts, NULL);
}

/* Whether DONE_SEQ has reached SEQ: 1 yes, 0 not yet, -1 never (*OC).
   *NEXT_CHECK paces the slower checks that the process and its worker
   still exist.  */
static int
done_p (struct target *t, uint32_t seq, pid_t worker, uint64_t deadline,
        uint64_t *next_check, struct outcome *oc)
{
  uint32_t done;
  if (target_read (t, t->control + OFF (done_seq), &done, sizeof done) == 0)
    {
      if (done == seq)
        return 1;
    }
  else if (errno == ESRCH)
    return outcome_fail (oc, ULP_EXIT_EXITED, target_alive (t)
                         ? "the process exec'ed before the runtime replied"
                         : "the process exited before the runtime replied");
  uint64_t now = pt_now_ns ();
  if (now >= *next_check)
    {
      if (!target_alive (t))
        return outcome_fail (oc, ULP_EXIT_EXITED, "the process exited "
                             "before the runtime replied");
      /* A worker in a group stop (SIGSTOP, SIGTSTP ...) cannot answer
         until the process is continued: say so now rather than at the
         timeout.  The request stays written and is served then.  */
      struct proc_status ws;
      if (procfs_status (t->pid, worker, &ws) == 0 && ws.state == 'T')
        return outcome_fail (oc, ULP_EXIT_FAIL, "the process is stopped "
                             "(SIGSTOP or similar): its runtime serves "
                             "the request once it is continued");
      /* The worker never exits on its own: gone while the process is
         alive means the process exec'ed.  */
      if (!thread_exists (t->pid, worker))
        return outcome_fail (oc, ULP_EXIT_EXITED, target_alive (t)
                             ? "the process exec'ed before the runtime "
                               "replied"
                             : "the process exited before the runtime "
                               "replied");
      *next_check = now + 10000000;
    }
  if (now >= deadline)
    return outcome_fail (oc, ULP_EXIT_TIMEOUT, "no reply from the runtime "
                         "in time");
  return 0;
}

/* Wait for DONE_SEQ to reach SEQ.  */
static int
wait_done (struct target *t, uint32_t seq, pid_t worker, uint64_t deadline,
           struct outcome *oc)
{
  unsigned step = 0;
  uint64_t next_check = 0;
  for (;;)
    {
      int r = done_p (t, seq, worker, deadline, &next_check, oc);
      if (r)
        return r < 0 ? -1 : 0;
      backoff (&step);
    }
}

static int
add_thread (struct pt_thread **v, size_t *n, pid_t tid)
{
  for (size_t i = 0; i < *n; i++)
    if ((*v)[i].tid == tid)
      return 0;
  struct pt_thread *nv = realloc (*v, (*n + 1) * sizeof *nv);
  if (!nv)
    return -1;
  *v = nv;
  memset (&nv[*n], 0, sizeof nv[*n]);
  nv[*n].tid = tid;
  (*n)++;
  return 0;
}

static struct pt_thread *
find_thread (struct pt_thread *v, size_t n, pid_t tid)
{
  for (size_t i = 0; i < n; i++)
    if (v[i].tid == tid)
      return &v[i];
  return NULL;
}

/* Write REQUEST (LEN bytes with its NUL) and then the low byte of SEQ
   into the mailbox of T, whose worker is interrupted.  0, or the errno
   value of the failure.  */
static int
write_request (struct target *t, const char *request, size_t len,
               uint32_t seq)
{
  unsigned char seq_byte = seq & 0xff;
  if (target_write (t, t->control + OFF (request), request, len) < 0
      || target_write (t, t->control + OFF (request_seq), &seq_byte, 1) < 0)
    return errno;
  return 0;
}

/* Attach to and stop the threads of the request: every thread with
   O->STOP_ALL, else WORKER and HIJACK.  0 with *TH and *NTH, or -1
   with *OC and none left stopped.

   When REQUEST is not NULL (the worker alone is stopped: not with
   O->STOP_ALL), it is written, with SEQ, while the worker comes to its
   stop, and the worker's priority raised (priority.h); *WRITE_ERR gets
   the errno value of a failed write, or 0.  The request is committed by
   the one-byte write of SEQ, whether the worker is stopped yet or not:
   it reads a request only once REQUEST_SEQ has changed, and the
   previous one was served (mailbox_send waited for it).  Interrupted
   before the write, the worker comes back from its stop, when we let
   it go or die, to a futex wait that sees the new REQUEST_SEQ: a
   request written is always served, and the raise, made only after the
   write, never outlives it.  Writing before the stop rather than after
   lets the worker, raised, take its stop and its request without
   waiting twice for the scheduler.  */
static int
stop_threads (struct target *t, const struct mailbox_opts *o, pid_t worker,
              pid_t hijack, uint64_t deadline, const char *request,
              size_t len, uint32_t seq, int *write_err,
              struct pt_thread **th, size_t *nth, uint64_t *t0,
              struct outcome *oc)
{
  *th = NULL;
  *nth = 0;
  *t0 = pt_now_ns ();
  if (o->stop_all)
    {
      if (pt_stop_all (t->pid, th, nth, deadline, oc) < 0)
        return oc->status == ULP_EXIT_PERMISSION ? target_denied (t, oc) : -1;
      /* (pt_stop_all names the thread in its message.)  */
      return 0;
    }
  if (add_thread (th, nth, worker) < 0 || add_thread (th, nth, hijack) < 0)
    {
      free (*th);
      return outcome_fail (oc, ULP_EXIT_FAIL, "out of memory");
    }
  for (size_t i = 0; i < *nth; i++)
    if (pt_seize (t->pid, &(*th)[i], oc) < 0)
      {
        pt_detach_all (*th, i);
        pid_t tid = (*th)[i].tid;
        free (*th);
        if (oc->status == ULP_EXIT_PERMISSION)
          return target_seize_denied (t, tid, oc);
        return -1;
      }
  *t0 = pt_now_ns ();
  for (size_t i = 0; i < *nth; i++)
    pt_interrupt (&(*th)[i]);
  if (request)
    {
      *write_err = write_request (t, request, len, seq);
      if (*write_err == 0)
        priority_raise_worker (worker);
    }
  for (size_t i = 0; i < *nth; i++)
    if (pt_wait_stop (t->pid, &(*th)[i], deadline, oc) < 0)
      {
        pt_detach_all (*th, *nth);
        free (*th);
        return -1;
      }
  return 0;
}

/* Make the stopped thread HT call ulp_control_kick.  */
static int
kick (struct target *t, struct pt_thread *ht, const struct mailbox_opts *o,
      struct outcome *oc)
{
  struct pt_call c;
  memset (&c, 0, sizeof c);
  c.fn = t->kick;
  c.data_arg = -1;
  c.restorer = t->restorer;
  c.mem_fd = t->mem_fd;
  c.call_mask = ~(uint64_t) 0;
  c.deadline_ns = pt_now_ns () + 2000000000u;
  c.abandon_on_timeout = true;
  c.test_hook = o->test_hook;
  return pt_call (t->pid, ht, &c, oc);
}

int
mailbox_send (struct target *t, const char *request,
              const struct mailbox_opts *o, struct mailbox_pending *p,
              struct mailbox_times *tm, struct outcome *oc)
{
  memset (p, 0, sizeof *p);
  memset (tm, 0, sizeof *tm);
  struct ulp_control hdr;
  if (mailbox_published (t, &hdr, oc) < 0)
    return -1;
  if (hdr.worker_tid == 0)
    {
      /* The first request this runtime gets: start its worker.  */
      struct loadrt_times lt;
      uint64_t t0 = pt_now_ns ();
      if (loadrt_start_worker (t, t0 + o->timeout_ns, o->test_hook, &lt,
                               oc) < 0)
        return -1;
      tm->start = pt_now_ns () - t0;
    }
  if (mailbox_check (t, &hdr, oc) < 0)
    return -1;
  /* An empty line is what a request builder leaves when the request
     did not fit (request.h).  */
  size_t len = strlen (request) + 1;
  if (len == 1 || len > sizeof hdr.request)
    return outcome_fail (oc, ULP_EXIT_FAIL, "request too long");
  pid_t worker = (pid_t) hdr.worker_tid;
  pid_t hijack = o->hijack_tid ? o->hijack_tid : worker;
  if (o->hijack_tid && !thread_exists (t->pid, hijack))
    return outcome_fail (oc, ULP_EXIT_FAIL, "no thread %d in the process",
                         (int) hijack);
  uint64_t deadline = pt_now_ns () + o->timeout_ns;

  /* A request still being served: its requester died after writing it
     (the worker is serving it).  Let it finish.  */
  if (hdr.request_seq != hdr.done_seq
      && wait_done (t, hdr.request_seq, worker, deadline, oc) < 0)
    return -1;

  priority_raise_self ();
  /* Stop the worker (so that the request is never seen half written)
     and the thread that calls the kick.  Alone, the worker takes the
     request on its way to the stop.  */
  uint32_t seq = (hdr.request_seq & ~0xffu) | ((hdr.request_seq + 1) & 0xffu);
  bool early = !o->hijack_tid && !o->stop_all;
  int e = 0;
  struct pt_thread *th;
  size_t nth;
  uint64_t t0;
  if (stop_threads (t, o, worker, hijack, deadline, early ? request : NULL,
                    len, seq, &e, &th, &nth, &t0, oc) < 0)
    return -1;
  uint64_t t1 = pt_now_ns ();
  tm->attach = t1 - t0;
  tm->stopped = nth;
  struct pt_thread *wt = find_thread (th, nth, worker);
  struct pt_thread *ht = find_thread (th, nth, hijack);
  if (!wt || wt->gone || !ht || ht->gone)
    {
      pt_detach_all (th, nth);
      free (th);
      if (!target_alive (t))
        return outcome_fail (oc, ULP_EXIT_EXITED, "the process exited");
      return outcome_fail (oc, ULP_EXIT_EXITED, "the %s thread exited "
                           "(did the process exec?)",
                           !wt || wt->gone ? "runtime's worker" : "chosen");
    }
  hook (o, "stopped");

  if (!early)
    e = write_request (t, request, len, seq);
  else if (e == 0 && !target_alive (t))
    e = ESRCH;
  if (e)
    {
      pt_detach_all (th, nth);
      free (th);
      if (e == ESRCH || !target_alive (t))
        return outcome_fail (oc, ULP_EXIT_EXITED, target_alive (t)
                             ? "the process exec'ed" : "the process exited");
      return outcome_fail (oc, ULP_EXIT_FAIL, "cannot write the request: %s",
                           strerror (e));
    }
  uint64_t t2 = pt_now_ns ();
  tm->write = t2 - t1;
  if (!early)
    priority_raise_worker (worker);
  hook (o, "written");

  /* From here on the request is served whatever happens.  */
  struct outcome kick_oc;
  int kicked = 0;
  if (o->hijack_tid || o->stop_all)
    kicked = kick (t, ht, o, &kick_oc);
  uint64_t t3 = pt_now_ns ();
  tm->kick = t3 - t2;
  hook (o, "kicked");
  pt_detach_all (th, nth);
  free (th);
  uint64_t t4 = pt_now_ns ();
  tm->detach = t4 - t3;
  tm->pause = t4 - t0;
  hook (o, "detached");
  p->seq = seq;
  p->worker = worker;
  p->sent_ns = t4;
  p->deadline_ns = deadline;
  if (kicked < 0)
    snprintf (p->kick_error, sizeof p->kick_error, "%.*s",
              (int) sizeof p->kick_error - 1, kick_oc.message);
  return 0;
}

int
mailbox_poll (struct target *t, const struct mailbox_pending *p,
              struct outcome *oc)
{
  uint64_t next_check = 0;
  return done_p (t, p->seq, p->worker, p->deadline_ns, &next_check, oc);
}

/* The one reader of a reply: the result and error words of T's
   mailbox and the reply text they point to, into *REP.  */
static int
read_reply (struct target *t, struct mailbox_reply *rep, struct outcome *oc)
{
  struct ulp_control reply;
  if (target_read (t, t->control + OFF (result), &reply.result,
                   sizeof reply.result + sizeof reply.error) < 0
      || target_read (t, t->control + OFF (reply), &reply.reply,
                      sizeof reply.reply + sizeof reply.reply_size) < 0)
    return outcome_fail (oc, ULP_EXIT_EXITED, "the process exited");
  rep->result = reply.result;
  rep->error = reply.error;
  rep->error.message[sizeof rep->error.message - 1] = '\0';
  if (reply.reply && reply.reply_size && reply.reply_size < (64u << 20))
    {
      rep->text = malloc (reply.reply_size + 1);
      if (!rep->text
          || target_read (t, reply.reply, rep->text, reply.reply_size) < 0)
        {
          free (rep->text);
          rep->text = NULL;
          return outcome_fail (oc, ULP_EXIT_FAIL, "cannot read the "
                               "runtime's reply");
        }
      rep->text[reply.reply_size] = '\0';
    }
  return 0;
}

int
mailbox_receive (struct target *t, const struct mailbox_pending *p,
                 struct mailbox_reply *rep, struct mailbox_times *tm,
                 struct outcome *oc)
{
  memset (rep, 0, sizeof *rep);
  if (wait_done (t, p->seq, p->worker, p->deadline_ns, oc) < 0)
    return -1;
  tm->wait = pt_now_ns () - p->sent_ns;
  return read_reply (t, rep, oc);
}

int
mailbox_call (struct target *t, const char *request,
              const struct mailbox_opts *o, struct mailbox_reply *rep,
              struct mailbox_times *tm, struct outcome *oc)
{
  struct mailbox_pending p;
  memset (rep, 0, sizeof *rep);
  if (mailbox_send (t, request, o, &p, tm, oc) < 0)
    return -1;
  return mailbox_receive (t, &p, rep, tm, oc);
}

int
mailbox_refused (struct mailbox_reply *rep, struct outcome *oc)
{
  if (rep->result >= 0)
    return 0;
  free (rep->text);
  rep->text = NULL;
  return outcome_fail (oc, outcome_of_runtime_error (rep->error.code), "%s",
                       rep->error.message[0] ? rep->error.message
                                             : "the runtime failed");
}
