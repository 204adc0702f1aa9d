/* migrate.c -- move threads that never leave a live-patchable object to
   its newest universe, by checking their stacks.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See migrate.h.  How, and why it is safe:

   The process runs on while this works: libdwfl reads its modules
   (/proc/PID/maps and the ELF files) first, and only then is each
   pending thread stopped, alone, with PTRACE_SEIZE and PTRACE_INTERRUPT
   (ptrace-inject.c: a system call the thread is blocked in restarts as
   if nothing happened, and one of the few calls that would fail with
   EINTR after a stop is made to restart too).  While it is stopped:

   - Its state (depth, universe) and the object's newest universe are
     read again: the thread may have left the object and come back in
     the newest universe since the runtime listed it, or a patch may
     have been applied from inside the process.  Then nothing is done.

   - Its stack is unwound with libdwfl from the CFI of each frame's
     module (.eh_frame, which the plugin guarantees).  A frame in a
     forbidden range (an old version of a function that differs between
     the thread's universe and the newest) holds the thread.  So does
     anything that makes the unwinding unprovable: code in no module
     (the runtime's selector stubs are anonymous memory: a thread there
     may have read its universe and not yet jumped), a frame without CFI
     (libdwfl would fall back to guessing from frame pointers, which
     proves nothing), or an unwinding that ends before the thread's
     first frame.

   - Otherwise the newest universe is written into the thread's state
     through /proc/PID/mem.  The thread, stopped, cannot be between a
     read and a write of that field; every call it makes from now on
     selects the newest versions, and every frame it returns to is code
     that is the same in both universes.

   Then it is let go.  Each thread is stopped for the time of one
   unwinding (tens of microseconds); no two at once.  */

#include <config.h>

#include "migrate.h"

#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ptrace-inject.h"
#include "reply-json.h"
#include "request.h"
#include "threadlist.h"
#include "ulp-meta.h"

/* Frames beyond this hold the thread (a runaway unwinding).  */
#define MAX_FRAMES 4096

struct range
{
  uint64_t start, end;
  const char *name;
};

struct unwind_ctx
{
  Dwfl *dwfl;
  const struct range *r;
  size_t nr;
  unsigned frame;
  int held_frame;
  char what[128];
};

static void
set_reason (struct unwind_ctx *u, int frame, const char *what)
{
  u->held_frame = frame;
  snprintf (u->what, sizeof u->what, "%s", what);
}

static int
frame_cb (Dwfl_Frame *f, void *arg)
{
  struct unwind_ctx *u = arg;
  Dwarf_Addr pc;
  bool activation;
  if (!dwfl_frame_pc (f, &pc, &activation))
    {
      set_reason (u, -1, "unwind-failed");
      return DWARF_CB_ABORT;
    }
  /* A return address may be just past its call (a call to a noreturn
     function ending its caller): look at the call itself.  */
  Dwarf_Addr a = activation ? pc : pc - 1;
  for (size_t i = 0; i < u->nr; i++)
    if (a >= u->r[i].start && a < u->r[i].end)
      {
        set_reason (u, (int) u->frame, u->r[i].name);
        return DWARF_CB_ABORT;
      }
  Dwfl_Module *m = dwfl_addrmodule (u->dwfl, a);
  if (!m)
    {
      set_reason (u, -1, "code-outside-modules");
      return DWARF_CB_ABORT;
    }
  Dwarf_Addr bias;
  Dwarf_CFI *cfi = dwfl_module_eh_cfi (m, &bias);
  Dwarf_Frame *fr = NULL;
  if (!cfi || dwarf_cfi_addrframe (cfi, a - bias, &fr) != 0)
    {
      set_reason (u, -1, "no-unwind-info");
      return DWARF_CB_ABORT;
    }
  free (fr);
  if (++u->frame >= MAX_FRAMES)
    {
      set_reason (u, -1, "stack-too-deep");
      return DWARF_CB_ABORT;
    }
  return DWARF_CB_OK;
}

