/* revert.c -- revert patches; collapse selection; unload old code.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Reverting patch P of object L opens a new universe U' of L in which
   P's versions are no longer valid: they stay valid for [U_P, U'), so a
   thread still inside L in one of those universes keeps running P's
   code until it leaves L, and one entering afterwards gets the newest
   version without P (the one of an older or a newer patch, or the
   original).  Reverting a patch in the middle of a stack works the same
   way: only its own versions end.

   Two things are done lazily (ulp_maintain), because they depend on
   where the threads are: at every API call made in the process, and by
   the worker thread (control.c) after it has replied to a tool and then
   from time to time while some remain due:

   Collapse.  Once no thread can be inside L in a universe older than
   the newest one, the stubs' per-thread choice is useless: each
   patched function's slot then points straight at its newest version,
   or its original entry (66 90) comes back.  That needs every thread
   that existed when the runtime attached to L to be known (registered
   or exited), every registered thread inside L to be in the newest
   universe, and every other thread to be past the newest universe's
   opening (threads.c): otherwise a thread that chose a version just
   before the last patch and then got preempted could wake up inside L
   in an older universe.

   Unload.  Reverted patch P is dlclosed once no thread can run its code
   any more: no registered thread is inside L in [U_P, U'), and every
   thread outside L is past the opening of U', so none can be between a
   stub or an entry and the boundary code, or in a replacement's
   epilogue after its last depth decrement.  Until then the patch is
   "pending".  The replacements of a patch are boundary-tracked on L's
   state (the plugin does that in patch mode), so a thread running one
   is always counted as inside.  The code of a patch whose target has
   no boundary tracking is never unloaded: nothing tells where threads
   are.  The status lists the newest unloaded patches of each object
   (KEEP_UNLOADED); older records are freed, as are the stubs, tables
   and code ranges the patching retired (memory.c), so that a process
   patched and reverted for ever does not grow.  */

#include <config.h>

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "ulp-runtime.h"

/* Unloaded patches of one object that the status still lists.  */
#define KEEP_UNLOADED 16

/* ------------------------------------------------------------------ */
/* Collapse.                                                           */
/* ------------------------------------------------------------------ */

struct collapse_ctx
{
  struct ulp_obj *h;
  uint64_t newest;
  bool ok;
};

static bool
collapse_cb (const struct ulp_thread_view *v, void *data)
{
  struct collapse_ctx *c = data;
  if (v->self)
    {
      if (v->known && v->state.depth > 0 && v->state.universe < c->newest)
        c->ok = false;
    }
  else if (v->registered)
    {
      if (!v->known)
        c->ok = false;
      else if (v->state.depth > 0)
        {
          if (v->state.universe < c->newest)
            c->ok = false;
        }
      else if (v->state.universe < c->newest
               && !ulp_thread_past (c->h, c->newest, v->tid))
        c->ok = false;
    }
  else if (!ulp_thread_past (c->h, c->newest, v->tid))
    c->ok = false;
  return c->ok;
}

static void
try_collapse (struct ulp_obj *h)
{
  uint64_t newest = ulp_obj_universe (h);
  if (!h->o || h->live_floor >= newest || !ulp_t0_resolved (h))
    return;
  struct collapse_ctx c = { h, newest, true };
  if (!ulp_threads_each (h, collapse_cb, &c) || !c.ok)
    return;
  uint64_t old = h->live_floor;
  h->live_floor = newest;
  struct ulp_error e;
  if (ulp_republish (h, &e) < 0)
    {
      /* Keep selecting per thread; the stubs published so far are
         correct for every floor.  */
      h->live_floor = old;
    }
}

/* ------------------------------------------------------------------ */
/* Unload.                                                             */
/* ------------------------------------------------------------------ */

struct unload_ctx
{
  struct ulp_obj *h;
  uint64_t lo, hi;
  bool ok;
};

