/* ulp-apply -- apply or revert a live patch in running processes.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-apply PID PATCH asks the ulp runtime inside process PID to apply
   PATCH; --revert takes a patch out again; --all applies a patch to
   every process that has its target object loaded.  The work happens
   inside each process, in the runtime's worker thread; this program
   only checks what it can from outside, writes the request into the
   runtime's mailbox and wakes the worker with a brief ptrace stop
   (mailbox.c, ptrace-inject.c), then waits for the reply.  With
   --load-runtime it first loads the runtime into a process started
   without it (loadrt.c).

   Each process gets one line: what was done, or, on stderr, why not.
   The exit status is 0 only when every process ended as asked; the
   statuses are in outcome.h and the manual.  */

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loadrt.h"
#include "tool-version.h"
#include "mailbox.h"
#include "migrate.h"
#include "arm-check.h"
#include "objfile.h"
#include "outcome.h"
#include "patchinfo.h"
#include "proclock.h"
#include "ptrace-inject.h"
#include "repo.h"
#include "sign.h"
#include "target.h"
#include "ulp-hex.h"

#ifndef ULP_RUNTIME_DEFAULT
#define ULP_RUNTIME_DEFAULT "/usr/local/lib/libulp.so.0"
#endif

static const char *program_name = "ulp-apply";
static bool verbose, quiet;
static uint64_t program_start;   /* for the end-to-end time.  */

static struct
{
  bool revert;
  bool all;
  bool load_runtime;
  const char *runtime;
  double timeout;
  pid_t thread;
  bool stop_all;
  size_t jobs;             /* --all's worker processes.  */
  bool migrate;            /* --migrate, --force-migrate, --migrate-wait */
  bool migrate_only;       /* ... with a PID and no patch.  */
  bool force_migrate;
  double migrate_wait;     /* --migrate-wait: retry for so long.  */
} opt = { false, false, false, ULP_RUNTIME_DEFAULT, 10.0, 0, false, 8,
          false, false, false, 0 };

/* --require-signature, and --trusted-key's public key in hex (or "-"):
   the runtime checks the signature on the bytes it loads (ulp.h,
   apply-flags).  */
static bool require_signature;
static char trusted_key_hex[65] = "-";

/* ------------------------------------------------------------------ */
/* The testsuite's hooks: ULP_APPLY_TEST="kill@POINT,sleep@POINT=MS"   */
/* makes ulp-apply kill itself or pause at a named point (announced on */
/* stderr as "ulp-apply: test: POINT"); break@orig-rax, break@eintr    */
/* and break@xstate switch off one safety each (ptrace-inject.h).      */
/* ------------------------------------------------------------------ */

static const char *test_spec;

static void
test_hook (const char *point)
{
  if (!test_spec)
    return;
  size_t pl = strlen (point);
  for (const char *p = test_spec; *p;)
    {
      const char *end = strchr (p, ',');
      size_t len = end ? (size_t) (end - p) : strlen (p);
      const char *at = memchr (p, '@', len);
      if (at && (size_t) (p + len - (at + 1)) >= pl
          && strncmp (at + 1, point, pl) == 0
          && (at + 1 + pl == p + len || at[1 + pl] == '='))
        {
          fprintf (stderr, "%s: test: %s\n", program_name, point);
          fflush (stderr);
          if (strncmp (p, "kill", 4) == 0)
            raise (SIGKILL);
          else if (strncmp (p, "sleep", 5) == 0)
            {
              long ms = at[1 + pl] == '=' ? atol (at + 2 + pl) : 1000;
              struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
              nanosleep (&ts, NULL);
            }
        }
      p += len + (end != NULL);
    }
}

/* ------------------------------------------------------------------ */
/* Output.                                                             */
/* ------------------------------------------------------------------ */

static void
say_error (pid_t pid, const struct outcome *oc)
{
  if (pid)
    fprintf (stderr, "%s: PID %d: %s\n", program_name, (int) pid,
             oc->message);
  else
    fprintf (stderr, "%s: %s\n", program_name, oc->message);
}

static void
say_step (pid_t pid, const char *step, uint64_t ns, const char *extra)
{
  if (verbose)
    fprintf (stderr, "%s: PID %d: %s: %.3f ms%s\n", program_name, (int) pid,
             step, ns / 1e6, extra ? extra : "");
}

static void
say_times (pid_t pid, const struct mailbox_times *tm, size_t nthreads)
{
  if (!verbose)
    return;
  char extra[64];
  snprintf (extra, sizeof extra, " (%zu of %zu threads stopped)", tm->stopped,
            nthreads);
  say_step (pid, "attach", tm->attach, extra);
  say_step (pid, "write", tm->write, NULL);
  say_step (pid, "kick", tm->kick, NULL);
  say_step (pid, "detach", tm->detach, NULL);
  say_step (pid, "pause", tm->pause, NULL);
}

/* ------------------------------------------------------------------ */
/* One process.                                                        */
/* ------------------------------------------------------------------ */

struct job
{
  pid_t pid;
  struct proc_maps maps;     /* read by the --all scan, or empty.  */
  struct target t;
  bool opened;
  int lock;
  uint64_t start;
  struct mailbox_pending pending;
  struct mailbox_times times;
  bool sent;
  bool done;
  int status;                /* enum ulp_exit once done.  */
  size_t nthreads;
  bool armed_now;            /* this job armed the target object.  */
  char request[4200];        /* what it asked the runtime.  */
};

static const struct patchinfo *patch;   /* NULL for a bare --revert.  */
static const char *revert_name;         /* --revert by name.  */

struct find_ctx
{
  const struct patchinfo *pi;
  bool soname_seen;
  bool match;
  char other_build[129];
};

static bool
find_target_cb (struct target *t, const struct proc_map *m,
                struct objfile *of, void *data)
{
  (void) t;
  (void) m;
  struct find_ctx *c = data;
  if (strcmp (objfile_soname (of), c->pi->target) != 0)
    return true;
  c->soname_seen = true;
  if (strcmp (objfile_build_id (of), c->pi->build_id) == 0)
    {
      c->match = true;
      return false;
    }
  snprintf (c->other_build, sizeof c->other_build, "%s",
            *objfile_build_id (of) ? objfile_build_id (of) : "(none)");
  return true;
}

