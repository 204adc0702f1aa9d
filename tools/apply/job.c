/* job.c -- ulp-apply's work on one process.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A job (apply.h) goes in two halves, so that run.c can send every
   process its request before waiting for any reply: job_send opens
   the process, checks it, plans the request, loads the runtime when
   asked, takes the per-process lock and sends; job_receive waits for
   the reply, arms a lazily armed target object and asks again, moves
   the threads left behind (--migrate, migrate.c) and reports.  Each
   process gets one line: what was done, or, on stderr, why not.  With
   --repo the request is "status" and repo-job.c takes over the
   reply.  */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "apply.h"
#include "arm-check.h"
#include "loadrt.h"
#include "migrate.h"
#include "objfile.h"
#include "patchinfo.h"
#include "proclock.h"
#include "ptrace-inject.h"

/* ------------------------------------------------------------------ */
/* Output.                                                             */
/* ------------------------------------------------------------------ */

static void
say_error (pid_t pid, const struct outcome *oc)
{
  /* --repo says "failed" before the reason, as it does for a patch
     (repo-job.c).  */
  tool_say (pid, "%s%s", repo ? "failed: " : "", oc->message);
}

/* --verbose: one step of one process.  --repo prints a summary per
   process instead (repo-job.c).  */
static void
say_step (pid_t pid, const char *step, uint64_t ns, const char *extra)
{
  if (verbose && !repo)
    tool_say (pid, "%s: %.3f ms%s", step, ns / 1e6, extra ? extra : "");
}

static void
say_times (pid_t pid, const struct mailbox_times *tm, size_t nthreads)
{
  if (!verbose)
    return;
  char extra[64];
  snprintf (extra, sizeof extra, " (%zu of %zu threads stopped)", tm->stopped,
            nthreads);
  if (tm->start)
    say_step (pid, "start-worker", tm->start, NULL);
  say_step (pid, "attach", tm->attach, extra);
  say_step (pid, "write", tm->write, NULL);
  say_step (pid, "kick", tm->kick, NULL);
  say_step (pid, "detach", tm->detach, NULL);
  say_step (pid, "pause", tm->pause, NULL);
}

/* ------------------------------------------------------------------ */
/* The job's state.                                                    */
/* ------------------------------------------------------------------ */

void
job_finish (struct job *j, int status)
{
  j->done = true;
  j->end = pt_now_ns ();
  j->status = status;
  if (j->lock >= 0)
    proclock_release (j->lock);
  j->lock = -1;
}

void
job_fail (struct job *j, const struct outcome *oc)
{
  say_error (j->pid, oc);
  job_finish (j, oc->status);
}

static uint64_t
job_deadline (const struct job *j)
{
  return j->start + (uint64_t) (opt.timeout * 1e9);
}

uint64_t
job_time_left (const struct job *j)
{
  uint64_t end = job_deadline (j), now = pt_now_ns ();
  return end > now ? end - now : 0;
}

struct mailbox_opts
job_mailbox_opts (const struct job *j)
{
  struct mailbox_opts mo = { opt.thread, opt.stop_all, job_time_left (j),
                             test_hook };
  return mo;
}

/* ------------------------------------------------------------------ */
/* Arming the target object.                                           */
/* ------------------------------------------------------------------ */

/* Arm the tracking of the object SONAME before a patch can land
   (arm-check.c).  */
static int
job_arm (struct job *j, const struct mailbox_opts *mo, const char *soname,
         struct outcome *oc)
{
  uint64_t t0 = pt_now_ns ();
  struct arm_summary sum;
  if (arm_object (&j->t, mo, soname, job_deadline (j), &sum, oc) < 0)
    return -1;
  j->armed_now = sum.armed_now;
  if (sum.unchecked > 0)
    {
      tool_warning (j->pid, "%zu thread%s could not be checked for calls into "
                    "%s made before its tracking was armed", sum.unchecked,
                    sum.unchecked == 1 ? "" : "s", soname);
    }
  if (verbose && (sum.armed_now || sum.program))
    {
      char extra[128];
      snprintf (extra, sizeof extra, " (%zu thread%s %s)", sum.seeded,
                sum.seeded == 1 ? "" : "s",
                sum.program ? "pinned" : "inside");
      say_step (j->pid, "arm", pt_now_ns () - t0, extra);
    }
  return 0;
}