/* No separate debug files: .eh_frame is what the check relies on, and
   searching for them would only cost time.  */
static int
no_debuginfo (Dwfl_Module *mod, void **userdata, const char *modname,
              Dwarf_Addr base, const char *file_name,
              const char *debuglink_file, GElf_Word debuglink_crc,
              char **debuginfo_file_name)
{
  (void) mod;
  (void) userdata;
  (void) modname;
  (void) base;
  (void) file_name;
  (void) debuglink_file;
  (void) debuglink_crc;
  (void) debuginfo_file_name;
  return -1;
}

static int
warm_cb (Dwfl_Module *m, void **userdata, const char *name, Dwarf_Addr start,
         void *arg)
{
  (void) userdata;
  (void) name;
  (void) start;
  (void) arg;
  Dwarf_Addr bias;
  dwfl_module_eh_cfi (m, &bias);
  return DWARF_CB_OK;
}

static const Dwfl_Callbacks callbacks = {
  .find_elf = dwfl_linux_proc_find_elf,
  .find_debuginfo = no_debuginfo,
};

/* libdwfl for process PID, its modules read and their CFI loaded, so
   that the unwinding done while a thread is stopped reads nothing but
   the thread's stack.  */
Dwfl *
migrate_dwfl (pid_t pid, struct outcome *oc)
{
  Dwfl *d = dwfl_begin (&callbacks);
  if (!d)
    {
      outcome_fail (oc, ULP_EXIT_FAIL, "libdwfl: %s", dwfl_errmsg (-1));
      return NULL;
    }
  dwfl_report_begin (d);
  int e = dwfl_linux_proc_report (d, pid);
  if (dwfl_report_end (d, NULL, NULL) != 0 || e != 0)
    {
      outcome_fail (oc, ULP_EXIT_FAIL, "libdwfl cannot read the process's "
                    "modules: %s", e > 0 ? strerror (e) : dwfl_errmsg (-1));
      dwfl_end (d);
      return NULL;
    }
  /* The threads are stopped by us, one at a time (true: libdwfl must
     not attach on its own).  */
  e = dwfl_linux_proc_attach (d, pid, true);
  if (e != 0)
    {
      outcome_fail (oc, ULP_EXIT_FAIL, "libdwfl cannot attach: %s",
                    e > 0 ? strerror (e) : dwfl_errmsg (-1));
      dwfl_end (d);
      return NULL;
    }
  dwfl_getmodules (d, warm_cb, NULL, 0);
  return d;
}

static uint64_t
jint (json_object *j, const char *key)
{
  return (uint64_t) reply_json_int (j, key, 0);
}