/* Whether the target object is mapped: 1 with the right build, 0 not
   mapped, -1 another build (*OC filled).  */
static int
check_target_object (struct target *t, const struct patchinfo *pi,
                     struct outcome *oc)
{
  struct find_ctx c = { pi, false, false, "" };
  target_each_object (t, find_target_cb, &c);
  if (c.match)
    return 1;
  if (c.soname_seen)
    {
      outcome_fail (oc, ULP_EXIT_BUILD, "%s is build %s, the patch is for "
                    "build %s", pi->target, c.other_build, pi->build_id);
      return -1;
    }
  outcome_fail (oc, ULP_EXIT_NOT_LOADED, "%s is not loaded", pi->target);
  return 0;
}

static void
job_finish (struct job *j, int status)
{
  j->done = true;
  j->status = status;
  if (j->lock >= 0)
    proclock_release (j->lock);
  j->lock = -1;
}

/* Arm the tracking of the patch's target object before the patch can
   land (arm-check.c).  */
static int
job_arm (struct job *j, const struct mailbox_opts *mo, uint64_t deadline,
         struct outcome *oc)
{
  uint64_t t0 = pt_now_ns ();
  struct arm_summary sum;
  if (arm_object (&j->t, mo, patch->target, deadline, &sum, oc) < 0)
    return -1;
  j->armed_now = sum.armed_now;
  if (sum.unchecked > 0)
    fprintf (stderr, "%s: PID %d: warning: %zu thread%s could not be "
             "checked for calls into %s made before its tracking was "
             "armed\n", program_name, (int) j->pid, sum.unchecked,
             sum.unchecked == 1 ? "" : "s", patch->target);
  if (verbose && sum.armed_now)
    {
      char extra[128];
      snprintf (extra, sizeof extra, " (%zu thread%s inside)", sum.seeded,
                sum.seeded == 1 ? "" : "s");
      say_step (j->pid, "arm", pt_now_ns () - t0, extra);
    }
  return 0;
}

/* Everything up to and including sending the request.  */
static void
job_send (struct job *j)
{
  struct outcome oc;
  j->lock = -1;
  j->start = pt_now_ns ();
  uint64_t deadline = j->start + (uint64_t) (opt.timeout * 1e9);
  if (target_open_maps (&j->t, j->pid, false, j->maps.v ? &j->maps : NULL,
                        &oc) < 0)
    {
      if (opt.all && oc.status == ULP_EXIT_NO_PROCESS)
        {
          /* Gone since the scan: it no longer has the object either.  */
          if (verbose)
            say_error (j->pid, &oc);
          job_finish (j, ULP_EXIT_OK);
          return;
        }
      say_error (j->pid, &oc);
      job_finish (j, oc.status);
      return;
    }
  j->opened = true;
  pid_t *tids;
  if (verbose && procfs_tasks (j->pid, &tids, &j->nthreads) == 0)
    free (tids);
  say_step (j->pid, "open", pt_now_ns () - j->start, NULL);

  if (j->t.status.state == 'T')
    {
      /* Its worker could not answer until the process is continued.  */
      outcome_fail (&oc, ULP_EXIT_FAIL, "the process is stopped (SIGSTOP "
                    "or similar): continue it first");
      say_error (j->pid, &oc);
      job_finish (j, oc.status);
      return;
    }
  if (j->t.status.shadow_stack)
    {
      outcome_fail (&oc, ULP_EXIT_FAIL, "the process uses shadow stacks "
                    "(CET), which ulp-apply does not support");
      say_error (j->pid, &oc);
      job_finish (j, oc.status);
      return;
    }

  const char *request_fmt;
  char request[4200];
  if (opt.migrate_only)
    snprintf (request, sizeof request, "migrate-info");
  else if (!opt.revert)
    {
      if (check_target_object (&j->t, patch, &oc) <= 0)
        {
          say_error (j->pid, &oc);
          job_finish (j, oc.status);
          return;
        }
      /* The runtime opens the patch in the process's mount namespace.  */
      char there[4200];
      struct stat st;
      snprintf (there, sizeof there, "/proc/%d/root%s", (int) j->pid,
                patch->path);
      if (stat (there, &st) < 0 || st.st_ino != patch->ino
          || st.st_dev != patch->dev)
        {
          outcome_fail (&oc, ULP_EXIT_BAD_PATCH, "%s is not the same file "
                        "in the process's mount namespace", patch->path);
          say_error (j->pid, &oc);
          job_finish (j, oc.status);
          return;
        }
      request_fmt = "apply %s";
      if (require_signature)
        snprintf (request, sizeof request, "apply-flags %u %s %s",
                  ULP_APPLY_REQUIRE_SIGNATURE, trusted_key_hex, patch->path);
      else
        snprintf (request, sizeof request, request_fmt, patch->path);
    }
  else if (revert_name)
    snprintf (request, sizeof request, "revert-name %s", revert_name);
  else
    snprintf (request, sizeof request, "revert 0");

  target_find_runtime (&j->t, &oc);
  if (!j->t.has_runtime && opt.load_runtime && !opt.revert
      && !opt.migrate_only)
    {
      struct loadrt_times lt;
      uint64_t t0 = pt_now_ns ();
      j->lock = proclock_acquire (j->pid, j->t.starttime, deadline, &oc);
      if (j->lock < 0
          || loadrt_load (&j->t, opt.runtime, deadline, test_hook, &lt, &oc)
             < 0)
        {
          say_error (j->pid, &oc);
          job_finish (j, oc.status);
          return;
        }
      if (verbose)
        {
          char extra[128];
          snprintf (extra, sizeof extra, " (thread %d, %u looked at; "
                    "dlopen %.3f ms, that thread held %.3f ms)",
                    (int) lt.thread, lt.tries, lt.call / 1e6, lt.pause / 1e6);
          say_step (j->pid, "load-runtime", pt_now_ns () - t0, extra);
        }
    }
  if (!j->t.has_runtime)
    {
      outcome_fail (&oc, ULP_EXIT_NO_RUNTIME, "the ulp runtime (libulp) is "
                    "not loaded%s", opt.revert || opt.migrate_only ? ""
                    : "; --load-runtime loads it");
      say_error (j->pid, &oc);
      job_finish (j, oc.status);
      return;
    }
  if (target_find_libc (&j->t, &oc) < 0)
    {
      say_error (j->pid, &oc);
      job_finish (j, oc.status);
      return;
    }
  if (j->lock < 0)
    {
      uint64_t t0 = pt_now_ns ();
      j->lock = proclock_acquire (j->pid, j->t.starttime, deadline, &oc);
      if (j->lock < 0)
        {
          say_error (j->pid, &oc);
          job_finish (j, oc.status);
          return;
        }
      say_step (j->pid, "lock", pt_now_ns () - t0, NULL);
    }
  test_hook ("locked");

  struct mailbox_opts mo = { opt.thread, opt.stop_all,
                             deadline > pt_now_ns () ? deadline - pt_now_ns ()
                                                     : 0,
                             test_hook };
  snprintf (j->request, sizeof j->request, "%s", request);
  if (mailbox_send (&j->t, request, &mo, &j->pending, &j->times, &oc) < 0)
    {
      say_error (j->pid, &oc);
      job_finish (j, oc.status);
      return;
    }
  j->sent = true;
  say_times (j->pid, &j->times, j->nthreads);
  if (verbose && j->pending.kick_error[0])
    fprintf (stderr, "%s: PID %d: the kick failed (the worker serves the "
             "request anyway): %s\n", program_name, (int) j->pid,
             j->pending.kick_error);
}

