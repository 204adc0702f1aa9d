/* operation.c -- an apply or a revert in progress: its universe, its
   point of no return, and its undo.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   An apply (apply.c) and a revert (revert.c) change one object the same
   way: some versions end at the universe the operation opens (the
   reverted patch's, or those of the older version an apply replaces),
   an apply's versions begin there, the detours are republished, and
   only then is the universe opened.  Until that store no thread can
   select by it (each stub selects by a universe that is at most the
   current one), so any failure before it can be undone completely, by
   taking back what struct ulp_op says was done, in reverse order: the
   versions, the detours, the arming.  */

#include <config.h>

#include "ulp-runtime.h"

void
ulp_op_start (struct ulp_op *op, struct ulp_obj *h)
{
  *op = (struct ulp_op) { .h = h, .u_new = ulp_obj_universe (h) + 1 };
}

/* Make the versions of Q valid until TO.  */

static void
versions_end_at (struct ulp_patch *q, uint64_t to)
{
  for (size_t i = 0; i < q->nfns; i++)
    for (size_t j = 0; j < q->fns[i]->nversions; j++)
      if (q->fns[i]->versions[j].patch == q)
        q->fns[i]->versions[j].to = to;
}

void
ulp_op_end_versions (struct ulp_op *op, struct ulp_patch *q)
{
  op->ending = q;
  versions_end_at (q, op->u_new);
  op->ended = true;
}

void
ulp_patch_drop_versions (struct ulp_patch *p)
{
  for (size_t i = 0; i < p->nfns; i++)
    {
      struct ulp_fn *fn = p->fns[i];
      size_t k = 0;
      for (size_t j = 0; j < fn->nversions; j++)
        if (fn->versions[j].patch != p)
          fn->versions[k++] = fn->versions[j];
      fn->nversions = k;
    }
}

int
ulp_op_open_universe (struct ulp_op *op, struct ulp_error *err)
{
  struct ulp_obj *h = op->h;
  /* Without boundary code no thread selects by universe: the detours
     published before still lead to the current versions, and only this
     republish moves them to the new ones, so it can still fail and be
     undone like any step before it (the counter goes back first, as no
     thread reads it).  */
  ulp_obj_bump (h);
  if (!h->o && ulp_republish (h, err) < 0)
    {
      h->own_universe--;
      return -1;
    }
  if (op->ending)
    {
      op->ending->reverted_at = op->u_new;
      op->ending->state = ULP_PATCH_REVERTED;
      h->applied--;
    }
  return 0;
}

void
ulp_op_undo (struct ulp_op *op)
{
  struct ulp_error e2;
  struct ulp_patch *p = op->adding, *old = op->ending;
  /* Remove the versions again and republish what was there.  */
  if (p)
    {
      ulp_patch_drop_versions (p);
      ulp_ranges_publish (op->h);
    }
  if (op->ended)
    versions_end_at (old, UINT64_MAX);
  if (!p)
    {
      /* A revert changed tables and detours only.  */
      ulp_republish (op->h, &e2);
      return;
    }
  bool restored = true;
  for (size_t i = 0; old && i < old->nfns; i++)
    if (ulp_fn_republish (old->fns[i], &e2) < 0)
      restored = false;
  for (size_t i = 0; i < p->nfns; i++)
    if (ulp_fn_republish (p->fns[i], &e2) < 0)
      restored = false;
  for (size_t i = 0; i < p->nfns; i++)
    if (p->fns[i]->nversions == 0)
      ulp_fn_unprepare (p->fns[i]);
  if (!restored)
    /* A stub might still name the patch's code for a universe that is
       never opened: keep it loaded rather than risk it.  */
    op->handle = NULL;
  if (op->armed > 0)
    ulp_obj_disarm (op->h, &e2);
}