static bool
unload_cb (const struct ulp_thread_view *v, void *data)
{
  struct unload_ctx *c = data;
  bool in_range = v->known && v->state.universe >= c->lo
                  && v->state.universe < c->hi;
  if (v->self)
    {
      if (in_range && v->state.depth > 0)
        c->ok = false;
    }
  else if (v->registered)
    {
      if (!v->known)
        c->ok = false;
      else if (v->state.depth > 0)
        {
          if (in_range)
            c->ok = false;
        }
      else if (v->state.universe < c->hi
               && !ulp_thread_past (c->h, c->hi, v->tid))
        c->ok = false;
    }
  else if (!ulp_thread_past (c->h, c->hi, v->tid))
    c->ok = false;
  return c->ok;
}

static bool
has_versions (const struct ulp_obj *h)
{
  for (size_t i = 0; i < h->nfns; i++)
    if (h->fns[i]->nversions)
      return true;
  return false;
}

static void
try_unload (struct ulp_patch *p)
{
  struct ulp_obj *h = p->target;
  if (!h->o)
    return;
  struct unload_ctx c = { h, p->universe, p->reverted_at, true };
  if (!ulp_threads_each (h, unload_cb, &c) || !c.ok)
    return;
  /* Take its versions out of the tables, so nothing names its code.  */
  ulp_patch_drop_versions (p);
  struct ulp_error e;
  if (ulp_republish (h, &e) < 0 || ulp_ranges_publish (h) < 0)
    {
      /* Some detour may still name it: keep the code loaded.  */
      p->state = ULP_PATCH_UNLOADED;
      return;
    }
  dlclose (p->handle);
  p->handle = NULL;
  p->state = ULP_PATCH_UNLOADED;
  if (!has_versions (h) && h->dl_handle)
    {
      dlclose (h->dl_handle);
      h->dl_handle = NULL;
    }
}

void
ulp_maintain (void)
{
  for (struct ulp_obj *h = ulp_objects (); h; h = h->next)
    {
      if (!h->alive || h->nfns == 0)
        continue;
      ulp_snapshot_take (h);
      /* Each step below may take milliseconds (republishing a patch of
         a thousand functions); a tool's request waiting goes first, and
         the worker comes back to the rest (control.c).  */
      if (ulp_maintenance_interrupted ())
        return;
      try_collapse (h);
      for (struct ulp_patch *p = ulp_patch_list (); p; p = p->next)
        if (p->target == h && p->state == ULP_PATCH_REVERTED
            && !ulp_maintenance_interrupted ())
          try_unload (p);
      if (ulp_maintenance_interrupted ())
        return;
      ulp_reclaim (h);
      ulp_patch_forget_old (h, KEEP_UNLOADED);
      ulp_snapshot_prune (h);
    }
}

bool ulp_maintain_due;

void
ulp_maintain_soon (void)
{
  if (ulp_worker_self_p ())
    ulp_maintain_due = true;
  else
    ulp_maintain ();
}

bool
ulp_maintenance_pending (void)
{
  for (struct ulp_obj *h = ulp_objects (); h; h = h->next)
    if (h->alive && h->nfns && h->o
        && (h->live_floor < ulp_obj_universe (h) || ulp_reclaim_due (h)))
      return true;
  for (struct ulp_patch *p = ulp_patch_list (); p; p = p->next)
    if (p->state == ULP_PATCH_REVERTED && p->target->o)
      return true;
  return false;
}

/* ------------------------------------------------------------------ */
/* Pending threads.                                                    */
/* ------------------------------------------------------------------ */

struct pending_ctx
{
  uint64_t lo, hi;
  unsigned n;
};

static bool
pending_cb (const struct ulp_thread_view *v, void *data)
{
  struct pending_ctx *c = data;
  if (!v->registered && !v->self)
    return true;
  if (!v->known)
    {
      if (v->registered)
        c->n++;
      return true;
    }
  if (v->state.depth > 0 && v->state.universe >= c->lo
      && v->state.universe < c->hi)
    c->n++;
  return true;
}