/* ------------------------------------------------------------------ */
/* Threads that never leave (migrate.c).                               */
/* ------------------------------------------------------------------ */

static const char *
fate_name (enum migrate_fate f)
{
  switch (f)
    {
    case MIGRATE_MOVED:
      return "migrated";
    case MIGRATE_FORCED:
      return "forced";
    case MIGRATE_LEFT:
      return "left";
    case MIGRATE_GONE:
      return "gone";
    default:
      return "held";
    }
}

/* Move the threads INFO (the runtime's migrate-info) names, tell the
   runtime what held the others, and with --migrate-wait try again until
   none is held.  Returns the number of threads still held, or -1 with
   *OC.  */
static long
job_migrate (struct job *j, char *info, struct outcome *oc)
{
  uint64_t start = pt_now_ns ();
  uint64_t until = start + (uint64_t) (opt.migrate_wait * 1e9);
  uint64_t deadline = j->start + (uint64_t) (opt.timeout * 1e9);
  if (until > deadline)
    until = deadline;
  struct mailbox_opts mo = { opt.thread, opt.stop_all, 0, test_hook };
  long held = 0;
  for (unsigned round = 0;; round++)
    {
      struct migrate_opts o = { opt.force_migrate, deadline };
      struct migrate_result r;
      if (migrate_threads (&j->t, info, &o, &r, oc) < 0)
        {
          free (info);
          return -1;
        }
      free (info);
      info = NULL;
      held = 0;
      size_t forced = 0;
      for (size_t i = 0; i < r.nthreads; i++)
        {
          const struct migrate_thread *mt = &r.threads[i];
          const char *so = r.objects[mt->object].soname;
          if (mt->fate == MIGRATE_HELD)
            held++;
          if (mt->fate == MIGRATE_FORCED)
            forced++;
          if (verbose)
            fprintf (stderr, "%s: PID %d: thread %d (%s): %s, %u frames%s, "
                     "stopped %.3f ms\n", program_name, (int) j->pid,
                     (int) mt->tid, so, fate_name (mt->fate), mt->frames,
                     mt->in_syscall ? " (in a system call)" : "",
                     mt->pause_ns / 1e6);
          if (quiet)
            continue;
          if (mt->fate == MIGRATE_MOVED || mt->fate == MIGRATE_FORCED)
            printf ("PID %d: thread %d %s to universe %llu of %s\n",
                    (int) j->pid, (int) mt->tid,
                    mt->fate == MIGRATE_FORCED ? "forced" : "migrated",
                    (unsigned long long) r.objects[mt->object].newest, so);
          else if (mt->fate == MIGRATE_HELD && mt->frame >= 0)
            printf ("PID %d: thread %d not migrated in %s: held by %s "
                    "(frame %d)\n", (int) j->pid, (int) mt->tid, so,
                    mt->what, mt->frame);
          else if (mt->fate == MIGRATE_HELD)
            printf ("PID %d: thread %d not migrated in %s: %s\n",
                    (int) j->pid, (int) mt->tid, so, mt->what);
        }
      if (forced)
        fprintf (stderr, "%s: PID %d: warning: %zu thread%s forced to the "
                 "newest universe without a look at %s stack: old and new "
                 "code may now run in the same call\n", program_name,
                 (int) j->pid, forced, forced == 1 ? "" : "s",
                 forced == 1 ? "its" : "their");
      if (verbose && r.nthreads)
        fprintf (stderr, "%s: PID %d: migrate: %zu thread%s, setup %.3f ms "
                 "(nothing stopped), longest stop of a thread %.3f ms\n",
                 program_name, (int) j->pid, r.nthreads,
                 r.nthreads == 1 ? "" : "s", r.setup_ns / 1e6,
                 r.max_pause_ns / 1e6);
      fflush (stdout);
      /* The states of threads the runtime did not know (they were
         there before it came), then what held each thread, for
         ulp-status (and no longer what held those that moved).  */
      for (size_t k = 0; k < r.nobjects; k++)
        for (int pass = 0; pass < 2; pass++)
          {
            char req[4096];
            struct mailbox_reply rep;
            struct mailbox_times tm;
            struct outcome roc;
            uint64_t now = pt_now_ns ();
            mo.timeout_ns = deadline > now ? deadline - now : 0;
            if ((pass == 0 ? migrate_register_request (&r, k, req, sizeof req)
                           : migrate_held_request (&r, k, req, sizeof req))
                && mailbox_call (&j->t, req, &mo, &rep, &tm, &roc) == 0)
              free (rep.text);
          }
      migrate_result_free (&r);
      if (held == 0 || pt_now_ns () >= until)
        break;
      /* --migrate-wait: the threads move on; look again shortly.  */
      struct timespec ts = { 0, 100000000 };
      nanosleep (&ts, NULL);
      struct mailbox_reply rep;
      struct mailbox_times tm;
      uint64_t now = pt_now_ns ();
      mo.timeout_ns = deadline > now ? deadline - now : 0;
      if (mailbox_call (&j->t, "migrate-info", &mo, &rep, &tm, oc) < 0)
        return -1;
      if (rep.result < 0)
        {
          free (rep.text);
          return outcome_fail (oc, ULP_EXIT_FAIL, "%s",
                               rep.error.message);
        }
      info = rep.text;
    }
  return held;
}

