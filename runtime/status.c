/* status.c -- report applied patches and the runtime's state.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp_patches fills struct ulp_patch_info for the applied patches;
   ulp_status_json describes everything as one JSON document: objects
   with their universes and thread registries, every patch ever applied
   with its state (applied, reverted and pending unload, unloaded), the
   patched functions and how each is currently reached (a per-thread
   stub, straight to a version, or the original entry), and the stub
   memory.  Both run the lazy maintenance first (revert.c), so what they
   report is current.  */

#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ulp-runtime.h"

static void
copy (char *dst, size_t size, const char *src)
{
  snprintf (dst, size, "%s", src ? src : "");
}

size_t
ulp_patches (struct ulp_patch_info *out, size_t max)
{
  ulp_lock ();
  ulp_maintain ();
  size_t n = 0;
  for (struct ulp_patch *p = ulp_patch_list (); p; p = p->next)
    {
      if (p->state != ULP_PATCH_APPLIED)
        continue;
      if (out && n < max)
        {
          struct ulp_patch_info *i = &out[n];
          memset (i, 0, sizeof *i);
          i->id = p->id;
          copy (i->name, sizeof i->name, p->name);
          copy (i->path, sizeof i->path, p->path);
          copy (i->target, sizeof i->target, p->target->soname);
          i->universe = p->universe;
          i->functions = (unsigned) p->nfns;
          i->pending = ulp_patch_pending (p);
          i->version = p->version;
        }
      n++;
    }
  ulp_unlock ();
  return n;
}

struct threads_ctx
{
  struct ulp_buf *b;
  bool first;
  struct ulp_obj *h;
};

static bool
thread_cb (const struct ulp_thread_view *v, void *data)
{
  struct threads_ctx *c = data;
  if (!v->registered)
    return true;
  ulp_put (c->b, "%s{\"tid\": %d", c->first ? "" : ", ", v->tid);
  if (v->known)
    ulp_put (c->b, ", \"depth\": %llu, \"universe\": %llu",
         (unsigned long long) v->state.depth,
         (unsigned long long) v->state.universe);
  int frame;
  const char *held = v->known ? ulp_migrate_held (c->h, v->tid,
                                                  v->state.universe, &frame)
                              : NULL;
  if (held && frame >= 0)
    ulp_put (c->b, ", \"held_by\": {\"function\": \"%s\", \"frame\": %d}", held,
         frame);
  else if (held)
    ulp_put (c->b, ", \"held_by\": {\"reason\": \"%s\"}", held);
  ulp_put (c->b, "}");
  c->first = false;
  return true;
}

static const char *
tls_name (enum ulp_tls_kind k)
{
  switch (k)
    {
    case ULP_TLS_STATIC:
      return "static";
    case ULP_TLS_DYNAMIC:
      return "dynamic";
    case ULP_TLS_UNKNOWN:
      return "undecided";
    default:
      return "none";
    }
}

static const char *
state_name (enum ulp_patch_state_kind k)
{
  switch (k)
    {
    case ULP_PATCH_APPLIED:
      return "applied";
    case ULP_PATCH_REVERTED:
      return "reverted";
    default:
      return "unloaded";
    }
}

/* H's exported functions that are no tracked entry, with the first
   few names: known from the object's first patch on (exports.c).  */

static void
put_untracked (struct ulp_buf *b, const struct ulp_obj *h)
{
  if (!h->exports_checked)
    {
      ulp_put (b, ", \"untracked_exports\": null");
      return;
    }
  ulp_put (b, ", \"untracked_exports\": %zu, \"untracked_examples\": [",
           h->untracked_exports);
  for (size_t i = 0; i < h->untracked_exports && i < ULP_UNTRACKED_SHOWN;
       i++)
    {
      if (i)
        ulp_put (b, ", ");
      ulp_put_str (b, h->untracked_names[i]);
    }
  ulp_put (b, "]");
}

/* H's patched functions, and how each is reached now.  */

