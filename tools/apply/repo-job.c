/* repo-job.c -- ulp-apply --repo: a process's patches from a repository.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A --repo job is an ordinary job (job.c) whose request is the
   runtime's "status".  Before it is sent, repo_job_select finds the
   live-patchable objects of the process and, by their build-ids, the
   newest version of each patch the repository (repo.c) has for them;
   a process that has none is left alone.  The status reply says which
   patches the runtime has applied at which version, and each patch
   that is newer gets an "apply" request of its own, one after the
   other.  The runtime itself refuses a version that is not newer, so a
   race with another ulp-apply cannot downgrade anything.

   Each process and patch gets one line on stdout ("PID 1: fix-a version
   2 for liba.so: applied (patch 1)") or on stderr ("ulp-apply: PID 1:
   fix-a version 2 for liba.so: failed: why"); --verbose a summary per
   process instead of the steps.  */

#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "objfile.h"
#include "reply-json.h"
#include "ptrace-inject.h"
#include "repo.h"

/* ------------------------------------------------------------------ */
/* The process's objects.                                              */
/* ------------------------------------------------------------------ */

/* A live-patchable object of a process.  */
struct pobj
{
  char soname[256];
  char build_id[129];
};

struct pobjs
{
  struct pobj *v;
  size_t n, cap;
};

static bool
objects_cb (struct target *t, const struct proc_map *m, struct objfile *of,
            void *data)
{
  (void) t;
  (void) m;
  struct pobjs *o = data;
  struct ulp_note note;
  if (!objfile_ulp_note (of, &note) || note.patch_table != 0
      || !*objfile_build_id (of))
    return true;
  if (o->n == o->cap)
    {
      size_t cap = o->cap ? 2 * o->cap : 8;
      struct pobj *v = realloc (o->v, cap * sizeof *v);
      if (!v)
        return false;
      o->v = v;
      o->cap = cap;
    }
  snprintf (o->v[o->n].soname, sizeof o->v[o->n].soname, "%s",
            objfile_soname (of));
  snprintf (o->v[o->n].build_id, sizeof o->v[o->n].build_id, "%s",
            objfile_build_id (of));
  o->n++;
  return true;
}

/* The newest patches for the objects O, in WANT; how many.  */
static size_t
wanted (const struct pobjs *o, size_t *want)
{
  const char **ids = malloc ((o->n + 1) * sizeof *ids);
  if (!ids)
    return 0;
  for (size_t i = 0; i < o->n; i++)
    ids[i] = o->v[i].build_id;
  size_t n = repo_newest (repo, ids, o->n, want);
  free (ids);
  return n;
}

bool
repo_job_match (struct target *t, void *data)
{
  (void) data;
  struct pobjs objs = { NULL, 0, 0 };
  target_each_object (t, objects_cb, &objs);
  bool found = false;
  for (size_t i = 0; i < objs.n && !found; i++)
    found = repo_has_build_id (repo, objs.v[i].build_id);
  free (objs.v);
  return found;
}

bool
repo_job_select (struct job *j)
{
  struct pobjs objs = { NULL, 0, 0 };
  target_each_object (&j->t, objects_cb, &objs);
  j->want = calloc (repo->n + 1, sizeof *j->want);
  if (!j->want)
    {
      free (objs.v);
      struct outcome oc;
      outcome_fail (&oc, ULP_EXIT_FAIL, "out of memory");
      job_fail (j, &oc);
      return false;
    }
  j->nwant = wanted (&objs, j->want);
  if (j->nwant == 0 && !quiet)
    {
      printf ("PID %d: no match in %s (", (int) j->pid, repo->dir);
      if (objs.n == 0)
        printf ("no live-patchable object");
      for (size_t i = 0; i < objs.n; i++)
        printf ("%s%s build-id %s", i ? ", " : "", objs.v[i].soname,
                objs.v[i].build_id);
      printf (")\n");
      fflush (stdout);
    }
  free (objs.v);
  if (j->nwant == 0)
    {
      job_finish (j, ULP_EXIT_OK);
      return false;
    }
  return true;
}

