/* ulp-status -- show the live-patching state of running processes.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   For each live-patchable process (one that has an object with a ULP
   note mapped), or each process named: its live-patchable objects with
   their current universe, the patches applied to each (from the
   runtime), and every thread's universe and depth in each object,
   flagging the threads that still live in an older universe.

   Object and thread states are read from the process's memory while it
   runs (threadlist.c): nothing is stopped for them.  The patch list
   belongs to the runtime; it is asked for through the mailbox, which
   stops the runtime's own worker thread for some microseconds and no
   application thread.  --passive skips that too, and then shows the
   patch objects that are mapped, without their state.  */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailbox.h"
#include "objfile.h"
#include "outcome.h"
#include "patchinfo.h"
#include "proclock.h"
#include "ptrace-inject.h"
#include "reply-json.h"
#include "target.h"
#include "threadlist.h"
#include "tool-report.h"
#include "ulp-json-escape.h"

static bool opt_json, opt_passive, opt_verbose;
static double opt_timeout = 5.0;

/* ------------------------------------------------------------------ */
/* What is gathered about a process.                                   */
/* ------------------------------------------------------------------ */

enum thread_view
{
  TV_UNKNOWN,     /* its TLS could not be read.  */
  TV_NEVER,       /* never entered the object (universe 0).  */
  TV_CURRENT,     /* in the object's newest universe.  */
  TV_BEHIND       /* in an older universe: not migrated yet.  */
};

struct thread_state
{
  pid_t tid;
  enum thread_view view;
  uint64_t universe, depth;
};

struct object
{
  char soname[256];
  char path[4096];
  char build_id[129];
  bool boundary;
  bool universe_known;
  uint64_t universe;
  struct thread_state *threads;
  size_t nthreads;
};

struct mapped_patch
{
  char path[4096];
  char name[128];
  char target[256];
  uint32_t version;            /* 0: unversioned.  */
};

struct process
{
  pid_t pid;
  char comm[64];
  struct object *objs;
  size_t nobjs;
  struct mapped_patch *patches;
  size_t npatches;
  bool has_runtime;
  char runtime_path[4096];
  uint32_t worker;
  bool worker_started;       /* by this run's request.  */
  char *runtime_json;          /* the runtime's reply, or NULL.  */
  json_object *runtime;        /* parsed.  */
  char note[OUTCOME_MESSAGE_SIZE];  /* why something is missing, or
                                      "".  */
  char threads_note[200];
};

struct gather_ctx
{
  struct process *p;
  bool failed;
};

static bool
gather_cb (struct target *t, const struct proc_map *m, struct objfile *of,
           void *data)
{
  struct gather_ctx *c = data;
  struct process *p = c->p;
  struct ulp_note note;
  if (!objfile_ulp_note (of, &note))
    return true;
  if (note.patch_table)
    {
      struct mapped_patch *np = realloc (p->patches, (p->npatches + 1)
                                                     * sizeof *np);
      if (!np)
        {
          c->failed = true;
          return false;
        }
      p->patches = np;
      struct mapped_patch *mp = &np[p->npatches++];
      memset (mp, 0, sizeof *mp);
      snprintf (mp->path, sizeof mp->path, "%s", m->path);
      struct patchinfo pi;
      /* The runtime loads a sealed in-memory copy of each patch (its
         maps show "/memfd:ulp:NAME (deleted)"): map_files reaches that
         copy; the path is the fallback where map_files is refused.  */
      char mf[96];
      snprintf (mf, sizeof mf, "/proc/%d/map_files/%llx-%llx", (int) t->pid,
                (unsigned long long) m->start, (unsigned long long) m->end);
      if (patchinfo_read (mf, &pi, NULL) == 0
          || patchinfo_read (m->path, &pi, NULL) == 0)
        {
          snprintf (mp->name, sizeof mp->name, "%s", pi.name);
          snprintf (mp->target, sizeof mp->target, "%s", pi.target);
          mp->version = pi.version;
        }
      return true;
    }
  struct object *no = realloc (p->objs, (p->nobjs + 1) * sizeof *no);
  if (!no)
    {
      c->failed = true;
      return false;
    }
  p->objs = no;
  struct object *o = &no[p->nobjs++];
  memset (o, 0, sizeof *o);
  snprintf (o->soname, sizeof o->soname, "%s", objfile_soname (of));
  snprintf (o->path, sizeof o->path, "%s", m->path);
  snprintf (o->build_id, sizeof o->build_id, "%s", objfile_build_id (of));
  o->boundary = note.object_state != 0 && note.thread_state != 0;
  uint64_t bias;
  if (!note.object_state || !objfile_bias (of, m, &bias))
    return true;
  struct ulp_object_state os;
  if (target_read (t, bias + note.object_state, &os, sizeof os) == 0)
    {
      o->universe = os.universe;
      o->universe_known = true;
    }
  return true;
}

