/* arm-check.c -- the threads inside an object when its tracking was
   armed.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The runtime arms an object's tracked entries at its first patch
   (runtime/arm.c).  A thread that called into the object before that
   ran the entry's body directly, so its state does not say it is
   inside, and once the patch lands it would take new code in the
   middle of its call.  Before the patch is applied, ulp-apply asks the
   runtime to arm the object ("arm SONAME"), then stops each thread of
   the process in turn, unwinds its stack with libdwfl and, when a
   frame shows an entry made unarmed (include/ulp-arm.h), writes into
   the thread's state what the entry would have: inside, in the
   object's current universe, with the outermost entry's stack pointer.
   A thread checked once cannot enter unseen later: the entries are
   armed by then.

   A program (the process's executable) is checked the same way at
   every patch, with the whole of its code as the bodies: its threads
   never leave it and its functions are not tracked, so each thread with
   a frame in it is pinned to the current universe from its outermost
   such frame (main, a start routine), and ulp-apply then moves it on
   by checking its stack (migrate.c).

   Like a longjmp out of the object, the written state stays behind
   once the thread has left that call; its next entry from outside at
   the same depth or above notices, one from deeper keeps the old
   universe until then (manual: "The model").  */

#include <config.h>

#include "arm-check.h"

#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate.h"
#include "procfs.h"
#include "ptrace-inject.h"
#include "reply-json.h"
#include "threadlist.h"
#include "ulp-arm.h"
#include "ulp-meta.h"

#define MAX_FRAMES 512

struct frames
{
  size_t n;
  bool failed;
  uint64_t pc[MAX_FRAMES], sp[MAX_FRAMES];
};

static int
frame_cb (Dwfl_Frame *f, void *arg)
{
  struct frames *fr = arg;
  Dwarf_Addr pc;
  bool activation;
  Dwarf_Word sp;
  if (!dwfl_frame_pc (f, &pc, &activation)
      || dwfl_frame_reg (f, 7 /* %rsp */, &sp) != 0)
    {
      /* The outermost frames may lack %rsp (clone3, _start): what was
         read so far still shows any entry below them.  */
      return DWARF_CB_ABORT;
    }
  if (fr->n == MAX_FRAMES)
    {
      fr->failed = true;
      return DWARF_CB_ABORT;
    }
  fr->pc[fr->n] = activation ? pc : pc - 1;
  fr->sp[fr->n] = sp;
  fr->n++;
  return DWARF_CB_OK;
}

/* The body ranges of the runtime's reply R, in a malloc'd array: the
   pairs of addresses (numbers, not negative) of its "bodies"; any other
   element is left out.  */
static uint64_t (*reply_ranges (json_object *r, size_t *n))[2]
{
  json_object *b = reply_json_member (r, "bodies", json_type_array);
  size_t nb = b ? json_object_array_length (b) : 0;
  uint64_t (*v)[2] = calloc (nb ? nb : 1, sizeof *v);
  if (!v)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < nb; i++)
    {
      json_object *e = json_object_array_get_idx (b, i);
      if (!json_object_is_type (e, json_type_array)
          || json_object_array_length (e) != 2)
        continue;
      int64_t lo = reply_json_as_int (json_object_array_get_idx (e, 0), -1);
      int64_t hi = reply_json_as_int (json_object_array_get_idx (e, 1), -1);
      if (lo < 0 || hi < 0)
        continue;
      v[k][0] = (uint64_t) lo;
      v[k][1] = (uint64_t) hi;
      k++;
    }
  *n = k;
  return v;
}

static uint64_t
jint (json_object *j, const char *key)
{
  return (uint64_t) reply_json_int (j, key, 0);
}

/* Stop thread TID, look at its stack, write its state if it entered
   unarmed, let it go.  */
static void
one_thread (struct target *t, Dwfl *d, const struct threadlist *tl,
            json_object *r, const uint64_t (*bodies)[2], size_t nb,
            pid_t tid, uint64_t deadline, struct arm_check_result *res)
{
  /* Where its state is: always there with static TLS; with dynamic TLS
     a thread that never touched the object's has none (then it cannot
     be written, and counts as unchecked if it is inside).  */
  const struct tl_thread *th = threadlist_find (tl, tid);
  uint64_t addr = 0;
  if (!th || threadlist_tls_addr (t, tl, th, jint (r, "base"),
                                  jint (r, "tls_offset"), &addr) != 1)
    addr = 0;
  struct pt_thread pt;
  memset (&pt, 0, sizeof pt);
  pt.tid = tid;
  struct outcome toc;
  if (pt_seize (t->pid, &pt, &toc) < 0)
    {
      if (!pt.gone)
        res->unchecked++;
      return;
    }
  pt_interrupt (&pt);
  if (pt_wait_stop (t->pid, &pt, deadline, &toc) < 0 || pt.gone)
    {
      if (!pt.gone)
        res->unchecked++;
      pt_detach (&pt);
      return;
    }
  struct frames *fr = calloc (1, sizeof *fr);
  if (fr)
    dwfl_getthread_frames (d, tid, frame_cb, fr);
  uint64_t s = fr ? ulp_arm_untracked_entry_sp (jint (r, "lo"), jint (r, "hi"),
                                                bodies, nb, fr->pc, fr->sp,
                                                fr->n)
                  : 0;
  if (!fr || fr->failed)
    res->unchecked++;
  struct ulp_thread_state st;
  if (s && !addr)
    res->unchecked++;
  else if (s && target_read (t, addr, &st, sizeof st) == 0
      && (st.outer_sp == 0 || s > st.outer_sp))
    {
      if (st.depth == 0 || st.universe == 0)
        st.universe = jint (r, "universe");
      st.depth = 1;
      st.outer_sp = s;
      if (target_write (t, addr, &st, sizeof st) == 0
          && res->nseeded < ARM_CHECK_MAX_SEEDED)
        {
          res->seeded[res->nseeded].tid = tid;
          res->seeded[res->nseeded].addr = addr;
          res->nseeded++;
        }
      else
        res->unchecked++;
    }
  free (fr);
  pt_detach (&pt);
}