/* Look at and maybe move the stopped thread TH.  */
static void
check_thread (struct target *t, Dwfl *d, struct pt_thread *th,
              uint64_t state, uint64_t listed_universe,
              json_object *jr, uint64_t object, uint64_t newest,
              bool force, struct migrate_thread *mt)
{
  struct ulp_thread_state st;
  uint64_t now_newest;
  if (target_read (t, state, &st, sizeof st) < 0
      || target_read (t, object, &now_newest, sizeof now_newest) < 0)
    {
      mt->fate = MIGRATE_HELD;
      mt->frame = -1;
      snprintf (mt->what, sizeof mt->what, "state-unreadable");
      return;
    }
  mt->universe = st.universe;
  if (st.depth == 0 || st.universe >= now_newest)
    {
      mt->fate = MIGRATE_LEFT;
      return;
    }
  if (now_newest != newest || st.universe != listed_universe)
    {
      /* A patch applied from inside meanwhile: the ranges are not this
         universe's; the next check has the right ones.  */
      mt->fate = MIGRATE_HELD;
      mt->frame = -1;
      snprintf (mt->what, sizeof mt->what, "universe-changed");
      return;
    }
  if (!force)
    {
      size_t nr = json_object_is_type (jr, json_type_array)
                  ? json_object_array_length (jr) : 0;
      struct range *r = calloc (nr ? nr : 1, sizeof *r);
      if (!r)
        {
          mt->fate = MIGRATE_HELD;
          mt->frame = -1;
          snprintf (mt->what, sizeof mt->what, "out-of-memory");
          return;
        }
      size_t k = 0;
      for (size_t i = 0; i < nr; i++)
        {
          json_object *e = json_object_array_get_idx (jr, i);
          if (!json_object_is_type (e, json_type_array)
              || json_object_array_length (e) != 3)
            continue;
          json_object *name = json_object_array_get_idx (e, 2);
          if (!json_object_is_type (name, json_type_string))
            continue;
          r[k].start = (uint64_t) reply_json_as_int
                         (json_object_array_get_idx (e, 0), 0);
          r[k].end = (uint64_t) reply_json_as_int
                       (json_object_array_get_idx (e, 1), 0);
          r[k].name = json_object_get_string (name);
          k++;
        }
      struct unwind_ctx u = { d, r, k, 0, -1, "" };
      int rc = dwfl_getthread_frames (d, th->tid, frame_cb, &u);
      free (r);
      mt->frames = u.frame;
      if (rc != 0 && !u.what[0])
        set_reason (&u, -1, "unwind-failed");
      if (u.what[0])
        {
          mt->fate = MIGRATE_HELD;
          mt->frame = u.held_frame;
          snprintf (mt->what, sizeof mt->what, "%s", u.what);
          return;
        }
    }
  if (target_write (t, state + offsetof (struct ulp_thread_state, universe),
                    &newest, sizeof newest) < 0)
    {
      mt->fate = MIGRATE_HELD;
      mt->frame = -1;
      snprintf (mt->what, sizeof mt->what, "state-unwritable");
      return;
    }
  mt->universe = newest;
  mt->fate = force ? MIGRATE_FORCED : MIGRATE_MOVED;
}

/* One call of migrate_threads.  */
struct run
{
  struct target *t;
  const struct migrate_opts *o;
  struct migrate_result *r;
  Dwfl *dwfl;                 /* made at the first thread to unwind.  */
  bool have_tl;
  bool tl_failed;
  struct threadlist tl;
};

static void
run_end (struct run *run)
{
  if (run->dwfl)
    dwfl_end (run->dwfl);
  if (run->have_tl)
    threadlist_free (&run->tl);
}

/* Stop thread MT->TID, check it and maybe move it, let it go.  -1 with
   *OC only when libdwfl cannot be set up.  */
static int
one_thread (struct run *run, struct migrate_thread *mt, uint64_t state,
            uint64_t listed_universe, json_object *ranges,
            uint64_t object, uint64_t newest, struct outcome *oc)
{
  mt->universe = listed_universe;
  mt->frame = -1;
  if (!run->o->force && !run->dwfl)
    {
      uint64_t t0 = pt_now_ns ();
      run->dwfl = migrate_dwfl (run->t->pid, oc);
      if (!run->dwfl)
        return -1;
      run->r->setup_ns += pt_now_ns () - t0;
    }
  struct pt_thread th;
  memset (&th, 0, sizeof th);
  th.tid = mt->tid;
  struct outcome toc;
  if (pt_seize (run->t->pid, &th, &toc) < 0)
    {
      mt->fate = th.gone ? MIGRATE_GONE : MIGRATE_HELD;
      snprintf (mt->what, sizeof mt->what, "%s",
                toc.status == ULP_EXIT_PERMISSION ? "traced" : "not-stopped");
      return 0;
    }
  uint64_t s0 = pt_now_ns ();
  pt_interrupt (&th);
  uint64_t dl = pt_now_ns () + 2000000000u;
  if (dl > run->o->deadline_ns)
    dl = run->o->deadline_ns;
  if (pt_wait_stop (run->t->pid, &th, dl, &toc) < 0 || th.gone)
    {
      mt->fate = th.gone ? MIGRATE_GONE : MIGRATE_HELD;
      snprintf (mt->what, sizeof mt->what, "not-stopped");
      pt_detach (&th);
      return 0;
    }
  struct pt_where w;
  if (pt_where (&th, &w) == 0)
    mt->in_syscall = w.syscall >= 0;
  check_thread (run->t, run->dwfl, &th, state, listed_universe, ranges,
                object, newest, run->o->force, mt);
  pt_detach (&th);
  mt->pause_ns = pt_now_ns () - s0;
  if (mt->pause_ns > run->r->max_pause_ns)
    run->r->max_pause_ns = mt->pause_ns;
  return 0;
}