static void
job_receive (struct job *j)
{
  struct outcome oc;
  struct mailbox_reply rep;
  if (mailbox_receive (&j->t, &j->pending, &rep, &j->times, &oc) < 0)
    {
      say_error (j->pid, &oc);
      job_finish (j, oc.status);
      return;
    }
  say_step (j->pid, "wait", j->times.wait, NULL);
  if (rep.result < 0 && rep.error.code == ULP_E_NOT_ARMED && !opt.revert
      && !opt.migrate_only)
    {
      /* The target object was built with lazy arming and nothing armed
         it yet: arm it, look at the threads, and ask again.  */
      free (rep.text);
      uint64_t end = j->start + (uint64_t) (opt.timeout * 1e9);
      uint64_t now = pt_now_ns ();
      struct mailbox_opts mo = { opt.thread, opt.stop_all,
                                 end > now ? end - now : 0, test_hook };
      struct mailbox_times tm;
      if (job_arm (j, &mo, end, &oc) < 0
          || mailbox_call (&j->t, j->request, &mo, &rep, &tm, &oc) < 0)
        {
          if (j->armed_now)
            arm_undo (&j->t, &mo, patch->target);
          say_error (j->pid, &oc);
          job_finish (j, oc.status);
          return;
        }
    }
  say_step (j->pid, "total", pt_now_ns () - program_start, NULL);
  if (rep.result < 0)
    {
      free (rep.text);
      outcome_fail (&oc, outcome_of_runtime_error (rep.error.code), "%s",
                    rep.error.message[0] ? rep.error.message
                                         : "the runtime failed");
      if (j->armed_now)
        {
          /* The object goes back to unarmed, as the patch never landed
             (the runtime refuses once a patch did).  */
          struct mailbox_opts mo = { opt.thread, opt.stop_all, 1000000000,
                                     test_hook };
          arm_undo (&j->t, &mo, patch->target);
        }
      say_error (j->pid, &oc);
      job_finish (j, oc.status);
      return;
    }
  if (!quiet && !opt.migrate_only)
    {
      if (!opt.revert)
        printf ("PID %d: applied %s (patch %lld)\n", (int) j->pid,
                patch->name, (long long) rep.result);
      else if (revert_name)
        printf ("PID %d: reverted %s\n", (int) j->pid, revert_name);
      else
        printf ("PID %d: reverted the newest patch\n", (int) j->pid);
      fflush (stdout);
    }
  /* Threads that stay inside the patched object: check their stacks
     and move them (--migrate and relatives, after an apply or alone).  */
  if (opt.migrate && !opt.revert)
    {
      char *info = rep.text;
      if (!opt.migrate_only)
        {
          free (rep.text);
          info = NULL;
          struct mailbox_opts mo = { opt.thread, opt.stop_all, 0, test_hook };
          uint64_t now = pt_now_ns (), end = j->start
                                             + (uint64_t) (opt.timeout * 1e9);
          mo.timeout_ns = end > now ? end - now : 0;
          struct mailbox_times tm;
          if (mailbox_call (&j->t, "migrate-info", &mo, &rep, &tm, &oc)
              == 0 && rep.result < 0)
            {
              outcome_fail (&oc, outcome_of_runtime_error (rep.error.code),
                            "%s", rep.error.message);
              free (rep.text);
            }
          else if (rep.result >= 0)
            info = rep.text;
        }
      long held = info ? job_migrate (j, info, &oc) : -1;
      if (held < 0 && opt.migrate_only)
        {
          say_error (j->pid, &oc);
          job_finish (j, oc.status);
          return;
        }
      if (held < 0)
        fprintf (stderr, "%s: PID %d: warning: the patch is applied, but "
                 "the threads behind were not moved: %s\n",
                 program_name, (int) j->pid, oc.message);
      if (held > 0 && !opt.migrate_only)
        fprintf (stderr, "%s: PID %d: warning: the patch is applied, but "
                 "%ld thread%s could not migrate yet ('%s --migrate %d' "
                 "tries again)\n", program_name, (int) j->pid, held,
                 held == 1 ? "" : "s", program_name, (int) j->pid);
      else if (held > 0)
        {
          outcome_fail (&oc, ULP_EXIT_FAIL, "%ld thread%s could not "
                        "migrate", held, held == 1 ? "" : "s");
          say_error (j->pid, &oc);
          job_finish (j, oc.status);
          return;
        }
    }
  else
    free (rep.text);
  job_finish (j, ULP_EXIT_OK);
}

/* ------------------------------------------------------------------ */
/* --all: the processes that map the target object.                    */
/* ------------------------------------------------------------------ */

struct maps_ctx
{
  const char *soname;
  bool found;
};

static bool
maps_cb (struct target *t, const struct proc_map *m, struct objfile *of,
         void *data)
{
  (void) t;
  (void) m;
  struct maps_ctx *c = data;
  if (strcmp (objfile_soname (of), c->soname) == 0)
    {
      c->found = true;
      return false;
    }
  return true;
}

/* The pids of every process but this one (and its parent, when this
   is one of --all's worker processes), in *N.  */
static pid_t *
list_processes (size_t *n)
{
  DIR *d = opendir ("/proc");
  size_t cap = 256, k = 0;
  pid_t *v = malloc (cap * sizeof *v);
  if (!d || !v)
    {
      if (d)
        closedir (d);
      free (v);
      *n = 0;
      return NULL;
    }
  struct dirent *de;
  pid_t self = getpid ();
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] < '1' || de->d_name[0] > '9')
        continue;
      pid_t pid = (pid_t) atoi (de->d_name);
      if (pid == self)
        continue;
      if (k == cap)
        {
          pid_t *nv = realloc (v, 2 * cap * sizeof *nv);
          if (!nv)
            break;
          v = nv;
          cap *= 2;
        }
      v[k++] = pid;
    }
  closedir (d);
  *n = k;
  return v;
}