/* ------------------------------------------------------------------ */
/* The patches.                                                        */
/* ------------------------------------------------------------------ */

/* Per run (per worker process with --all): whether each entry's file
   was checked (trust, SHA-256), and the result.  One per entry of the
   index: the reason is kept malloc'ed, not in a struct outcome.  */
struct checked
{
  signed char state;       /* 0 not yet, 1 good, -1 bad.  */
  int status;              /* when bad: the exit status.  */
  char *why;               /* when bad: why, or NULL when memory ran
                              out.  */
};

static struct checked *checked;

/* NULL when entry I's file may be used, else why not (and its exit
   status in *STATUS).  */
static const char *
check_entry (size_t i, int *status)
{
  if (!checked)
    checked = calloc (repo->n + 1, sizeof *checked);
  if (!checked)
    {
      *status = ULP_EXIT_FAIL;
      return "out of memory";
    }
  struct checked *c = &checked[i];
  if (c->state == 0)
    {
      struct outcome oc;
      c->state = 1;
      if (repo_check_file (repo, i, &oc) < 0)
        {
          c->state = -1;
          c->status = oc.status;
          c->why = strdup (oc.message);
        }
    }
  *status = c->status;
  if (c->state > 0)
    return NULL;
  return c->why ? c->why : "out of memory";
}

static int
worse (int a, int b)
{
  if (a == ULP_EXIT_OK)
    return b;
  if (b == ULP_EXIT_OK || a == b)
    return a;
  return ULP_EXIT_FAIL;
}

static void
fail_line (const struct job *j, const struct repo_entry *e, const char *fmt,
           ...)
  __attribute__ ((format (printf, 3, 4)));

/* Report that E could not be applied to J's process.  */
static void
fail_line (const struct job *j, const struct repo_entry *e, const char *fmt,
           ...)
{
  char buf[800];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  tool_say (j->pid, "%s version %u for %s: failed: %s", e->name, e->version,
            e->soname, buf);
}

/* The version of NAME the runtime reports applied to SONAME, or -1.  */
static long long
applied_version (json_object *status, const char *soname,
                 const char *name)
{
  json_object *pl = reply_json_member (status, "patches", json_type_array);
  size_t n = pl ? json_object_array_length (pl) : 0;
  long long best = -1;
  for (size_t k = 0; k < n; k++)
    {
      json_object *p = json_object_array_get_idx (pl, k);
      if (strcmp (reply_json_str (p, "state", ""), "applied") != 0
          || strcmp (reply_json_str (p, "target", ""), soname) != 0
          || strcmp (reply_json_str (p, "name", ""), name) != 0)
        continue;
      long long v = reply_json_int (p, "version", 0);
      if (v > best)
        best = v;
    }
  return best;
}

/* The request applying E to J's process, in REQUEST; 0, or an exit
   status with the failure reported.  */
static int
apply_request (const struct job *j, const struct repo_entry *e,
               char *request, size_t size)
{
  char path[4400], abs[PATH_MAX], there[PATH_MAX + 64];
  snprintf (path, sizeof path, "%s/%s", repo->dir, e->file);
  struct stat here_st, there_st;
  if (!realpath (path, abs) || stat (abs, &here_st) < 0)
    {
      fail_line (j, e, "%s: %s", path, strerror (errno));
      return ULP_EXIT_BAD_PATCH;
    }
  /* The runtime opens the file in the process's mount namespace.  */
  snprintf (there, sizeof there, "/proc/%d/root%s", (int) j->pid, abs);
  if (stat (there, &there_st) < 0 || there_st.st_ino != here_st.st_ino
      || there_st.st_dev != here_st.st_dev)
    {
      fail_line (j, e, "%s is not the same file in the process's mount "
                 "namespace", abs);
      return ULP_EXIT_BAD_PATCH;
    }
  request_apply (request, size, abs);
  return ULP_EXIT_OK;
}