int
arm_check_threads (struct target *t, const char *reply, uint64_t deadline,
                   struct arm_check_result *res, struct outcome *oc)
{
  memset (res, 0, sizeof *res);
  json_object *r = reply_json_parse (reply);
  size_t nb = 0;
  uint64_t (*bodies)[2] = r ? reply_ranges (r, &nb) : NULL;
  if (!r || !bodies)
    {
      json_object_put (r);
      free (bodies);
      return outcome_fail (oc, ULP_EXIT_FAIL, "the runtime's arming reply "
                           "is not readable");
    }
  int rc = 0;
  struct threadlist tl;
  pid_t *tids = NULL;
  size_t ntids = 0;
  struct outcome loc;
  Dwfl *d = NULL;
  if ((!t->libc && target_find_libc (t, &loc) < 0)
      || (!t->ldso && target_find_ldso (t, &loc) < 0)
      || threadlist_read (t, &tl, &loc) < 0)
    {
      rc = outcome_fail (oc, ULP_EXIT_FAIL, "cannot read the process's "
                         "threads: %s", loc.message);
      goto out;
    }
  d = migrate_dwfl (t->pid, oc);
  if (!d || procfs_tasks (t->pid, &tids, &ntids) < 0)
    {
      if (d)
        rc = outcome_fail (oc, ULP_EXIT_FAIL, "cannot list the process's "
                           "threads");
      else
        rc = -1;
      threadlist_free (&tl);
      goto out;
    }
  for (size_t i = 0; i < ntids; i++)
    one_thread (t, d, &tl, r, (const uint64_t (*)[2]) bodies, nb, tids[i],
                deadline, res);
  threadlist_free (&tl);
out:
  if (d)
    dwfl_end (d);
  free (tids);
  free (bodies);
  json_object_put (r);
  return rc;
}

void
arm_undo (struct target *t, const struct mailbox_opts *mo,
          const char *soname)
{
  char request[300];
  request_disarm (request, sizeof request, soname);
  struct mailbox_reply rep;
  struct mailbox_times tm;
  struct outcome oc;
  if (mailbox_call (t, request, mo, &rep, &tm, &oc) == 0)
    free (rep.text);
}

int
arm_object (struct target *t, const struct mailbox_opts *mo,
            const char *soname, uint64_t deadline, struct arm_summary *sum,
            struct outcome *oc)
{
  memset (sum, 0, sizeof *sum);
  char request[300];
  request_arm (request, sizeof request, soname);
  struct mailbox_reply rep;
  struct mailbox_times tm;
  if (mailbox_call (t, request, mo, &rep, &tm, oc) < 0)
    return -1;
  if (mailbox_refused (&rep, oc) < 0)
    return -1;
  json_object *r = rep.text ? reply_json_parse (rep.text) : NULL;
  json_object *now = reply_json_member (r, "armed_now", json_type_boolean);
  sum->armed_now = now && json_object_get_boolean (now);
  json_object *prog = reply_json_member (r, "program", json_type_boolean);
  sum->program = prog && json_object_get_boolean (prog);
  json_object_put (r);
  if (!sum->armed_now && !sum->program)
    {
      free (rep.text);
      return 0;
    }
  struct arm_check_result *res = calloc (1, sizeof *res);
  int rc = res ? arm_check_threads (t, rep.text, deadline, res, oc)
               : outcome_fail (oc, ULP_EXIT_FAIL, "out of memory");
  free (rep.text);
  if (rc == 0 && res->nseeded > 0)
    {
      /* The runtime learns where their states are, as for the threads
         that were there before it.  */
      char req[4096];
      request_migrate_register (req, sizeof req, soname);
      for (size_t i = 0; i < res->nseeded; i++)
        if (!request_add_registered (req, sizeof req, res->seeded[i].tid,
                                     res->seeded[i].addr))
          break;
      struct outcome roc;
      if (mailbox_call (t, req, mo, &rep, &tm, &roc) == 0)
        free (rep.text);
    }
  if (res)
    {
      sum->seeded = res->nseeded;
      sum->unchecked = res->unchecked;
    }
  free (res);
  if (rc < 0 && sum->armed_now)
    {
      arm_undo (t, mo, soname);
      sum->armed_now = false;
    }
  return rc;
}