/* Each thread's state for every boundary-tracked object.  */
static void
read_threads (struct target *t, struct process *p)
{
  pid_t *tids;
  size_t ntids;
  if (procfs_tasks (t->pid, &tids, &ntids) != 0)
    return;
  struct threadlist tl;
  struct outcome why;
  bool libs = t->libc && t->ldso;
  bool have_tl = libs && threadlist_read (t, &tl, &why) == 0;
  if (!have_tl)
    snprintf (p->threads_note, sizeof p->threads_note,
              "thread states unknown: %.170s",
              libs ? why.message : "no C library");
  for (size_t i = 0; i < p->nobjs; i++)
    {
      struct object *o = &p->objs[i];
      if (!o->boundary)
        continue;
      o->threads = calloc (ntids, sizeof *o->threads);
      if (!o->threads)
        continue;
      o->nthreads = ntids;
      /* Where __ulp_thread sits in the object's TLS block.  */
      const struct proc_map *m = NULL;
      for (size_t k = 0; k < t->maps.n && !m; k++)
        if (strcmp (t->maps.v[k].path, o->path) == 0)
          m = &t->maps.v[k];
      struct objfile *of = m ? objfile_get (t->pid, m, NULL) : NULL;
      struct ulp_note note;
      uint64_t bias = 0, tls_vaddr = 0, tls_size = 0;
      bool where = of && objfile_ulp_note (of, &note)
                   && objfile_bias (of, m, &bias)
                   && objfile_tls (of, &tls_vaddr, &tls_size)
                   && note.thread_state >= tls_vaddr;
      for (size_t k = 0; k < ntids; k++)
        {
          struct thread_state *ts = &o->threads[k];
          ts->tid = tids[k];
          ts->view = TV_UNKNOWN;
          if (!have_tl || !where)
            continue;
          const struct tl_thread *th = threadlist_find (&tl, tids[k]);
          if (!th)
            continue;
          struct ulp_thread_state st;
          int r = threadlist_tls_read (t, &tl, th, bias,
                                       note.thread_state - tls_vaddr, &st,
                                       sizeof st);
          if (r == 0)
            ts->view = TV_NEVER;
          else if (r > 0)
            {
              ts->universe = st.universe;
              ts->depth = st.depth;
              ts->view = st.universe == 0 ? TV_NEVER
                         : o->universe_known && st.universe < o->universe
                           ? TV_BEHIND : TV_CURRENT;
            }
        }
    }
  if (have_tl)
    threadlist_free (&tl);
  free (tids);
}

