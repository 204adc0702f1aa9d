/* migrate.c -- moving threads that never leave an object to its newest
   universe.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A thread takes an object's newest universe when it enters the object
   from outside (threads.c).  A thread that never leaves (an event loop,
   a worker pool started inside the object) would keep its universe for
   ever.  It may move on as soon as no function that differs between
   its universe and the newest is on its stack, as the kernel's
   livepatch does: every frame then belongs to code that is the same in
   both universes, so the calls it makes from now on may select the new
   versions, and the returns it has ahead land in unchanged code.

   Two ways get there:

   - From outside: ulp-apply (tools/libulpproc/migrate.c) stops each such thread in
     turn, unwinds its stack with libdwfl and, when no frame lies in a
     range this module names, writes the newest universe into the
     thread's state.  The runtime's part is ulp_migrate_json, the list
     of pending threads with their state addresses and forbidden code
     ranges, and the notes of what held the threads the tool could not
     move (ulp_migrate_note_held), which the status reports.

   - From inside: ulp_quiescent (ulp.h), which the thread calls itself at
     a point of its loop; it unwinds its own stack with the unwinder GCC
     provides (_Unwind_Backtrace) and moves itself.

   The forbidden ranges of a thread in universe U when the newest is N:
   for every patched function whose version in U differs from its
   version in N, the code of every version but N's (original body and
   older replacements, with their cold parts).  Every version but N's
   rather than only U's: it costs nothing and does not depend on the
   thread having run only its own universe's versions.  Also the whole
   of every patch that was applied in U and has been reverted since:
   its replacements may have tail-called functions of their own, which
   are no function's version but are unloaded with the patch.  */

#include <config.h>

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unwind.h>

#include "ulp-runtime.h"

/* Whether range R of H is forbidden to a thread in universe U when the
   newest is N.  */

static bool
forbidden_p (const struct ulp_range *r, uint64_t u, uint64_t n)
{
  const struct ulp_table *tab = __atomic_load_n (&r->fn->table,
                                                 __ATOMIC_ACQUIRE);
  if (!tab)
    return false;
  uintptr_t old = ulp_table_lookup (tab, u);
  uintptr_t now = ulp_table_lookup (tab, n);
  return old != now && r->version != now;
}

/* Whether patch P of H was applied in universe U and is reverted.
   Under the lock.  */

static bool
patch_forbidden_p (const struct ulp_patch *p, const struct ulp_obj *h,
                   uint64_t u)
{
  return p->target == h && p->state == ULP_PATCH_REVERTED
         && p->universe <= u && p->reverted_at > u && p->hi > p->lo;
}

/* ------------------------------------------------------------------ */
/* What held a thread at the tool's last check.                        */
/* ------------------------------------------------------------------ */

struct held_note
{
  struct ulp_obj *h;
  int tid;
  int frame;            /* -1: REASON is not a function name.  */
  uint64_t newest;      /* the universe the thread could not take.  */
  char what[128];
};

/* Under the lock.  */
static struct held_note *notes;
static size_t nnotes;

const char *
ulp_migrate_held (struct ulp_obj *h, int tid, uint64_t thread_universe,
                  int *frame)
{
  uint64_t newest = ulp_obj_universe (h);
  for (size_t i = 0; i < nnotes; i++)
    if (notes[i].h == h && notes[i].tid == tid
        && notes[i].newest == newest && thread_universe < newest)
      {
        *frame = notes[i].frame;
        return notes[i].what;
      }
  return NULL;
}

/* Replace the notes of object SONAME with HELD (control.c parsed the
   request).  */