static void
add_register (struct migrate_object *mo, pid_t tid, uint64_t addr)
{
  void *nv = realloc (mo->reg, (mo->nreg + 1) * sizeof *mo->reg);
  if (!nv)
    return;
  mo->reg = nv;
  mo->reg[mo->nreg].tid = tid;
  mo->reg[mo->nreg].addr = addr;
  mo->nreg++;
}

/* The threads of object K the runtime does not know (they were there
   before it attached): find their states through glibc's thread list,
   check those inside in the listed universe like the others, and have
   them all registered.  */
static int
unknown_threads (struct run *run, size_t k, json_object *un,
                 uint64_t object, uint64_t newest, struct outcome *oc)
{
  json_object *tids = reply_json_member (un, "tids", json_type_array);
  size_t ntids = tids ? json_object_array_length (tids) : 0;
  if (ntids == 0)
    return 0;
  if (!run->have_tl && !run->tl_failed)
    {
      struct outcome loc;
      if ((!run->t->libc && target_find_libc (run->t, &loc) < 0)
          || (!run->t->ldso && target_find_ldso (run->t, &loc) < 0)
          || threadlist_read (run->t, &run->tl, &loc) < 0)
        run->tl_failed = true;
      else
        run->have_tl = true;
    }
  uint64_t base = jint (un, "base"), off = jint (un, "tls_offset");
  uint64_t listed = jint (un, "universe");
  for (size_t i = 0; i < ntids; i++)
    {
      pid_t tid = (pid_t) reply_json_as_int
                    (json_object_array_get_idx (tids, i), 0);
      const struct tl_thread *th = run->have_tl
                                   ? threadlist_find (&run->tl, tid) : NULL;
      uint64_t addr = 0;
      int found = th ? threadlist_tls_addr (run->t, &run->tl, th, base, off,
                                            &addr)
                     : -1;
      struct ulp_thread_state st;
      if (found == 0)
        {
          /* No TLS block for the object: it never entered.  */
          add_register (&run->r->objects[k], tid, 0);
          continue;
        }
      if (found < 0 || target_read (run->t, addr, &st, sizeof st) < 0)
        {
          struct migrate_thread *mt = &run->r->threads[run->r->nthreads++];
          mt->tid = tid;
          mt->object = k;
          mt->frame = -1;
          mt->fate = MIGRATE_HELD;
          snprintf (mt->what, sizeof mt->what, "state-not-found");
          continue;
        }
      add_register (&run->r->objects[k], tid, addr);
      if (st.universe == 0 || st.depth == 0 || st.universe >= newest)
        continue;
      struct migrate_thread *mt = &run->r->threads[run->r->nthreads++];
      mt->tid = tid;
      mt->object = k;
      if (one_thread (run, mt, addr, listed,
                      reply_json_member (un, "ranges", json_type_array),
                      object, newest, oc) < 0)
        return -1;
    }
  return 0;
}