static void
ask_runtime (struct target *t, struct process *p)
{
  struct outcome oc;
  if (target_find_runtime (t, &oc) < 0 || !t->has_runtime)
    return;
  p->has_runtime = true;
  snprintf (p->runtime_path, sizeof p->runtime_path, "%s", t->runtime_path);
  struct ulp_control hdr;
  if (mailbox_published (t, &hdr, &oc) < 0)
    {
      snprintf (p->note, sizeof p->note, "%s", oc.message);
      return;
    }
  /* 0 when no tool asked the runtime anything yet: the status request
     below starts its worker.  */
  p->worker = hdr.worker_tid;
  if (opt_passive)
    return;
  if (t->status.tracer)
    {
      snprintf (p->note, sizeof p->note, "patches not asked for: the "
                "process is traced by process %d", (int) t->status.tracer);
      return;
    }
  if (!t->restorer && target_find_libc (t, &oc) < 0)
    {
      snprintf (p->note, sizeof p->note, "%s", oc.message);
      return;
    }
  uint64_t deadline = pt_now_ns () + (uint64_t) (opt_timeout * 1e9);
  int lock = proclock_acquire (t->pid, t->starttime, deadline, &oc);
  if (lock < 0)
    {
      snprintf (p->note, sizeof p->note, "%s", oc.message);
      return;
    }
  struct mailbox_opts mo = { 0, false, deadline - pt_now_ns (), NULL };
  struct mailbox_reply rep;
  struct mailbox_times tm;
  if (mailbox_call (t, request_status (), &mo, &rep, &tm, &oc) < 0)
    snprintf (p->note, sizeof p->note, "%s", oc.message);
  else if (rep.result < 0)
    snprintf (p->note, sizeof p->note, "the runtime did not report: %s",
              rep.error.message);
  else if (!rep.text || !(p->runtime = reply_json_parse (rep.text)))
    {
      /* Damaged or hostile: no JSON, or nested too deep.  */
      snprintf (p->note, sizeof p->note, "the runtime's status reply is not "
                "readable");
      free (rep.text);
    }
  else
    p->runtime_json = rep.text;
  if (!p->worker && mailbox_check (t, &hdr, &oc) == 0)
    {
      p->worker = hdr.worker_tid;
      p->worker_started = true;
    }
  proclock_release (lock);
}

/* Gather process PID.  0: shown; 1: not live-patchable; -1: error.  */
/* Milliseconds on the monotonic clock, for -v.  */
static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
gather (pid_t pid, struct process *p, bool named, struct outcome *oc)
{
  memset (p, 0, sizeof *p);
  p->pid = pid;
  struct target t;
  /* -v: the time of each step, printed once the process is known to
     be shown (every process is looked at when none is named).  */
  double t0 = now_ms (), t_open, t_objects, t_threads;
  if (target_open (&t, pid, true, oc) < 0)
    return -1;
  t_open = now_ms ();
  snprintf (p->comm, sizeof p->comm, "%s", t.comm);
  struct gather_ctx c = { p, false };
  target_each_object (&t, gather_cb, &c);
  t_objects = now_ms ();
  if (c.failed)
    {
      target_close (&t);
      return outcome_fail (oc, ULP_EXIT_FAIL, "out of memory");
    }
  if (p->nobjs == 0 && !named)
    {
      target_close (&t);
      return 1;
    }
  struct outcome ignore;
  target_find_libc (&t, &ignore);
  target_find_ldso (&t, &ignore);
  read_threads (&t, p);
  t_threads = now_ms ();
  ask_runtime (&t, p);
  if (p->worker_started)
    {
      /* The request started the runtime's worker: list it too.  */
      for (size_t i = 0; i < p->nobjs; i++)
        {
          free (p->objs[i].threads);
          p->objs[i].threads = NULL;
          p->objs[i].nthreads = 0;
        }
      read_threads (&t, p);
    }
  target_close (&t);
  if (opt_verbose)
    {
      double end = now_ms ();
      tool_say (pid, "open: %.3f ms", t_open - t0);
      tool_say (pid, "objects: %.3f ms (%zu live-patchable)",
                t_objects - t_open, p->nobjs);
      tool_say (pid, "threads: %.3f ms", t_threads - t_objects);
      tool_say (pid, "runtime: %.3f ms%s", end - t_threads,
                opt_passive ? " (passive: not asked)" : "");
      tool_say (pid, "total: %.3f ms", end - t0);
    }
  return 0;
}

static void
process_free (struct process *p)
{
  for (size_t i = 0; i < p->nobjs; i++)
    free (p->objs[i].threads);
  free (p->objs);
  free (p->patches);
  free (p->runtime_json);
  json_object_put (p->runtime);
}

/* ------------------------------------------------------------------ */
/* Output.                                                             */
/* ------------------------------------------------------------------ */

static void
put_stdout (void *arg, const char *bytes, size_t n)
{
  fwrite (bytes, 1, n, arg);
}

/* S as a JSON string.  Names go out byte for byte, as the runtime's own
   document (runtime_status) gives them.  */