int
ulp_migrate_note_held (const char *soname, uint64_t newest,
                       const struct ulp_held_thread *held, size_t n,
                       struct ulp_error *err)
{
  ulp_lock ();
  struct ulp_obj *h = ulp_tracked_object (soname);
  if (!h)
    {
      ulp_unlock ();
      return ulp_fail (err, ULP_E_NOT_LOADED, "%s is not loaded", soname);
    }
  size_t k = 0;
  for (size_t i = 0; i < nnotes; i++)
    if (notes[i].h != h)
      notes[k++] = notes[i];
  nnotes = k;
  for (size_t i = 0; i < n; i++)
    {
      struct held_note *nv = realloc (notes, (nnotes + 1) * sizeof *nv);
      if (!nv)
        break;
      notes = nv;
      struct held_note *e = &notes[nnotes++];
      e->h = h;
      e->tid = held[i].tid;
      e->frame = held[i].frame;
      e->newest = newest;
      /* It goes into JSON unquoted: assembler names and the tool's
         reason words need no escaping, anything else is not kept.  */
      snprintf (e->what, sizeof e->what, "%s", held[i].what);
      for (char *q = e->what; *q; q++)
        if (!strchr ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789_.$@-", *q))
          *q = '?';
    }
  ulp_unlock ();
  return 0;
}

int
ulp_migrate_register (const char *soname,
                      const struct ulp_found_thread *found, size_t n,
                      struct ulp_error *err)
{
  ulp_lock ();
  struct ulp_obj *h = ulp_tracked_object (soname);
  if (!h)
    {
      ulp_unlock ();
      return ulp_fail (err, ULP_E_NOT_LOADED, "%s is not loaded", soname);
    }
  for (size_t i = 0; i < n; i++)
    ulp_t0_register (h, found[i].tid, found[i].state);
  ulp_unlock ();
  return 0;
}

/* ------------------------------------------------------------------ */
/* The pending threads, for ulp-apply.                                 */
/* ------------------------------------------------------------------ */

struct pending_ctx
{
  struct ulp_buf *b;
  struct ulp_obj *h;
  uint64_t newest;
  int worker;
  bool first_thread;
  bool object_open;
  bool first_object;
};

static void open_object (struct pending_ctx *c);
static void put_ranges (struct ulp_buf *b, struct ulp_obj *h, uint64_t u,
                        uint64_t n);

static bool
pending_cb (const struct ulp_thread_view *v, void *data)
{
  struct pending_ctx *c = data;
  if (!v->registered || !v->known || !v->addr || v->tid == c->worker
      || v->state.depth == 0 || v->state.universe == 0
      || v->state.universe >= c->newest)
    return true;
  struct ulp_buf *b = c->b;
  open_object (c);
  ulp_put (b, "%s{\"tid\": %d, \"state\": %llu, \"universe\": %llu, "
           "\"depth\": %llu, \"ranges\": [", c->first_thread ? "" : ", ",
        v->tid, (unsigned long long) v->addr,
        (unsigned long long) v->state.universe,
        (unsigned long long) v->state.depth);
  c->first_thread = false;
  put_ranges (b, c->h, v->state.universe, c->newest);
  ulp_put (b, "]}");
  return true;
}

static void
open_object (struct pending_ctx *c)
{
  if (c->object_open)
    return;
  ulp_put (c->b, "%s{\"soname\": \"%s\", \"object\": %llu, \"universe\": "
               "%llu, \"threads\": [", c->first_object ? "" : ", ",
        c->h->soname, (unsigned long long) (uintptr_t) c->h->o,
        (unsigned long long) c->newest);
  c->object_open = true;
  c->first_object = false;
}

/* The ranges forbidden to a thread of H in universe U when the newest is
   N, as JSON array elements.  */
static void
put_ranges (struct ulp_buf *b, struct ulp_obj *h, uint64_t u, uint64_t n)
{
  struct ulp_range_set *rs = __atomic_load_n (&h->ranges, __ATOMIC_ACQUIRE);
  bool first = true;
  for (size_t i = 0; rs && i < rs->n; i++)
    if (forbidden_p (&rs->r[i], u, n))
      {
        /* Names are assembler names: no character needs escaping.  */
        ulp_put (b, "%s[%llu, %llu, \"%s\"]", first ? "" : ", ",
              (unsigned long long) rs->r[i].start,
              (unsigned long long) rs->r[i].end, rs->r[i].fn->name);
        first = false;
      }
  for (struct ulp_patch *p = ulp_patch_list (); p; p = p->next)
    if (patch_forbidden_p (p, h, u))
      {
        /* A token without quotes, backslashes or spaces, which the
           tool sends back in a migrate-held request.  */
        char name[128];
        snprintf (name, sizeof name, "%s", p->name);
        for (char *q = name; *q; q++)
          if (*q == '"' || *q == '\\' || (unsigned char) *q <= ' ')
            *q = '?';
        ulp_put (b, "%s[%llu, %llu, \"patch:%s\"]", first ? "" : ", ",
              (unsigned long long) p->lo, (unsigned long long) p->hi, name);
        first = false;
      }
}

char *
ulp_migrate_json (void)
{
  struct ulp_buf b = { malloc (1024), 0, 1024, false };
  if (!b.s)
    return NULL;
  ulp_lock ();
  ulp_put (&b, "{\"objects\": [");
  struct pending_ctx c;
  memset (&c, 0, sizeof c);
  c.b = &b;
  c.first_object = true;
  c.worker = (int) __atomic_load_n (&ulp_control.worker_tid,
                                    __ATOMIC_ACQUIRE);
  for (struct ulp_obj *h = ulp_objects (); h; h = h->next)
    {
      if (!h->alive || !h->o || h->nfns == 0)
        continue;
      c.h = h;
      c.newest = ulp_obj_universe (h);
      c.first_thread = true;
      c.object_open = false;
      ulp_threads_each (h, pending_cb, &c);
      /* Threads that were there when the runtime attached and have not
         been seen since may be inside in universe 1 (nothing else could
         open a universe before the runtime came) with no registered
         state: the tool finds their states through glibc's thread list
         (BASE, TLS_OFFSET) and registers them (migrate-register).  */
      size_t nt;
      int *tids = h->o && ulp_obj_universe (h) > 1 ? ulp_list_tids (&nt) : NULL;
      bool any = false;
      for (size_t i = 0; tids && i < nt; i++)
        {
          if (tids[i] == c.worker || !ulp_t0_pending_p (h, tids[i]))
            continue;
          if (!any)
            {
              open_object (&c);
              ulp_put (&b, "], \"unknown\": {\"base\": %llu, \"tls_offset\": "
                        "%llu, \"universe\": 1, \"ranges\": [",
                    (unsigned long long) h->base,
                    (unsigned long long) h->tls_offset);
              put_ranges (&b, h, 1, c.newest);
              ulp_put (&b, "], \"tids\": [%d", tids[i]);
              any = true;
            }
          else
            ulp_put (&b, ", %d", tids[i]);
        }
      free (tids);
      if (any)
        ulp_put (&b, "]}}");
      else if (c.object_open)
        ulp_put (&b, "]}");
    }
  ulp_put (&b, "]}");
  ulp_unlock ();
  if (b.failed)
    {
      free (b.s);
      return NULL;
    }
  return b.s;
}

/* ------------------------------------------------------------------ */
/* A quiescent point the thread declares itself.                       */
/* ------------------------------------------------------------------ */

#define QUIESCENT_MAX_FRAMES 512

struct trace
{
  uintptr_t pc[QUIESCENT_MAX_FRAMES];
  size_t n;
  bool truncated;
};

/* libgcc's, exported by libgcc_s (unwind-dw2-fde.h).  */
struct dwarf_eh_bases
{
  void *tbase;
  void *dbase;
  void *func;
};
extern const void *_Unwind_Find_FDE (void *pc, struct dwarf_eh_bases *bases);

/* _Unwind_Backtrace calls this for every frame, the last one included
   (any other value than _URC_NO_REASON makes it fail).  */
static _Unwind_Reason_Code
trace_cb (struct _Unwind_Context *ctx, void *data)
{
  struct trace *t = data;
  int before = 0;
  uintptr_t pc = _Unwind_GetIPInfo (ctx, &before);
  if (pc == 0)
    return _URC_NO_REASON;   /* past the outermost frame.  */
  if (t->n == QUIESCENT_MAX_FRAMES)
    {
      t->truncated = true;
      return _URC_NORMAL_STOP;
    }
  /* A return address may point just past its call (a call to a
     noreturn function ending its caller): look at the call itself.  */
  t->pc[t->n++] = before ? pc : pc - 1;
  return _URC_NO_REASON;
}

/* Whether any of T's addresses is in a range forbidden to universe U
   when the newest is N.  Under the lock.  */

static bool
holds_p (struct ulp_obj *h, const struct trace *t, uint64_t u, uint64_t n)
{
  struct ulp_range_set *rs = __atomic_load_n (&h->ranges, __ATOMIC_ACQUIRE);
  for (size_t i = 0; rs && i < rs->n; i++)
    if (forbidden_p (&rs->r[i], u, n))
      for (size_t k = 0; k < t->n; k++)
        if (t->pc[k] >= rs->r[i].start && t->pc[k] < rs->r[i].end)
          return true;
  for (struct ulp_patch *p = ulp_patch_list (); p; p = p->next)
    if (patch_forbidden_p (p, h, u))
      for (size_t k = 0; k < t->n; k++)
        if (t->pc[k] >= p->lo && t->pc[k] < p->hi)
          return true;
  return false;
}

__attribute__ ((visibility ("default"))) int
ulp_quiescent (void)
{
  /* Nothing to do before the first patch: no thread can be behind.  */
  if (!__atomic_load_n (&ulp_patching_started, __ATOMIC_ACQUIRE))
    return 0;
  struct trace *tr = NULL;
  int held = 0;
  for (struct ulp_obj *h = __atomic_load_n (&ulp_objects_head,
                                            __ATOMIC_ACQUIRE);
       h; h = h->next)
    {
      if (!h->alive || !h->o)
        continue;
      struct ulp_thread_state *t = ulp_obj_self_state (h);
      if (!t || t->depth == 0 || t->universe == 0
          || t->universe >= ulp_obj_universe (h))
        continue;
      if (!tr)
        {
          /* Once, and only for a thread that is behind somewhere.  */
          tr = calloc (1, sizeof *tr);
          if (!tr)
            return -1;
          /* libgcc also ends the walk, as if the stack ended, at a
             frame it has no unwind information for: the stack was
             seen whole only if the last frame has some (its return
             address is then marked undefined, as in clone3 or
             _start).  */
          struct dwarf_eh_bases bases;
          if (_Unwind_Backtrace (trace_cb, tr) != _URC_END_OF_STACK
              || tr->truncated || tr->n == 0
              || !_Unwind_Find_FDE ((void *) tr->pc[tr->n - 1], &bases))
            {
              /* A stack we cannot see whole proves nothing.  */
              free (tr);
              return -1;
            }
        }
      ulp_lock ();
      uint64_t n = ulp_obj_universe (h);
      if (holds_p (h, tr, t->universe, n))
        held++;
      else
        /* Only this thread writes its universe (besides a tool that
           has it stopped): a plain store is enough.  */
        __atomic_store_n (&t->universe, n, __ATOMIC_RELEASE);
      ulp_unlock ();
    }
  free (tr);
  return held;
}