unsigned
ulp_patch_pending (struct ulp_patch *p)
{
  struct ulp_obj *h = p->target;
  if (!h->o || p->state == ULP_PATCH_UNLOADED)
    return 0;
  struct pending_ctx c;
  c.n = 0;
  if (p->state == ULP_PATCH_APPLIED)
    {
      /* Threads inside the object in a universe before the patch.  */
      c.lo = 1;
      c.hi = p->universe;
    }
  else
    {
      c.lo = p->universe;
      c.hi = p->reverted_at;
    }
  ulp_threads_each (h, pending_cb, &c);
  if (p->state == ULP_PATCH_APPLIED && !ulp_t0_resolved (h))
    {
      struct ulp_t0 *t0 = h->t0;
      if (!t0)
        c.n++;
      else
        for (size_t i = 0; i < t0->n; i++)
          if (!t0->flags[i])
            c.n++;
    }
  return c.n;
}

/* ------------------------------------------------------------------ */
/* Revert.                                                             */
/* ------------------------------------------------------------------ */

/* Revert P: end its versions at the universe the revert opens,
   republish, and open it; undone (operation.c) when a step fails.  */

static int
revert_locked (struct ulp_patch *p, struct ulp_error *err)
{
  struct ulp_obj *h = p->target;
  struct ulp_op op;
  ulp_op_start (&op, h);
  ulp_op_end_versions (&op, p);
  /* The republish before the universe step publishes the tables that
     end P's versions; without boundary code only the one after it
     moves the detours to the newest universe (see operation.c): both
     are undone alike when they fail.  */
  if (ulp_republish (h, err) < 0 || ulp_op_open_universe (&op, err) < 0)
    {
      ulp_op_undo (&op);
      return -1;
    }
  ulp_snapshot_want (h, op.u_new);
  return 0;
}

int
ulp_revert (long id, unsigned flags, struct ulp_error *err)
{
  struct ulp_error local;
  if (!err)
    err = &local;
  err->code = ULP_OK;
  err->message[0] = '\0';
  if (flags != 0)
    return ulp_fail (err, ULP_E_INVAL, "unknown flags %#x", flags);
  if (id < 0)
    return ulp_fail (err, ULP_E_INVAL, "bad patch id %ld", id);
  ulp_lock ();
  struct ulp_patch *found = NULL;
  for (struct ulp_patch *p = ulp_patch_list (); p; p = p->next)
    if (p->state == ULP_PATCH_APPLIED && (id == 0 || p->id == id))
      found = p;
  int r;
  if (!found)
    r = id == 0 ? ulp_fail (err, ULP_E_NO_PATCH, "no patch is applied")
                : ulp_fail (err, ULP_E_NO_PATCH, "no applied patch with id "
                            "%ld", id);
  else
    {
      ulp_fault_enter ();
      r = revert_locked (found, err);
      ulp_fault_leave ();
    }
  ulp_maintain_soon ();
  ulp_unlock ();
  return r;
}

int
ulp_revert_name (const char *name, unsigned flags, struct ulp_error *err)
{
  struct ulp_error local;
  if (!err)
    err = &local;
  err->code = ULP_OK;
  err->message[0] = '\0';
  if (!name || !*name)
    return ulp_fail (err, ULP_E_INVAL, "no patch name given");
  if (flags != 0)
    return ulp_fail (err, ULP_E_INVAL, "unknown flags %#x", flags);
  ulp_lock ();
  struct ulp_patch *found = NULL;
  for (struct ulp_patch *p = ulp_patch_list (); p; p = p->next)
    if (p->state == ULP_PATCH_APPLIED && strcmp (p->name, name) == 0)
      found = p;
  int r;
  if (found)
    {
      ulp_fault_enter ();
      r = revert_locked (found, err);
      ulp_fault_leave ();
    }
  else
    r = ulp_fail (err, ULP_E_NO_PATCH, "no applied patch named %s", name);
  ulp_maintain_soon ();
  ulp_unlock ();
  return r;
}