static void
json_str (const char *s)
{
  ulp_json_escape (s, 0, put_stdout, stdout);
}

static const char *
view_name (enum thread_view v)
{
  switch (v)
    {
    case TV_NEVER:
      return "never entered";
    case TV_CURRENT:
      return "migrated";
    case TV_BEHIND:
      return "not migrated";
    default:
      return "unknown";
    }
}

static json_object *
runtime_patches (const struct process *p)
{
  return reply_json_member (p->runtime, "patches", json_type_array);
}

/* The runtime's description of object O, matched by path, or NULL
   (no runtime asked, or it has not attached to O).  */
static json_object *
runtime_object (const struct process *p, const struct object *o)
{
  json_object *v = reply_json_member (p->runtime, "objects", json_type_array);
  size_t n = v ? json_object_array_length (v) : 0;
  for (size_t k = 0; k < n; k++)
    if (strcmp (reply_json_str (json_object_array_get_idx (v, k), "path", ""),
                o->path) == 0)
      return json_object_array_get_idx (v, k);
  for (size_t k = 0; k < n; k++)
    if (strcmp (reply_json_str (json_object_array_get_idx (v, k), "soname",
                                ""), o->soname) == 0)
      return json_object_array_get_idx (v, k);
  return NULL;
}

/* How many of O's exported functions are no tracked entry, as the
   runtime found at the object's first patch; -1 when not known.  The
   first few names go to *NAMES.  */
static long long
untracked_exports (const struct process *p, const struct object *o,
                   json_object **names)
{
  json_object *ro = runtime_object (p, o);
  *names = reply_json_member (ro, "untracked_examples", json_type_array);
  return reply_json_int (ro, "untracked_exports", -1);
}

/* What held thread TID in object SONAME at ulp-apply's last look
   (ulp-apply --migrate), as the runtime recorded it: the function, with
   its frame number in *FRAME, or a reason with *FRAME -1; NULL when
   nothing does.  */
static const char *
held_by (const struct process *p, const char *soname, pid_t tid, int *frame)
{
  json_object *objs = reply_json_member (p->runtime, "objects",
                                         json_type_array);
  size_t nobjs = objs ? json_object_array_length (objs) : 0;
  for (size_t i = 0; i < nobjs; i++)
    {
      json_object *jo = json_object_array_get_idx (objs, i);
      if (strcmp (reply_json_str (jo, "soname", ""), soname) != 0)
        continue;
      json_object *th = reply_json_member (jo, "threads", json_type_array);
      size_t nth = th ? json_object_array_length (th) : 0;
      for (size_t k = 0; k < nth; k++)
        {
          json_object *jt = json_object_array_get_idx (th, k);
          json_object *h;
          if (reply_json_int (jt, "tid", 0) != tid
              || !json_object_object_get_ex (jt, "held_by", &h))
            continue;
          *frame = (int) reply_json_int (h, "frame", -1);
          return reply_json_str (h, "function", NULL)
                 ? reply_json_str (h, "function", NULL)
                 : reply_json_str (h, "reason", NULL);
        }
    }
  return NULL;
}

/* Name K of the array NAMES of a runtime object's
   "untracked_examples", or "?" when it is no string.  */
static const char *
example_name (json_object *names, size_t k)
{
  json_object *v = json_object_array_get_idx (names, k);
  return json_object_is_type (v, json_type_string)
         ? json_object_get_string (v) : "?";
}