/* Of the processes CAND[FIRST], CAND[FIRST + STEP], ..., the pids of
   those mapping an object named SONAME, by pid, with their maps in
   *MAPS (the jobs take them over).  */
static pid_t *
scan_processes (const char *soname, const pid_t *cand, size_t ncand,
                size_t first, size_t step, size_t *n,
                struct proc_maps **maps)
{
  size_t cap = 256, k = 0;
  *maps = malloc (cap * sizeof **maps);
  pid_t *v = malloc (cap * sizeof *v);
  if (!v)
    {
      *n = 0;
      return NULL;
    }
  for (size_t ci = first; ci < ncand; ci += step)
    {
      pid_t pid = cand[ci];
      struct target t;
      memset (&t, 0, sizeof t);
      t.pid = pid;
      if (procfs_maps (pid, &t.maps) != 0)
        continue;
      struct maps_ctx c = { soname, false };
      target_each_object (&t, maps_cb, &c);
      if (!c.found || !*maps)
        {
          procfs_maps_free (&t.maps);
          continue;
        }
      if (k == cap)
        {
          pid_t *nv = realloc (v, 2 * cap * sizeof *nv);
          struct proc_maps *nm = realloc (*maps, 2 * cap * sizeof *nm);
          if (nv)
            v = nv;
          if (nm)
            *maps = nm;
          if (!nv || !nm)
            {
              procfs_maps_free (&t.maps);
              break;
            }
          cap *= 2;
        }
      (*maps)[k] = t.maps;
      v[k++] = pid;
    }
  /* By pid, keeping each process's maps with it.  */
  for (size_t i = 1; i < k; i++)
    for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--)
      {
        pid_t tp = v[j];
        v[j] = v[j - 1];
        v[j - 1] = tp;
        struct proc_maps tm = (*maps)[j];
        (*maps)[j] = (*maps)[j - 1];
        (*maps)[j - 1] = tm;
      }
  *n = k;
  return v;
}

/* ------------------------------------------------------------------ */
/* Running the jobs.                                                   */
/* ------------------------------------------------------------------ */

/* Apply (or revert) in the NPIDS processes PIDS, whose maps MAPS may
   already hold; the exit status.  */
static int
run_jobs (const pid_t *pids, size_t npids, struct proc_maps *maps)
{
  struct job *jobs = calloc (npids ? npids : 1, sizeof *jobs);
  if (!jobs)
    return ULP_EXIT_FAIL;
  /* Send every request first, then collect the replies: the runtimes
     of all the processes work at the same time.  */
  uint64_t t0 = pt_now_ns ();
  for (size_t i = 0; i < npids; i++)
    {
      jobs[i].pid = pids[i];
      jobs[i].lock = -1;
      if (maps)
        jobs[i].maps = maps[i];
      job_send (&jobs[i]);
      procfs_maps_free (&jobs[i].maps);
    }
  uint64_t t1 = pt_now_ns ();
  for (size_t i = 0; i < npids; i++)
    if (jobs[i].sent && !jobs[i].done)
      job_receive (&jobs[i]);
  if (verbose && opt.all)
    fprintf (stderr, "%s: all: send: %.3f ms, receive: %.3f ms\n",
             program_name, (t1 - t0) / 1e6, (pt_now_ns () - t1) / 1e6);
  int status = ULP_EXIT_OK;
  for (size_t i = 0; i < npids; i++)
    {
      if (jobs[i].status == ULP_EXIT_OK)
        continue;
      status = status == ULP_EXIT_OK || status == jobs[i].status
               ? jobs[i].status : ULP_EXIT_FAIL;
    }
  for (size_t i = 0; i < npids; i++)
    if (jobs[i].opened)
      target_close (&jobs[i].t);
  free (jobs);
  objfile_cache_clear ();
  return status;
}

/* --all spreads the processes over worker processes, each taking every
   K-th process of /proc: scanning and applying, most of the time goes
   into waiting for the targets' threads to be scheduled (ptrace stops,
   the runtimes' replies), and those waits overlap.  Processes rather
   than threads, because a tracee belongs to the thread that attached
   it and the tools' modules keep caches that are not thread-safe.
   Each worker writes what it has to say into two pipes, and one line
   "found N" into a third; the parent prints the output in pid order
   once all are done, so that it reads as a sequential run's would.  */

struct worker
{
  pid_t pid;
  int fd[3];           /* stdout, stderr and result pipes; -1 at EOF.  */
  char *buf[3];
  size_t len[3], cap[3];
};

/* The pid a line of output is about ("PID N: ..." after an optional
   program name), or 0.  */
static long
line_pid (const char *line)
{
  const char *p = strstr (line, "PID ");
  if (!p || (p != line && strncmp (line, program_name, strlen (program_name))
                          != 0))
    return 0;
  return strtol (p + 4, NULL, 10);
}

struct out_line
{
  long pid;
  size_t seq;
  const char *text;
  size_t len;
};