int
job_arm_and_ask (struct job *j, const char *soname, const char *request,
                 struct mailbox_reply *rep, struct mailbox_times *tm,
                 struct outcome *oc)
{
  free (rep->text);
  rep->text = NULL;
  j->armed_now = false;
  struct mailbox_opts mo = job_mailbox_opts (j);
  if (job_arm (j, &mo, soname, oc) < 0)
    return -1;
  if (mailbox_call (&j->t, request, &mo, rep, tm, oc) < 0)
    {
      job_unarm (j, soname);
      return -2;
    }
  return 0;
}

void
job_unarm (struct job *j, const char *soname)
{
  if (!j->armed_now)
    return;
  struct mailbox_opts mo = { opt.thread, opt.stop_all, 1000000000,
                             test_hook };
  arm_undo (&j->t, &mo, soname);
  j->armed_now = false;
}

/* ------------------------------------------------------------------ */
/* Sending.                                                            */
/* ------------------------------------------------------------------ */

struct find_ctx
{
  const struct patchinfo *pi;
  bool soname_seen;
  bool match;
  char other_build[129];
  struct stat exe;       /* the process's program (/proc/PID/exe).  */
  bool program;          /* the match is that program.  */
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
      uint64_t dev, ino;
      objfile_id (of, &dev, &ino);
      c->program = dev == (uint64_t) c->exe.st_dev
                   && ino == (uint64_t) c->exe.st_ino;
      return false;
    }
  snprintf (c->other_build, sizeof c->other_build, "%s",
            *objfile_build_id (of) ? objfile_build_id (of) : "(none)");
  return true;
}

/* The identity of T's program (/proc/PID/exe) in *ST; false if gone.  */
static bool
program_stat (const struct target *t, struct stat *st)
{
  char exe[64];
  snprintf (exe, sizeof exe, "/proc/%d/exe", (int) t->pid);
  return stat (exe, st) == 0;
}

/* Whether the target object is mapped: 1 with the right build (and
   *PROGRAM whether it is the process's program), 0 not mapped, -1
   another build (*OC filled).  */