static void
print_text (const struct process *p)
{
  printf ("PID %d (%s)\n", (int) p->pid, p->comm);
  if (p->has_runtime)
    {
      printf ("  runtime: %s", p->runtime_path);
      if (p->worker)
        printf (" (worker thread %u)", p->worker);
      else
        printf (" (no worker thread: never asked)");
      printf ("\n");
    }
  else
    printf ("  runtime: not loaded\n");
  if (p->note[0])
    printf ("  note: %s\n", p->note);
  if (p->threads_note[0])
    printf ("  note: %s\n", p->threads_note);
  if (p->nobjs == 0)
    printf ("  no live-patchable object\n");
  json_object *pl = runtime_patches (p);
  size_t npl = pl ? json_object_array_length (pl) : 0;
  for (size_t i = 0; i < p->nobjs; i++)
    {
      const struct object *o = &p->objs[i];
      printf ("  object %s", o->soname);
      if (o->universe_known)
        printf (" universe %llu", (unsigned long long) o->universe);
      printf (" (%s%s%s)\n", o->path, o->build_id[0] ? ", build-id " : "",
              o->build_id);
      json_object *names;
      long long untracked = untracked_exports (p, o, &names);
      size_t nnames = names ? json_object_array_length (names) : 0;
      if (untracked > 0)
        {
          printf ("    warning: %lld exported function%s not tracked (",
                  untracked, untracked == 1 ? " is" : "s are");
          for (size_t k = 0; k < nnames; k++)
            printf ("%s%s", k ? ", " : "", example_name (names, k));
          printf ("%s): consistency is not guaranteed for calls entering "
                  "through %s\n", names && (long long) nnames < untracked
                                  ? ", ..." : "",
                  untracked == 1 ? "it" : "them");
        }
      for (size_t k = 0; k < npl; k++)
        {
          json_object *e = json_object_array_get_idx (pl, k);
          if (strcmp (reply_json_str (e, "target", ""), o->soname) != 0)
            continue;
          const char *state = reply_json_str (e, "state", "?");
          printf ("    patch %lld %s", (long long) reply_json_int (e, "id", 0),
                  reply_json_str (e, "name", "?"));
          if (reply_json_int (e, "version", 0) > 0)
            printf (" version %lld",
                    (long long) reply_json_int (e, "version", 0));
          printf (": %s, universe %lld", state,
                  (long long) reply_json_int (e, "universe", 0));
          if (json_object_object_get_ex (e, "reverted_at", NULL))
            printf (", reverted at universe %lld",
                    (long long) reply_json_int (e, "reverted_at", 0));
          long long fns = reply_json_int (e, "functions", 0);
          long long pending = reply_json_int (e, "pending", 0);
          printf (", %lld function%s", fns, fns == 1 ? "" : "s");
          if (pending)
            printf (", %lld thread%s pending", pending,
                    pending == 1 ? "" : "s");
          printf ("\n");
        }
      if (!pl)
        for (size_t k = 0; k < p->npatches; k++)
          if (strcmp (p->patches[k].target, o->soname) == 0)
            printf ("    patch %s: loaded (%s)\n", p->patches[k].name,
                    p->patches[k].path);
      for (size_t k = 0; k < o->nthreads; k++)
        {
          const struct thread_state *ts = &o->threads[k];
          printf ("    thread %d%s: ", (int) ts->tid,
                  p->worker && (uint32_t) ts->tid == p->worker
                  ? " (runtime worker)" : "");
          if (ts->view == TV_UNKNOWN || ts->view == TV_NEVER)
            printf ("%s\n", view_name (ts->view));
          else
            {
              int frame = -1;
              const char *h = ts->view == TV_BEHIND
                              ? held_by (p, o->soname, ts->tid, &frame)
                              : NULL;
              printf ("universe %llu, depth %llu%s",
                      (unsigned long long) ts->universe,
                      (unsigned long long) ts->depth,
                      ts->view == TV_BEHIND ? ", not migrated" : "");
              if (h && frame >= 0)
                printf (": held by %s (frame %d)", h, frame);
              else if (h)
                printf (": %s", h);
              printf ("\n");
            }
        }
    }
}