static int
cmp_out_line (const void *a, const void *b)
{
  const struct out_line *x = a, *y = b;
  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Print the lines of the KIND buffers of the NW workers to F, by the
   pid they are about.  */
static void
print_sorted (struct worker *w, size_t nw, int kind, FILE *f)
{
  size_t n = 0, cap = 64;
  struct out_line *v = malloc (cap * sizeof *v);
  for (size_t i = 0; v && i < nw; i++)
    for (size_t off = 0; off < w[i].len[kind];)
      {
        const char *line = w[i].buf[kind] + off;
        const char *nl = memchr (line, '\n', w[i].len[kind] - off);
        size_t len = nl ? (size_t) (nl - line) + 1 : w[i].len[kind] - off;
        if (n == cap)
          {
            struct out_line *nv = realloc (v, 2 * cap * sizeof *nv);
            if (!nv)
              break;
            v = nv;
            cap *= 2;
          }
        char save = line[len - 1];
        ((char *) line)[len - 1] = '\0';
        v[n] = (struct out_line) { line_pid (line), n, line, len };
        ((char *) line)[len - 1] = save;
        n++;
        off += len;
      }
  if (!v)
    return;
  qsort (v, n, sizeof *v, cmp_out_line);
  for (size_t i = 0; i < n; i++)
    {
      fwrite (v[i].text, 1, v[i].len, f);
      if (v[i].text[v[i].len - 1] != '\n')
        fputc ('\n', f);
    }
  fflush (f);
  free (v);
}

/* Read what worker W wrote to its pipe J; false once that pipe is
   done with (end of file, an error, or no memory left to keep it).  */
static bool
worker_read (struct worker *w, int j)
{
  if (w->len[j] + 4096 > w->cap[j])
    {
      size_t cap = w->cap[j] ? 2 * w->cap[j] : 8192;
      char *nb = realloc (w->buf[j], cap);
      if (!nb)
        goto done;
      w->buf[j] = nb;
      w->cap[j] = cap;
    }
  ssize_t r = read (w->fd[j], w->buf[j] + w->len[j], w->cap[j] - w->len[j]);
  if (r > 0)
    {
      w->len[j] += (size_t) r;
      return true;
    }
  if (r < 0 && errno == EINTR)
    return true;
done:
  close (w->fd[j]);
  w->fd[j] = -1;
  return false;
}

/* The body of worker K of NW.  */
static void __attribute__ ((noreturn))
worker_run (const char *soname, const pid_t *cand, size_t ncand, size_t k,
            size_t nw, int result_fd)
{
  size_t n;
  struct proc_maps *maps = NULL;
  uint64_t t0 = pt_now_ns ();
  pid_t *pids = scan_processes (soname, cand, ncand, k, nw, &n, &maps);
  if (verbose)
    fprintf (stderr, "%s: all: worker %zu: scan: %.3f ms (%zu of %zu "
             "processes)\n", program_name, k, (pt_now_ns () - t0) / 1e6, n,
             (ncand + nw - 1 - k) / nw);
  int status = pids || n == 0 ? run_jobs (pids, n, maps) : ULP_EXIT_FAIL;
  fflush (stdout);
  fflush (stderr);
  dprintf (result_fd, "found %zu\n", n);
  _exit (status);
}

static int
run_all (const char *soname)
{
  size_t ncand;
  pid_t *cand = list_processes (&ncand);
  if (!cand)
    {
      fprintf (stderr, "%s: cannot list the processes in /proc: %s\n",
               program_name, strerror (errno));
      return ULP_EXIT_FAIL;
    }
  size_t nw = opt.jobs;
  if (nw > ncand)
    nw = ncand ? ncand : 1;
  struct worker *w = calloc (nw, sizeof *w);
  if (!w)
    return ULP_EXIT_FAIL;
  fflush (stdout);
  fflush (stderr);
  size_t started = 0;
  for (size_t k = 0; k < nw; k++)
    {
      int p[3][2];
      int made = 0;
      for (; made < 3; made++)
        if (pipe2 (p[made], O_CLOEXEC) < 0)
          break;
      pid_t c = made == 3 ? fork () : -1;
      if (c == 0)
        {
          dup2 (p[0][1], STDOUT_FILENO);
          dup2 (p[1][1], STDERR_FILENO);
          for (int i = 0; i < 3; i++)
            close (p[i][0]);
          worker_run (soname, cand, ncand, k, nw, p[2][1]);
        }
      for (int i = 0; i < made; i++)
        close (p[i][1]);
      if (c < 0)
        {
          for (int i = 0; i < made; i++)
            close (p[i][0]);
          fprintf (stderr, "%s: cannot start a worker process: %s\n",
                   program_name, strerror (errno));
          break;
        }
      w[started].pid = c;
      for (int i = 0; i < 3; i++)
        w[started].fd[i] = p[i][0];
      started++;
    }

  /* Collect everything the workers write; show progress on a
     terminal.  */
  bool progress = isatty (STDERR_FILENO) && !quiet;
  size_t done_workers = 0;
  struct pollfd *pfd = calloc (3 * started + 1, sizeof *pfd);
  size_t *owner = calloc (3 * started + 1, sizeof *owner);
  for (;;)
    {
      size_t np = 0;
      for (size_t i = 0; pfd && owner && i < started; i++)
        for (int j = 0; j < 3; j++)
          if (w[i].fd[j] >= 0)
            {
              owner[np] = 3 * i + j;
              pfd[np++] = (struct pollfd) { w[i].fd[j], POLLIN, 0 };
            }
      if (np == 0 || (poll (pfd, np, -1) < 0 && errno != EINTR))
        break;
      for (size_t q = 0; q < np; q++)
        if (pfd[q].revents && !worker_read (&w[owner[q] / 3], owner[q] % 3)
            && owner[q] % 3 == 2)
          {
            done_workers++;
            if (progress)
              fprintf (stderr, "\r%s: all: %zu of %zu workers done",
                       program_name, done_workers, started);
          }
    }
  free (owner);
  /* Only when memory ran out: let the workers see a closed pipe rather
     than block on a full one.  */
  for (size_t i = 0; i < started; i++)
    for (int j = 0; j < 3; j++)
      if (w[i].fd[j] >= 0)
        close (w[i].fd[j]);
  if (progress)
    fprintf (stderr, "\r\033[K");
  free (pfd);

  int status = started == nw ? ULP_EXIT_OK : ULP_EXIT_FAIL;
  size_t found = 0;
  for (size_t i = 0; i < started; i++)
    {
      int st;
      while (waitpid (w[i].pid, &st, 0) < 0 && errno == EINTR)
        ;
      int ws = WIFEXITED (st) ? WEXITSTATUS (st) : ULP_EXIT_FAIL;
      if (!WIFEXITED (st))
        fprintf (stderr, "%s: all: worker process %d died (signal %d)\n",
                 program_name, (int) w[i].pid,
                 WIFSIGNALED (st) ? WTERMSIG (st) : 0);
      if (ws != ULP_EXIT_OK)
        status = status == ULP_EXIT_OK || status == ws ? ws : ULP_EXIT_FAIL;
      size_t f;
      if (w[i].len[2] < w[i].cap[2])
        {
          w[i].buf[2][w[i].len[2]] = '\0';
          if (sscanf (w[i].buf[2], "found %zu", &f) == 1)
            found += f;
        }
    }
  print_sorted (w, started, 0, stdout);
  print_sorted (w, started, 1, stderr);
  if (found == 0 && status == ULP_EXIT_OK && !quiet)
    printf ("no process has %s loaded\n", soname);
  if (verbose)
    fprintf (stderr, "%s: all: %zu processes in %.3f ms (%zu workers)\n",
             program_name, found, (pt_now_ns () - program_start) / 1e6,
             started);
  for (size_t i = 0; i < started; i++)
    for (int j = 0; j < 3; j++)
      free (w[i].buf[j]);
  free (w);
  free (cand);
  return status;
}

/* ------------------------------------------------------------------ */
/* Command line.                                                       */
/* ------------------------------------------------------------------ */

static void
usage (int status)
{
  if (status != 0)
    {
      fprintf (stderr, "Try '%s --help' for more information.\n",
               program_name);
      exit (status);
    }
  printf ("\
Usage: %s [OPTION]... PID PATCH\n\
  or:  %s --revert [OPTION]... PID [PATCH]\n\
  or:  %s --migrate|--force-migrate [OPTION]... PID\n\
  or:  %s --all [OPTION]... PATCH\n\
  or:  %s --repo=DIR [OPTION]... PID|--all\n\
Apply the live patch PATCH to the running process PID, revert a patch,\n\
or apply PATCH to every process that has its target object loaded.\n\
\n\
  -a, --all              apply (or with --revert, revert) PATCH in every\n\
                           process that maps its target object\n\
  -j, --jobs=N           with --all, work on N processes at a time\n\
                           (default 8)\n\
  -r, --revert           revert PATCH (a patch file or a patch name) from\n\
                           PID, or the newest patch when PATCH is omitted\n\
      --repo=DIR         apply to PID (or with --all, to every process) the\n\
                           newest patches of the repository DIR (ulp-repo)\n\
                           for the objects it has loaded, when not applied\n\
  -m, --migrate          after applying PATCH (or alone, with PID only),\n\
                           move each thread still inside a patched object\n\
                           in an older universe to the newest one, when\n\
                           no old version of a changed function is on its\n\
                           stack; name the function holding the others\n\
      --migrate-wait=SECONDS  with --migrate, look again every 0.1 s for\n\
                           SECONDS while a thread is held\n\
      --force-migrate    like --migrate, but move every such thread\n\
                           without looking at its stack (unsafe: old and\n\
                           new code may then run in one call)\n\
  -l, --load-runtime     load the ulp runtime into a process that has none\n\
      --runtime=FILE     the runtime to load (default %s)\n\
  -t, --timeout=SECONDS  give up on a process after SECONDS (default 10)\n\
      --thread=TID       make thread TID, not the runtime's worker thread,\n\
                           call into the runtime\n\
      --stop-all         stop every thread while waking the runtime\n\
      --require-signature  have the runtime load PATCH only with a good\n\
                           signature by a key it trusts\n\
      --trusted-key=PUB  ... and by the Ed25519 public key in the PEM\n\
                           file PUB (implies --require-signature)\n\
  -q, --quiet            print nothing but errors\n\
  -v, --verbose          print each step and how long it took\n\
      --help             display this help and exit\n\
      --version          output version information and exit\n\
\n\
Exit status: 0 when every process ended as asked; 3 no such process;\n\
4 permission denied; 5 already traced; 6 the process exited mid-way;\n\
7 target object not loaded; 8 patch already applied; 9 patch built for\n\
another build; 10 runtime missing; 11 no such applied patch; 12 timeout;\n\
13 unusable patch file; 14 patch file not trusted; 15 signature\n\
missing, bad or by an untrusted key; 2 bad usage; 1 any other failure.\n",
          program_name, program_name, program_name, program_name,
          program_name, ULP_RUNTIME_DEFAULT);
  if (PACKAGE_BUGREPORT[0])
    printf ("\nReport bugs to: <%s>\n", PACKAGE_BUGREPORT);
  exit (0);
}

static pid_t
parse_pid (const char *s)
{
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno || end == s || *end || v <= 0 || v > INT_MAX)
    {
      fprintf (stderr, "%s: invalid process id '%s'\n", program_name, s);
      usage (ULP_EXIT_USAGE);
    }
  return (pid_t) v;
}