static int
check_target_object (struct target *t, const struct patchinfo *pi,
                     bool *program, struct outcome *oc)
{
  struct find_ctx c = { .pi = pi };
  bool have_exe = program_stat (t, &c.exe);
  target_each_object (t, find_target_cb, &c);
  *program = have_exe && c.program;
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

/* Whether the process's program is live-patchable: then ulp-apply
   pins its threads at every patch of it and moves them on by checking
   their stacks (arm-check.c, migrate.c), after a revert too.  */

struct program_ctx
{
  dev_t dev;
  ino_t ino;
  bool patchable;         /* the program has ulp records.  */
};

static bool
program_cb (struct target *t, const struct proc_map *m, struct objfile *of,
            void *data)
{
  (void) t;
  (void) m;
  struct program_ctx *c = data;
  uint64_t dev, ino;
  objfile_id (of, &dev, &ino);
  if (dev != (uint64_t) c->dev || ino != (uint64_t) c->ino)
    return true;
  struct ulp_note note;
  c->patchable = objfile_ulp_note (of, &note);
  return false;
}

static bool
live_patchable_program (struct target *t)
{
  struct stat st;
  if (!program_stat (t, &st))
    return false;
  struct program_ctx c = { st.st_dev, st.st_ino, false };
  target_each_object (t, program_cb, &c);
  return c.patchable;
}

/* Open J's process, with the maps the --all scan read.  false when J is
   done.  */
static bool
job_open (struct job *j)
{
  struct outcome oc;
  if (target_open_maps (&j->t, j->pid, false, j->maps.v ? &j->maps : NULL,
                        &oc) < 0)
    {
      if (opt.all && oc.status == ULP_EXIT_NO_PROCESS)
        {
          /* Gone since the scan: it no longer has the object either.  */
          if (verbose)
            say_error (j->pid, &oc);
          job_finish (j, ULP_EXIT_OK);
          return false;
        }
      job_fail (j, &oc);
      return false;
    }
  j->opened = true;
  pid_t *tids;
  if (verbose && procfs_tasks (j->pid, &tids, &j->nthreads) == 0)
    free (tids);
  say_step (j->pid, "open", pt_now_ns () - j->start, NULL);
  return true;
}

/* Whether J's process can be worked on at all.  */
static bool
job_check_process (struct job *j)
{
  struct outcome oc;
  if (j->t.status.state == 'T')
    /* Its worker could not answer until the process is continued.  */
    outcome_fail (&oc, ULP_EXIT_FAIL, "the process is stopped (SIGSTOP "
                  "or similar): continue it first");
  else if (j->t.status.shadow_stack)
    outcome_fail (&oc, ULP_EXIT_FAIL, "the process uses shadow stacks "
                  "(CET), which ulp-apply does not support");
  else
    return true;
  job_fail (j, &oc);
  return false;
}

/* The request J sends, in J->request, once what it needs from the
   process is checked.  */
static bool
job_plan (struct job *j)
{
  struct outcome oc;
  if (repo)
    snprintf (j->request, sizeof j->request, "%s", request_status ());
  else if (opt.migrate_only)
    snprintf (j->request, sizeof j->request, "%s", request_migrate_info ());
  else if (!opt.revert)
    {
      if (check_target_object (&j->t, patch, &j->program, &oc) <= 0)
        {
          job_fail (j, &oc);
          return false;
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
          job_fail (j, &oc);
          return false;
        }
      if (opt.require_signature)
        request_apply_flags (j->request, sizeof j->request,
                             ULP_APPLY_REQUIRE_SIGNATURE, opt.trusted_key_hex,
                             patch->path);
      else
        request_apply (j->request, sizeof j->request, patch->path);
    }
  else
    {
      if (revert_name)
        request_revert_name (j->request, sizeof j->request, revert_name);
      else
        request_revert (j->request, sizeof j->request, 0);
      /* A revert moves the program's threads on too, if it has any
         behind.  */
      j->program = live_patchable_program (&j->t);
    }
  return true;
}

/* Find the runtime in J's process, loading it when --load-runtime asks
   (under the lock, taken here then), and libc.  */
static bool
job_find_runtime (struct job *j)
{
  struct outcome oc;
  bool applying = !opt.revert && !opt.migrate_only;
  target_find_runtime (&j->t, &oc);
  if (!j->t.has_runtime && opt.load_runtime && applying)
    {
      struct loadrt_times lt;
      uint64_t t0 = pt_now_ns ();
      j->lock = proclock_acquire (j->pid, j->t.starttime, job_deadline (j),
                                  &oc);
      if (j->lock < 0
          || loadrt_load (&j->t, opt.runtime, job_deadline (j), test_hook,
                          &lt, &oc) < 0)
        {
          job_fail (j, &oc);
          return false;
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
                    "not loaded%s", applying ? "; --load-runtime loads it"
                    : "");
      job_fail (j, &oc);
      return false;
    }
  if (target_find_libc (&j->t, &oc) < 0)
    {
      job_fail (j, &oc);
      return false;
    }
  return true;
}

/* Take the lock on J's process, unless loading the runtime did.  */
static bool
job_lock (struct job *j)
{
  if (j->lock >= 0)
    return true;
  struct outcome oc;
  uint64_t t0 = pt_now_ns ();
  j->lock = proclock_acquire (j->pid, j->t.starttime, job_deadline (j), &oc);
  if (j->lock < 0)
    {
      job_fail (j, &oc);
      return false;
    }
  say_step (j->pid, "lock", pt_now_ns () - t0, NULL);
  return true;
}

void
job_send (struct job *j)
{
  j->lock = -1;
  j->start = pt_now_ns ();
  if (!job_open (j))
    return;
  /* --repo first looks whether the process needs anything: one that
     needs nothing is left alone, whatever its state.  */
  if (repo && !repo_job_select (j))
    return;
  if (!job_check_process (j) || !job_plan (j) || !job_find_runtime (j)
      || !job_lock (j))
    return;
  test_hook ("locked");

  struct outcome oc;
  struct mailbox_opts mo = job_mailbox_opts (j);
  /* A patch of the program: its threads are pinned to the current
     universe first, each from its outermost frame in the program.  */
  if (j->program && !opt.revert && !repo
      && job_arm (j, &mo, patch->target, &oc) < 0)
    {
      job_fail (j, &oc);
      return;
    }
  if (mailbox_send (&j->t, j->request, &mo, &j->pending, &j->times, &oc) < 0)
    {
      job_fail (j, &oc);
      return;
    }
  j->sent = true;
  say_times (j->pid, &j->times, j->nthreads);
  if (verbose && j->pending.kick_error[0])
    tool_say (j->pid, "the kick failed (the worker serves the request "
              "anyway): %s", j->pending.kick_error);
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

/* Report what became of each thread of R; the number still held.  */
static long
report_migration (const struct job *j, const struct migrate_result *r)
{
  long held = 0;
  size_t forced = 0;
  for (size_t i = 0; i < r->nthreads; i++)
    {
      const struct migrate_thread *mt = &r->threads[i];
      const char *so = r->objects[mt->object].soname;
      if (mt->fate == MIGRATE_HELD)
        held++;
      if (mt->fate == MIGRATE_FORCED)
        forced++;
      if (verbose)
        tool_say (j->pid, "thread %d (%s): %s, %u frames%s, stopped %.3f ms",
                  (int) mt->tid, so, fate_name (mt->fate), mt->frames,
                  mt->in_syscall ? " (in a system call)" : "",
                  mt->pause_ns / 1e6);
      if (quiet)
        continue;
      if (mt->fate == MIGRATE_MOVED || mt->fate == MIGRATE_FORCED)
        printf ("PID %d: thread %d %s to universe %llu of %s\n",
                (int) j->pid, (int) mt->tid,
                mt->fate == MIGRATE_FORCED ? "forced" : "migrated",
                (unsigned long long) r->objects[mt->object].newest, so);
      else if (mt->fate == MIGRATE_HELD && mt->frame >= 0)
        printf ("PID %d: thread %d not migrated in %s: held by %s "
                "(frame %d)\n", (int) j->pid, (int) mt->tid, so,
                mt->what, mt->frame);
      else if (mt->fate == MIGRATE_HELD)
        printf ("PID %d: thread %d not migrated in %s: %s\n",
                (int) j->pid, (int) mt->tid, so, mt->what);
    }
  if (forced)
    tool_warning (j->pid, "%zu thread%s forced to the newest universe without "
                  "a look at %s stack: old and new code may now run in the "
                  "same call", forced, forced == 1 ? "" : "s",
                  forced == 1 ? "its" : "their");
  if (verbose && r->nthreads)
    tool_say (j->pid, "migrate: %zu thread%s, setup %.3f ms (nothing "
              "stopped), longest stop of a thread %.3f ms", r->nthreads,
              r->nthreads == 1 ? "" : "s", r->setup_ns / 1e6,
              r->max_pause_ns / 1e6);
  fflush (stdout);
  return held;
}

/* Tell the runtime, for ulp-status, the states of threads it did not
   know (they were there before it came), then what held each thread
   (and no longer what held those that moved).  */
static void
register_migration (struct job *j, const struct migrate_result *r,
                    struct mailbox_opts *mo)
{
  for (size_t k = 0; k < r->nobjects; k++)
    for (int pass = 0; pass < 2; pass++)
      {
        char req[4096];
        struct mailbox_reply rep;
        struct mailbox_times tm;
        struct outcome roc;
        mo->timeout_ns = job_time_left (j);
        if ((pass == 0 ? migrate_register_request (r, k, req, sizeof req)
                       : migrate_held_request (r, k, req, sizeof req))
            && mailbox_call (&j->t, req, mo, &rep, &tm, &roc) == 0)
          free (rep.text);
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
  uint64_t deadline = job_deadline (j);
  if (until > deadline)
    until = deadline;
  struct mailbox_opts mo = { opt.thread, opt.stop_all, 0, test_hook };
  long held = 0;
  for (;;)
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
      held = report_migration (j, &r);
      register_migration (j, &r, &mo);
      migrate_result_free (&r);
      if (held == 0 || pt_now_ns () >= until)
        break;
      /* --migrate-wait: the threads move on; look again shortly.  */
      struct timespec ts = { 0, 100000000 };
      nanosleep (&ts, NULL);
      struct mailbox_reply rep;
      struct mailbox_times tm;
      mo.timeout_ns = job_time_left (j);
      if (mailbox_call (&j->t, request_migrate_info (), &mo, &rep, &tm, oc)
          < 0)
        return -1;
      if (mailbox_refused (&rep, oc) < 0)
        return -1;
      info = rep.text;
    }
  return held;
}

/* After an apply (or alone, with --migrate and no patch): check the
   stacks of the threads that stay inside the patched object and move
   them.  REPLY is the reply to the request, migrate-info's when that
   was all.  */
static void
job_migrate_threads (struct job *j, char *reply)
{
  struct outcome oc;
  char *info = reply;
  bool replied = opt.migrate_only;
  if (!opt.migrate_only)
    {
      free (reply);
      info = NULL;
      struct mailbox_opts mo = job_mailbox_opts (j);
      struct mailbox_reply rep;
      struct mailbox_times tm;
      bool called = mailbox_call (&j->t, request_migrate_info (), &mo, &rep,
                                  &tm, &oc) == 0;
      if (called && mailbox_refused (&rep, &oc) == 0)
        {
          info = rep.text;
          replied = true;
        }
    }
  /* A reply without text too: migrate_threads finds it not
     readable.  */
  long held = replied ? job_migrate (j, info, &oc) : -1;
  if (held < 0 && opt.migrate_only)
    {
      job_fail (j, &oc);
      return;
    }
  if (held < 0 && opt.revert)
    tool_warning (j->pid, "the patch is reverted, but the threads behind "
                  "were not moved: %s", oc.message);
  else if (held < 0)
    tool_warning (j->pid, "the patch is applied, but the threads behind were "
                  "not moved: %s", oc.message);
  if (held > 0 && !opt.migrate_only && opt.revert)
    tool_warning (j->pid, "the patch is reverted, but %ld thread%s could not "
                  "migrate yet ('%s --migrate %d' tries again)", held,
                  held == 1 ? "" : "s", program_name, (int) j->pid);
  else if (held > 0 && !opt.migrate_only)
    tool_warning (j->pid, "the patch is applied, but %ld thread%s could not "
                  "migrate yet ('%s --migrate %d' tries again)", held,
                  held == 1 ? "" : "s", program_name, (int) j->pid);
  else if (held > 0)
    {
      outcome_fail (&oc, ULP_EXIT_FAIL, "%ld thread%s could not "
                    "migrate", held, held == 1 ? "" : "s");
      job_fail (j, &oc);
      return;
    }
  job_finish (j, ULP_EXIT_OK);
}

/* ------------------------------------------------------------------ */
/* Receiving.                                                          */
/* ------------------------------------------------------------------ */

void
job_receive (struct job *j)
{
  struct outcome oc;
  struct mailbox_reply rep;
  if (mailbox_receive (&j->t, &j->pending, &rep, &j->times, &oc) < 0)
    {
      job_fail (j, &oc);
      return;
    }
  say_step (j->pid, "wait", j->times.wait, NULL);
  if (repo)
    {
      repo_job_receive (j, &rep);
      return;
    }
  bool applying = !opt.revert && !opt.migrate_only;
  struct mailbox_times tm;
  if (rep.result < 0 && rep.error.code == ULP_E_NOT_ARMED && applying
      && job_arm_and_ask (j, patch->target, j->request, &rep, &tm, &oc) < 0)
    {
      job_fail (j, &oc);
      return;
    }
  say_step (j->pid, "total", pt_now_ns () - program_start, NULL);
  if (mailbox_refused (&rep, &oc) < 0)
    {
      if (applying)
        job_unarm (j, patch->target);
      job_fail (j, &oc);
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
  if ((opt.migrate && !opt.revert) || (j->program && !opt.migrate_only))
    job_migrate_threads (j, rep.text);
  else
    {
      free (rep.text);
      job_finish (j, ULP_EXIT_OK);
    }
}