int
migrate_threads (struct target *t, const char *info,
                 const struct migrate_opts *o, struct migrate_result *r,
                 struct outcome *oc)
{
  memset (r, 0, sizeof *r);
  json_object *j = info ? reply_json_parse (info) : NULL;
  json_object *objs = reply_json_member (j, "objects", json_type_array);
  if (!objs)
    {
      json_object_put (j);
      return outcome_fail (oc, ULP_EXIT_FAIL, "the runtime's list of "
                           "pending threads is not readable");
    }
  size_t nobjs = json_object_array_length (objs);
  size_t total = 0;
  for (size_t i = 0; i < nobjs; i++)
    {
      json_object *jo = json_object_array_get_idx (objs, i);
      json_object *th = reply_json_member (jo, "threads", json_type_array);
      json_object *un = reply_json_member (jo, "unknown", json_type_object);
      json_object *ut = reply_json_member (un, "tids", json_type_array);
      total += (th ? json_object_array_length (th) : 0)
               + (ut ? json_object_array_length (ut) : 0);
    }
  r->objects = calloc (nobjs ? nobjs : 1, sizeof *r->objects);
  r->threads = calloc (total ? total : 1, sizeof *r->threads);
  if (!r->objects || !r->threads)
    {
      json_object_put (j);
      migrate_result_free (r);
      return outcome_fail (oc, ULP_EXIT_FAIL, "out of memory");
    }
  r->nobjects = nobjs;
  for (size_t i = 0; i < nobjs; i++)
    {
      json_object *jo = json_object_array_get_idx (objs, i);
      snprintf (r->objects[i].soname, sizeof r->objects[i].soname, "%s",
                reply_json_str (jo, "soname", "?"));
      r->objects[i].newest = jint (jo, "universe");
    }
  if (total == 0)
    {
      json_object_put (j);
      return 0;
    }

  struct run run = { t, o, r, NULL, false, false, { 0 } };
  for (size_t i = 0; i < nobjs; i++)
    {
      json_object *jo = json_object_array_get_idx (objs, i);
      uint64_t object = jint (jo, "object");
      uint64_t newest = jint (jo, "universe");
      json_object *jth = reply_json_member (jo, "threads", json_type_array);
      size_t nth = jth ? json_object_array_length (jth) : 0;
      for (size_t k = 0; k < nth; k++)
        {
          json_object *jt = json_object_array_get_idx (jth, k);
          struct migrate_thread *mt = &r->threads[r->nthreads++];
          mt->tid = (pid_t) jint (jt, "tid");
          mt->object = i;
          if (one_thread (&run, mt, jint (jt, "state"), jint (jt, "universe"),
                          reply_json_member (jt, "ranges", json_type_array),
                          object, newest, oc) < 0)
            goto fail;
        }
      json_object *un = reply_json_member (jo, "unknown", json_type_object);
      if (un && unknown_threads (&run, i, un, object, newest, oc) < 0)
        goto fail;
    }
  run_end (&run);
  json_object_put (j);
  return 0;

fail:
  run_end (&run);
  json_object_put (j);
  migrate_result_free (r);
  return -1;
}

void
migrate_result_free (struct migrate_result *r)
{
  for (size_t i = 0; r->objects && i < r->nobjects; i++)
    free (r->objects[i].reg);
  free (r->objects);
  free (r->threads);
  memset (r, 0, sizeof *r);
}

bool
migrate_held_request (const struct migrate_result *r, size_t k, char *buf,
                      size_t size)
{
  if (k >= r->nobjects)
    return false;
  request_migrate_held (buf, size, r->objects[k].soname,
                        r->objects[k].newest);
  for (size_t i = 0; i < r->nthreads; i++)
    {
      const struct migrate_thread *mt = &r->threads[i];
      if (mt->object != k || mt->fate != MIGRATE_HELD)
        continue;
      if (!request_add_held (buf, size, mt->tid, mt->frame, mt->what))
        break;   /* The rest does not fit: the status shows fewer.  */
    }
  return true;
}

bool
migrate_register_request (const struct migrate_result *r, size_t k,
                          char *buf, size_t size)
{
  if (k >= r->nobjects || r->objects[k].nreg == 0)
    return false;
  request_migrate_register (buf, size, r->objects[k].soname);
  for (size_t i = 0; i < r->objects[k].nreg; i++)
    if (!request_add_registered (buf, size, r->objects[k].reg[i].tid,
                                 r->objects[k].reg[i].addr))
      break;   /* The rest are listed again next time.  */
  return true;
}