int
main (int argc, char **argv)
{
  enum
  {
    OPT_RUNTIME = 256,
    OPT_THREAD,
    OPT_STOP_ALL,
    OPT_HELP,
    OPT_VERSION,
    OPT_REPO,
    OPT_REQUIRE_SIGNATURE,
    OPT_TRUSTED_KEY,
    OPT_FORCE_MIGRATE,
    OPT_MIGRATE_WAIT
  };
  static const char *repo_dir;
  static const struct option longopts[] = {
    { "repo", required_argument, NULL, OPT_REPO },
    { "all", no_argument, NULL, 'a' },
    { "jobs", required_argument, NULL, 'j' },
    { "revert", no_argument, NULL, 'r' },
    { "load-runtime", no_argument, NULL, 'l' },
    { "runtime", required_argument, NULL, OPT_RUNTIME },
    { "timeout", required_argument, NULL, 't' },
    { "thread", required_argument, NULL, OPT_THREAD },
    { "stop-all", no_argument, NULL, OPT_STOP_ALL },
    { "require-signature", no_argument, NULL, OPT_REQUIRE_SIGNATURE },
    { "trusted-key", required_argument, NULL, OPT_TRUSTED_KEY },
    { "migrate", no_argument, NULL, 'm' },
    { "force-migrate", no_argument, NULL, OPT_FORCE_MIGRATE },
    { "migrate-wait", required_argument, NULL, OPT_MIGRATE_WAIT },
    { "quiet", no_argument, NULL, 'q' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, OPT_HELP },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 }
  };
  program_start = pt_now_ns ();
  /* Short sleeps while waiting for replies (mailbox.c) should be short:
     the default slack of 50 us would add to every one of them.  */
  prctl (PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  test_spec = getenv ("ULP_APPLY_TEST");
  if (test_spec)
    {
      if (strstr (test_spec, "break@orig-rax"))
        pt_break |= PT_BREAK_ORIG_RAX;
      if (strstr (test_spec, "break@eintr"))
        pt_break |= PT_BREAK_EINTR;
      if (strstr (test_spec, "break@xstate"))
        pt_break |= PT_BREAK_XSTATE;
    }
  const char *env_rt = getenv ("ULP_RUNTIME");
  if (env_rt && *env_rt)
    opt.runtime = env_rt;
  int c;
  while ((c = getopt_long (argc, argv, "aj:rlt:qvm", longopts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        opt.all = true;
        break;
      case 'j':
        {
          char *end;
          errno = 0;
          unsigned long v = strtoul (optarg, &end, 10);
          if (errno || *end || end == optarg || v < 1 || v > 256)
            {
              fprintf (stderr, "%s: invalid number of jobs '%s' (1 to "
                       "256)\n", program_name, optarg);
              usage (ULP_EXIT_USAGE);
            }
          opt.jobs = v;
        }
        break;
      case 'r':
        opt.revert = true;
        break;
      case 'l':
        opt.load_runtime = true;
        break;
      case OPT_RUNTIME:
        opt.runtime = optarg;
        break;
      case 't':
        {
          char *end;
          opt.timeout = strtod (optarg, &end);
          if (*end || !(opt.timeout > 0))
            {
              fprintf (stderr, "%s: invalid timeout '%s'\n", program_name,
                       optarg);
              usage (ULP_EXIT_USAGE);
            }
        }
        break;
      case OPT_THREAD:
        opt.thread = parse_pid (optarg);
        break;
      case OPT_STOP_ALL:
        opt.stop_all = true;
        break;
      case 'm':
        opt.migrate = true;
        break;
      case OPT_FORCE_MIGRATE:
        opt.migrate = opt.force_migrate = true;
        break;
      case OPT_MIGRATE_WAIT:
        {
          char *end;
          opt.migrate_wait = strtod (optarg, &end);
          if (*end || end == optarg || !(opt.migrate_wait >= 0))
            {
              fprintf (stderr, "%s: invalid --migrate-wait '%s'\n",
                       program_name, optarg);
              usage (ULP_EXIT_USAGE);
            }
          opt.migrate = true;
        }
        break;
      case 'q':
        quiet = true;
        verbose = false;
        break;
      case 'v':
        verbose = true;
        quiet = false;
        break;
      case OPT_HELP:
        usage (0);
        break;
      case OPT_VERSION:
        ulp_print_version ("ulp-apply");
        return 0;
      case OPT_REPO:
        repo_dir = optarg;
        break;
      case OPT_REQUIRE_SIGNATURE:
        require_signature = true;
        break;
      case OPT_TRUSTED_KEY:
        {
          unsigned char key[32];
          char why[600];
          if (sign_read_public_key (optarg, key, why, sizeof why) < 0)
            {
              fprintf (stderr, "%s: --trusted-key: %s\n", program_name, why);
              return ULP_EXIT_USAGE;
            }
          ulp_hex (key, sizeof key, trusted_key_hex);
          require_signature = true;
        }
        break;
      default:
        usage (ULP_EXIT_USAGE);
      }
  int nargs = argc - optind;
  if (require_signature && (repo_dir || opt.revert))
    {
      fprintf (stderr, "%s: --require-signature and --trusted-key are for "
               "applying a patch file, not with --%s\n", program_name,
               repo_dir ? "repo" : "revert");
      usage (ULP_EXIT_USAGE);
    }
  if (opt.migrate && (opt.revert || opt.all || repo_dir))
    {
      fprintf (stderr, "%s: --migrate, --migrate-wait and --force-migrate "
               "are for one PID, not with --revert, --all or --repo\n",
               program_name);
      usage (ULP_EXIT_USAGE);
    }
  if (opt.migrate && nargs == 1)
    {
      if (opt.load_runtime || require_signature)
        {
          fprintf (stderr, "%s: --load-runtime and the signature options "
                   "are for applying a patch\n", program_name);
          usage (ULP_EXIT_USAGE);
        }
      opt.migrate_only = true;
      pid_t pid = parse_pid (argv[optind]);
      return run_jobs (&pid, 1, NULL);
    }
  if (repo_dir)
    {
      struct repo_apply_opts ro = { program_name, opt.all, opt.load_runtime,
                                    opt.runtime, opt.timeout, quiet,
                                    verbose, opt.revert };
      return repo_apply (repo_dir, nargs, argv + optind, &ro);
    }
  if ((opt.all && nargs != 1)
      || (!opt.all && opt.revert && (nargs < 1 || nargs > 2))
      || (!opt.all && !opt.revert && nargs != 2))
    {
      fprintf (stderr, "%s: %s\n", program_name,
               nargs < 1 ? "missing operand" : "wrong number of operands");
      usage (ULP_EXIT_USAGE);
    }
  if (opt.thread && opt.all)
    {
      fprintf (stderr, "%s: --thread names a thread of one process\n",
               program_name);
      usage (ULP_EXIT_USAGE);
    }

  static struct patchinfo pi;
  const char *patch_arg = opt.all ? argv[optind]
                          : nargs == 2 ? argv[optind + 1] : NULL;
  if (patch_arg)
    {
      const char *err;
      struct stat st;
      if (opt.revert && !opt.all && stat (patch_arg, &st) < 0
          && !strchr (patch_arg, '/'))
        revert_name = patch_arg;   /* A name, not a file.  */
      else if (patchinfo_read (patch_arg, &pi, &err) < 0)
        {
          fprintf (stderr, "%s: %s: %s\n", program_name, patch_arg, err);
          return ULP_EXIT_BAD_PATCH;
        }
      else
        {
          patch = &pi;
          if (opt.revert)
            revert_name = pi.name;
        }
    }

  if (opt.all)
    return run_all (pi.target);
  pid_t pid = parse_pid (argv[optind]);
  return run_jobs (&pid, 1, NULL);
}