static void
put_functions (struct ulp_buf *b, const struct ulp_obj *h)
{
  for (size_t i = 0; i < h->nfns; i++)
    {
      struct ulp_fn *fn = h->fns[i];
      const char *how = !fn->entry_written ? "original"
                        : fn->stub && fn->slot_target == (uintptr_t) fn->stub
                          ? "per-thread"
                          : "direct";
      ulp_put (b, "%s{\"name\": ", i ? ", " : "");
      ulp_put_str (b, fn->name);
      ulp_put (b, ", \"unit\": ");
      ulp_put_str (b, fn->unit);
      ulp_put (b, ", \"versions\": %zu, \"selection\": \"%s\"}",
               fn->nversions, how);
    }
}

static void
put_object (struct ulp_buf *b, struct ulp_obj *h)
{
  char hex[129];
  ulp_obj_build_id_hex (h, hex);
  ulp_put (b, "{\"soname\": ");
  ulp_put_str (b, h->soname);
  ulp_put (b, ", \"path\": ");
  ulp_put_str (b, h->path);
  ulp_put (b, ", \"build_id\": ");
  ulp_put_str (b, hex);
  ulp_put (b, ", \"armed\": %s", ulp_obj_armed_p (h) ? "true" : "false");
  ulp_put (b, ", \"boundary\": %s, \"universe\": %llu, \"live_floor\": %llu"
           ", \"tls\": \"%s\", \"unknown_threads\": %s",
           h->o ? "true" : "false",
           (unsigned long long) ulp_obj_universe (h),
           (unsigned long long) h->live_floor, tls_name (h->tls_kind),
           h->o && !ulp_t0_resolved (h) ? "true" : "false");
  put_untracked (b, h);
  ulp_put (b, ", \"threads\": [");
  if (h->o)
    {
      struct threads_ctx c = { b, true, h };
      ulp_threads_each (h, thread_cb, &c);
    }
  ulp_put (b, "], \"functions\": [");
  put_functions (b, h);
  ulp_put (b, "]}");
}

static void
put_patch (struct ulp_buf *b, struct ulp_patch *p)
{
  ulp_put (b, "{\"id\": %ld, \"name\": ", p->id);
  ulp_put_str (b, p->name);
  ulp_put (b, ", \"description\": ");
  ulp_put_str (b, p->description);
  ulp_put (b, ", \"path\": ");
  ulp_put_str (b, p->path);
  ulp_put (b, ", \"target\": ");
  ulp_put_str (b, p->target->soname);
  ulp_put (b, ", \"version\": %u", (unsigned) p->version);
  ulp_put (b, ", \"state\": \"%s\", \"universe\": %llu",
           state_name (p->state), (unsigned long long) p->universe);
  if (p->reverted_at)
    ulp_put (b, ", \"reverted_at\": %llu",
             (unsigned long long) p->reverted_at);
  ulp_put (b, ", \"functions\": %zu, \"pending\": %u}", p->nfns,
           ulp_patch_pending (p));
}

char *
ulp_status_json (void)
{
  struct ulp_buf b = { malloc (4096), 0, 4096, false };
  if (!b.s)
    return NULL;
  ulp_lock ();
  ulp_maintain ();
  ulp_put (&b, "{\"objects\": [");
  bool first = true;
  for (struct ulp_obj *h = ulp_objects (); h; h = h->next)
    if (h->alive)
      {
        ulp_put (&b, "%s", first ? "" : ", ");
        first = false;
        put_object (&b, h);
      }
  ulp_put (&b, "], \"patches\": [");
  first = true;
  for (struct ulp_patch *p = ulp_patch_list (); p; p = p->next)
    {
      ulp_put (&b, "%s", first ? "" : ", ");
      first = false;
      put_patch (&b, p);
    }
  size_t bytes, retired, rbytes, reclaimed;
  ulp_stub_stats (&bytes, &retired, &rbytes, &reclaimed);
  ulp_put (&b, "], \"stubs\": {\"bytes\": %zu, \"retired\": %zu, "
           "\"retired_bytes\": %zu, \"reclaimed_bytes\": %zu}, "
           "\"code_writes\": \"%s\"}",
           bytes, retired, rbytes, reclaimed, ulp_code_write_method ());
  ulp_unlock ();
  if (b.failed)
    {
      free (b.s);
      return NULL;
    }
  return b.s;
}