static void
print_json (const struct process *p, bool first)
{
  printf ("%s{\"pid\": %d, \"command\": ", first ? "" : ",\n  ",
          (int) p->pid);
  json_str (p->comm);
  printf (", \"runtime\": ");
  if (p->has_runtime)
    {
      printf ("{\"path\": ");
      json_str (p->runtime_path);
      printf (", \"worker\": %u}", p->worker);
    }
  else
    printf ("null");
  printf (", \"objects\": [");
  for (size_t i = 0; i < p->nobjs; i++)
    {
      const struct object *o = &p->objs[i];
      printf ("%s{\"soname\": ", i ? ", " : "");
      json_str (o->soname);
      printf (", \"path\": ");
      json_str (o->path);
      printf (", \"build_id\": ");
      json_str (o->build_id);
      printf (", \"boundary\": %s, \"universe\": ",
              o->boundary ? "true" : "false");
      if (o->universe_known)
        printf ("%llu", (unsigned long long) o->universe);
      else
        printf ("null");
      /* Whether its tracked entries are armed (the runtime's word; null
         without a runtime attached to it).  */
      json_object *ro = runtime_object (p, o);
      json_object *armed = reply_json_member (ro, "armed",
                                              json_type_boolean);
      printf (", \"armed\": %s",
              armed ? (json_object_get_boolean (armed) ? "true" : "false")
                    : "null");
      /* Known once the runtime patched the object.  */
      json_object *names;
      long long untracked = untracked_exports (p, o, &names);
      size_t nnames = names ? json_object_array_length (names) : 0;
      printf (", \"untracked_exports\": ");
      if (untracked >= 0)
        printf ("%lld", untracked);
      else
        printf ("null");
      printf (", \"untracked_examples\": [");
      for (size_t k = 0; untracked > 0 && k < nnames; k++)
        {
          printf ("%s", k ? ", " : "");
          json_str (example_name (names, k));
        }
      printf ("]");
      printf (", \"threads\": [");
      for (size_t k = 0; k < o->nthreads; k++)
        {
          const struct thread_state *ts = &o->threads[k];
          printf ("%s{\"tid\": %d, \"state\": \"%s\"", k ? ", " : "",
                  (int) ts->tid, view_name (ts->view));
          if (ts->view == TV_CURRENT || ts->view == TV_BEHIND)
            printf (", \"universe\": %llu, \"depth\": %llu, \"migrated\": "
                    "%s", (unsigned long long) ts->universe,
                    (unsigned long long) ts->depth,
                    ts->view == TV_CURRENT ? "true" : "false");
          int frame = -1;
          const char *h = ts->view == TV_BEHIND
                          ? held_by (p, o->soname, ts->tid, &frame) : NULL;
          if (h)
            {
              printf (", \"held_by\": {\"%s\": ",
                      frame >= 0 ? "function" : "reason");
              json_str (h);
              if (frame >= 0)
                printf (", \"frame\": %d", frame);
              printf ("}");
            }
          printf ("}");
        }
      printf ("]}");
    }
  printf ("], \"mapped_patches\": [");
  for (size_t k = 0; k < p->npatches; k++)
    {
      printf ("%s{\"name\": ", k ? ", " : "");
      json_str (p->patches[k].name);
      printf (", \"target\": ");
      json_str (p->patches[k].target);
      printf (", \"path\": ");
      json_str (p->patches[k].path);
      printf (", \"version\": %u", (unsigned) p->patches[k].version);
      printf ("}");
    }
  /* The runtime's own document, as it sent it (it is valid JSON).  */
  printf ("], \"runtime_status\": %s", p->runtime ? p->runtime_json : "null");
  printf (", \"note\": ");
  if (p->note[0] || p->threads_note[0])
    {
      char both[sizeof p->note + sizeof p->threads_note + 2];
      snprintf (both, sizeof both, "%s%s%s", p->note,
                p->note[0] && p->threads_note[0] ? "; " : "",
                p->threads_note);
      json_str (both);
    }
  else
    printf ("null");
  printf ("}");
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
Usage: %s [OPTION]... [PID]...\n\
Show the live-patching state of the processes PID, or of every process\n\
that has a live-patchable object loaded: the objects and their universe,\n\
the patches applied, and each thread's universe, flagging the threads\n\
that have not migrated to the newest universe yet.\n\
\n\
      --json             print one JSON document\n\
      --passive          do not ask the runtime (which stops its worker\n\
                           thread briefly): no patch states\n\
  -t, --timeout=SECONDS  how long to wait for a runtime (default 5)\n\
  -v, --verbose          print each step and how long it took\n\
      --help             display this help and exit\n\
      --version          output version information and exit\n\
\n\
Exit status: 0 when every process could be read; 3 no such process;\n\
4 permission denied; 2 bad usage; 1 any other failure.\n",
          program_name);
  if (PACKAGE_BUGREPORT[0])
    printf ("\nReport bugs to: <%s>\n", PACKAGE_BUGREPORT);
  exit (0);
}