/* Apply entry I of the repository to J's process, whose runtime has
   version CUR of it (-1: none); *STATUS gets worse with a failure.
   false when the process itself is in trouble: nothing more to ask
   it.  */
static bool
apply_entry (struct job *j, size_t i, long long cur, int *status)
{
  const struct repo_entry *e = &repo->e[i];
  j->armed_now = false;
  int bad_status;
  const char *bad = check_entry (i, &bad_status);
  if (bad)
    {
      fail_line (j, e, "%s", bad);
      *status = worse (*status, bad_status);
      return true;
    }
  char request[PATH_MAX + 16];
  int k = apply_request (j, e, request, sizeof request);
  if (k != ULP_EXIT_OK)
    {
      *status = worse (*status, k);
      return true;
    }
  struct outcome oc;
  struct mailbox_opts mo = job_mailbox_opts (j);
  struct mailbox_reply rep;
  struct mailbox_times tm;
  if (mailbox_call (&j->t, request, &mo, &rep, &tm, &oc) < 0)
    {
      fail_line (j, e, "%s", oc.message);
      *status = worse (*status, oc.status);
      return false;
    }
  if (rep.result < 0 && rep.error.code == ULP_E_NOT_ARMED)
    {
      /* Built with lazy arming and not armed yet: arm it, check its
         threads, as for a patch file, and ask again.  */
      k = job_arm_and_ask (j, e->soname, request, &rep, &tm, &oc);
      if (k < 0)
        {
          fail_line (j, e, "%s", oc.message);
          *status = worse (*status, oc.status);
          return k == -1;
        }
    }
  j->ncalls++;
  if (tm.pause > j->max_pause)
    j->max_pause = tm.pause;
  if (mailbox_refused (&rep, &oc) < 0)
    {
      job_unarm (j, e->soname);
      fail_line (j, e, "%s", oc.message);
      *status = worse (*status, oc.status);
      return true;
    }
  free (rep.text);
  if (!quiet)
    {
      printf ("PID %d: %s version %u for %s: applied (patch %lld",
              (int) j->pid, e->name, e->version, e->soname,
              (long long) rep.result);
      if (cur == 0)
        printf (", replaced the unversioned one");
      else if (cur > 0)
        printf (", replaced version %lld", cur);
      printf (")\n");
      fflush (stdout);
    }
  return true;
}

void
repo_job_receive (struct job *j, struct mailbox_reply *rep)
{
  j->ncalls++;
  j->max_pause = j->times.pause;
  char *st_text = rep->text;
  json_object *st = rep->result >= 0 && st_text ? reply_json_parse (st_text)
                                                : NULL;
  if (!st)
    {
      struct outcome oc;
      if (rep->result < 0)
        outcome_fail (&oc, ULP_EXIT_FAIL,
                      "the runtime did not report its patches: %s",
                      rep->error.message);
      else
        outcome_fail (&oc, ULP_EXIT_FAIL, "the runtime did not report its "
                      "patches: its status reply is not readable");
      free (st_text);
      job_fail (j, &oc);
      return;
    }
  int status = ULP_EXIT_OK;
  for (size_t w = 0; w < j->nwant; w++)
    {
      const struct repo_entry *e = &repo->e[j->want[w]];
      long long cur = applied_version (st, e->soname, e->name);
      if (cur >= (long long) e->version)
        {
          if (!quiet)
            printf ("PID %d: %s version %u for %s: already current (version "
                    "%lld applied)\n", (int) j->pid, e->name, e->version,
                    e->soname, cur);
          continue;
        }
      if (!apply_entry (j, j->want[w], cur, &status))
        break;
    }
  fflush (stdout);
  json_object_put (st);
  free (st_text);
  job_finish (j, status);
}

void
repo_job_summary (const struct job *j)
{
  if (!verbose || !j->opened)
    return;
  tool_say (j->pid, "repo: %.3f ms, %u request%s to the runtime, longest "
            "pause %.3f ms", (j->end - j->start) / 1e6, j->ncalls,
            j->ncalls == 1 ? "" : "s", j->max_pause / 1e6);
}