/* The options, into the opt_ variables; returns with OPTIND at the
   first process id, or exits.  */
static void
parse_options (int argc, char **argv)
{
  enum
  {
    OPT_JSON = 256,
    OPT_PASSIVE,
    OPT_HELP,
    OPT_VERSION
  };
  static const struct option longopts[] = {
    { "json", no_argument, NULL, OPT_JSON },
    { "passive", no_argument, NULL, OPT_PASSIVE },
    { "verbose", no_argument, NULL, 'v' },
    { "timeout", required_argument, NULL, 't' },
    { "help", no_argument, NULL, OPT_HELP },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 }
  };
  int c;
  while ((c = getopt_long (argc, argv, "t:v", longopts, NULL)) != -1)
    switch (c)
      {
      case OPT_JSON:
        opt_json = true;
        break;
      case 'v':
        opt_verbose = true;
        break;
      case OPT_PASSIVE:
        opt_passive = true;
        break;
      case 't':
        {
          char *end;
          opt_timeout = strtod (optarg, &end);
          if (*end || !(opt_timeout > 0))
            {
              tool_error ("invalid timeout '%s'", optarg);
              usage (ULP_EXIT_USAGE);
            }
        }
        break;
      case OPT_HELP:
        usage (0);
        break;
      case OPT_VERSION:
        ulp_print_version ("ulp-status");
        exit (0);
      default:
        usage (ULP_EXIT_USAGE);
      }
}

/* The processes to look at: those named in ARGV from OPTIND on, each
   checked, or with none named every process.  Into *PIDS (malloc'ed)
   and *NPIDS; -1 when out of memory.  */
static int
process_list (int argc, char **argv, pid_t **pids, size_t *npids)
{
  *npids = 0;
  if (optind >= argc)
    {
      /* Every process; one this user may not read is skipped later.  */
      if (procfs_pids (pids, npids) < 0)
        {
          *pids = NULL;
          *npids = 0;
        }
      return 0;
    }
  *pids = malloc ((size_t) (argc - optind) * sizeof **pids);
  if (!*pids)
    return -1;
  for (int i = optind; i < argc; i++)
    {
      char *end;
      errno = 0;
      long v = strtol (argv[i], &end, 10);
      if (errno || end == argv[i] || *end || v <= 0 || v > INT_MAX)
        {
          tool_error ("invalid process id '%s'", argv[i]);
          usage (ULP_EXIT_USAGE);
        }
      (*pids)[(*npids)++] = (pid_t) v;
    }
  return 0;
}

/* Look at each of the NPIDS processes of PIDS and print what it has;
   the exit status.  NAMED: the user named them, so each failure is
   reported; otherwise a process that is gone, or not ours, or has no
   runtime is passed over in silence.  */
static int
report_processes (const pid_t *pids, size_t npids, bool named)
{
  int status = ULP_EXIT_OK;
  bool first = true;
  if (opt_json)
    printf ("{\"processes\": [");
  for (size_t i = 0; i < npids; i++)
    {
      struct process p;
      struct outcome oc;
      int r = gather (pids[i], &p, named, &oc);
      if (r < 0)
        {
          if (named)
            {
              tool_report (pids[i], &oc);
              status = status == ULP_EXIT_OK || status == oc.status
                       ? oc.status : ULP_EXIT_FAIL;
            }
          process_free (&p);
          continue;
        }
      if (r == 0)
        {
          if (opt_json)
            print_json (&p, first);
          else
            print_text (&p);
          first = false;
        }
      process_free (&p);
    }
  if (opt_json)
    printf ("]}\n");
  return status;
}

int
main (int argc, char **argv)
{
  program_name = "ulp-status";
  parse_options (argc, argv);
  double start = now_ms ();
  pid_t *pids;
  size_t npids;
  if (process_list (argc, argv, &pids, &npids) < 0)
    return ULP_EXIT_FAIL;
  int status = report_processes (pids, npids, optind < argc);
  if (opt_verbose)
    tool_say (0, "total: %.3f ms (%zu process%s looked at)",
              now_ms () - start, npids, npids == 1 ? "" : "es");
  free (pids);
  objfile_cache_clear ();
  return status;
}
