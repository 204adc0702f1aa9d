/* arm.c -- turn on an object's boundary tracking at its first patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A library built with the plugin runs its tracked entries unarmed:
   the arming site at each entry's label is two prefixes of the
   function's entry instruction (ULP_F_ARMABLE, ulp-meta.h), so a
   process that is never patched runs the same instructions for a call
   into the library as for the library's own calls, with no
   thread-local access at all.  Tracking only matters once there are
   two universes, so the runtime arms an object right before it opens
   the object's second universe: one aligned 2-byte store per entry
   turns the prefixes into a short jump back to the tracking code in
   front of the function.  The first bytes each entry had are
   kept, so that an apply that fails afterwards, or a tool whose check
   of the threads fails (ulp-apply: a thread inside the object since
   before the arming would not be known to be inside), can disarm the
   object again and leave it as it was.

   An object loaded while the runtime is there is armed as it loads
   (ulp_object_loaded), when no thread can be inside it yet; in a
   process with a single thread, only when that thread starts a second
   one (ulp_arm_deferred, from the pthread_create wrapper), so that a
   single-threaded process that is never patched pays nothing.

   A thread that entered the object while it was unarmed is inside
   without its state saying so.  The runtime cannot see other threads'
   stacks; ulp-apply can, and checks them between the arming and the
   apply (tools/libulpproc/arm-check.c), from the body ranges this module lists.
   The in-process API (ulp_apply, the startup patches) arms without
   that check.  */

#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unwind.h>

#include "ulp-arm.h"
#include "ulp-runtime.h"
#include "ulp.h"

static const char *
rec_str (const int32_t *field)
{
  return (const char *) ulp_ref (field);
}

static void seed_self (struct ulp_obj *h);

static uintptr_t
arm_site (const struct ulp_record *r)
{
  return (uintptr_t) ulp_ref (&r->addr) + r->entry_offset
         - ULP_ARM_SITE_SIZE;
}

static bool
armable_p (const struct ulp_record *r)
{
  return ulp_entry_armable (r->kind, r->flags, r->tracking, r->entry_offset);
}

/* The armed form of R's arming site: a short jump back to its tracking
   code; false when that is out of reach.  */
static bool
armed_jump (const struct ulp_record *r, uint16_t *val)
{
  intptr_t target = (intptr_t) ulp_ref (&r->addr) - r->tracking;
  intptr_t rel = target - (intptr_t) (arm_site (r) + ULP_ARM_SITE_SIZE);
  if (rel < -128 || rel > 127)
    return false;
  unsigned char b[2] = { ULP_ARMED_JUMP, (unsigned char) (int8_t) rel };
  memcpy (val, b, sizeof *val);
  return true;
}

/* The failure for the arming site at A of R (NULL when unknown) in H,
   which is not what R describes.  */
static int
bad_site (struct ulp_obj *h, const struct ulp_record *r, uintptr_t a,
          struct ulp_error *err)
{
  const char *name = r ? rec_str (&r->name) : NULL;
  return ulp_fail (err, ULP_E_NOT_PATCHABLE,
                   "the tracked entry %s of %s at %#lx is not the unarmed "
                   "entry its record describes",
                   name ? name : "?", h->soname, (unsigned long) a);
}

/* Find H's arming sites and check their bytes; fill H->arm_sites and
   H->arm_orig.  */
static int
collect_sites (struct ulp_obj *h, struct ulp_error *err)
{
  size_t n = 0;
  for (size_t i = 0; i < h->nrecords; i++)
    if (armable_p (ulp_obj_record (h, i)))
      n++;
  uintptr_t *sites = calloc (n ? n : 1, sizeof *sites);
  uint16_t *orig = calloc (n ? n : 1, sizeof *orig);
  uint16_t *armed = calloc (n ? n : 1, sizeof *armed);
  if (!sites || !orig || !armed)
    {
      free (sites);
      free (orig);
      free (armed);
      return ulp_fail (err, ULP_E_NOMEM, "out of memory");
    }
  size_t k = 0;
  for (size_t i = 0; i < h->nrecords; i++)
    {
      const struct ulp_record *r = ulp_obj_record (h, i);
      if (!armable_p (r))
        continue;
      uintptr_t a = arm_site (r);
      const unsigned char *b = (const unsigned char *) a;
      uintptr_t track = (uintptr_t) ulp_ref (&r->addr) - r->tracking;
      if ((a & 1) || !ulp_obj_in_text (h, a, ULP_ARM_SITE_SIZE)
          || !ulp_obj_in_text (h, track, 1)
          || b[0] != ULP_UNARMED_PREFIX || b[1] != ULP_UNARMED_PREFIX
          || !armed_jump (r, &armed[k]))
        {
          free (sites);
          free (orig);
          free (armed);
          return bad_site (h, r, a, err);
        }
      sites[k] = a;
      memcpy (&orig[k], b, sizeof orig[k]);
      k++;
    }
  h->arm_sites = sites;
  h->arm_orig = orig;
  h->arm_jumps = armed;
  h->narm = k;
  return 0;
}

/* Whether H has sites left to arm: 1, 0 (armed already, or built eager
   or without tracking), or -1 with *ERR.  */
static int
sites_to_arm (struct ulp_obj *h, struct ulp_error *err)
{
  if (h->armed || !h->o)
    return 0;
  if (!h->arm_sites && collect_sites (h, err) < 0)
    return -1;
  return h->narm > 0;
}

/* Whether every arming site of H still holds the bytes it had when the
   sites were collected: something else may have written there since.  */
static int
sites_unchanged (struct ulp_obj *h, struct ulp_error *err)
{
  for (size_t i = 0; i < h->narm; i++)
    if (memcmp ((const void *) h->arm_sites[i], &h->arm_orig[i],
                sizeof h->arm_orig[i]) != 0)
      {
        const struct ulp_record *r = NULL;
        for (size_t k = 0; k < h->nrecords && !r; k++)
          if (armable_p (ulp_obj_record (h, k))
              && arm_site (ulp_obj_record (h, k)) == h->arm_sites[i])
            r = ulp_obj_record (h, k);
        return bad_site (h, r, h->arm_sites[i], err);
      }
  return 0;
}

int
ulp_obj_arm (struct ulp_obj *h, struct ulp_error *err)
{
  int todo = sites_to_arm (h, err);
  if (todo <= 0)
    return todo;
  if (sites_unchanged (h, err) < 0)
    return -1;
  size_t done;
  if (ulp_code_store16_many (h->arm_sites, h->arm_jumps, 0, h->narm,
                             ulp_obj_prot (h, h->narm ? h->arm_sites[0] : 0),
                             &done, err) < 0)
    {
      /* Put back the ones that changed.  */
      struct ulp_error e2;
      ulp_code_store16_many (h->arm_sites, h->arm_orig, 0, done,
                             ulp_obj_prot (h, h->arm_sites[0]), NULL, &e2);
      return -1;
    }
  h->armed = true;
  if (!ulp_worker_self_p ())
    seed_self (h);
  return 1;
}

bool
ulp_obj_armed_p (struct ulp_obj *h)
{
  if (!h->o)
    return false;
  struct ulp_error err;
  if (!h->arm_sites && collect_sites (h, &err) < 0)
    return false;
  return h->armed || h->narm == 0;
}

int
ulp_obj_disarm (struct ulp_obj *h, struct ulp_error *err)
{
  if (!h->armed)
    return 0;
  /* Safe at any time: a thread the tracking counted as inside leaves
     through the outer entry, which clears its state; later calls run
     the bodies directly again.  */
  if (ulp_code_store16_many (h->arm_sites, h->arm_orig, 0, h->narm,
                             ulp_obj_prot (h, h->arm_sites[0]), NULL, err)
      < 0)
    return -1;
  h->armed = false;
  return 0;
}

static int
cmp_range (const void *a, const void *b)
{
  const uint64_t *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0];
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The code ranges of the functions with tracked entries (and of their
   cold parts), sorted, in a malloc'd array of *NR pairs; NULL when out
   of memory.  A thread whose frame in such a function sits right below
   a frame outside the object entered it through the entry.  */
static uint64_t (*body_ranges (struct ulp_obj *h, size_t *nr))[2]
{
  size_t nb = 0;
  for (size_t i = 0; i < h->nrecords; i++)
    if (armable_p (ulp_obj_record (h, i)))
      nb++;
  const char **names = calloc (nb ? nb : 1, sizeof *names);
  uint64_t (*ranges)[2] = calloc (2 * (nb ? nb : 1), sizeof *ranges);
  size_t k = 0, n = 0;
  if (!names || !ranges)
    {
      free (names);
      free (ranges);
      return NULL;
    }
  for (size_t i = 0; i < h->nrecords; i++)
    {
      const struct ulp_record *r = ulp_obj_record (h, i);
      const char *name = armable_p (r) ? rec_str (&r->name) : NULL;
      if (name)
        names[k++] = name;
    }
  qsort (names, k, sizeof *names, cmp_str);
  for (size_t i = 0; i < h->nrecords && n < 2 * nb; i++)
    {
      const struct ulp_record *r = ulp_obj_record (h, i);
      const char *key = (armable_p (r) ? rec_str (&r->name)
                         : r->kind == ULP_KIND_COLD ? rec_str (&r->origin)
                                                    : NULL);
      if (!key || !bsearch (&key, names, k, sizeof *names, cmp_str))
        continue;
      uintptr_t s = (uintptr_t) ulp_ref (&r->addr);
      ranges[n][0] = s;
      ranges[n][1] = s + r->code_size;
      n++;
    }
  free (names);
  qsort (ranges, n, sizeof *ranges, cmp_range);
  *nr = n;
  return ranges;
}

void
ulp_obj_put_arm_info (struct ulp_obj *h, bool armed_now, struct ulp_buf *b)
{
  size_t nr = 0;
  uint64_t (*ranges)[2];
  /* A program: its threads never leave it, and its functions are not
     tracked.  Every thread with a frame in it is inside, from the
     outermost such frame (main, a thread's start routine), at every
     patch, not only at the arming.  */
  if (h->main_program)
    {
      ranges = calloc (1, sizeof *ranges);
      if (ranges)
        {
          ranges[0][0] = h->lo;
          ranges[0][1] = h->hi;
          nr = 1;
        }
    }
  else
    ranges = body_ranges (h, &nr);
  ulp_put (b, "{\"soname\": ");
  ulp_put_str (b, h->soname);
  ulp_put (b, ", \"armed_now\": %s, \"program\": %s, \"entries\": %zu, "
           "\"universe\": %llu, \"base\": %llu, \"tls_offset\": %llu, "
           "\"lo\": %llu, \"hi\": %llu, \"bodies\": [",
           armed_now ? "true" : "false", h->main_program ? "true" : "false",
           h->narm,
           (unsigned long long) ulp_obj_universe (h),
           (unsigned long long) h->base, (unsigned long long) h->tls_offset,
           (unsigned long long) h->lo, (unsigned long long) h->hi);
  for (size_t i = 0; i < nr; i++)
    ulp_put (b, "%s[%llu, %llu]", i ? ", " : "",
             (unsigned long long) ranges[i][0],
             (unsigned long long) ranges[i][1]);
  ulp_put (b, "]}");
  if (!ranges)
    b->failed = true;
  free (ranges);
}

/* The calling thread's frames, innermost first.  */
#define SEED_FRAMES 256
struct self_trace
{
  size_t n;
  uint64_t pc[SEED_FRAMES], sp[SEED_FRAMES];
};

static _Unwind_Reason_Code
self_trace_cb (struct _Unwind_Context *ctx, void *data)
{
  struct self_trace *tr = data;
  int before = 0;
  uintptr_t pc = _Unwind_GetIPInfo (ctx, &before);
  if (pc == 0)
    return _URC_END_OF_STACK;
  /* A deeper stack keeps its innermost frames: the entry found there
     is then not the outermost, which is still better than none.  */
  if (tr->n == SEED_FRAMES)
    return _URC_END_OF_STACK;
  tr->pc[tr->n] = before ? pc : pc - 1;
  /* libgcc's "CFA" here is the frame's own stack pointer (its callee's
     CFA), as a debugger's unwinder gives it.  */
  tr->sp[tr->n] = _Unwind_GetCFA (ctx);
  tr->n++;
  return _URC_NO_REASON;
}

/* A thread that applies the first patch of H from inside H (a callback
   the object called) entered H before it was armed: its state does not
   say it is inside.  Say so now, as its entry would have, so that it
   finishes its call in the universe it began in.  Like a longjmp out of
   the object, this leaves the state behind once the thread has left
   (manual: "The model").  */
static void
seed_self (struct ulp_obj *h)
{
  struct ulp_thread_state *t = ulp_obj_self_state (h);
  if (!t)
    return;
  struct self_trace *tr = calloc (1, sizeof *tr);
  size_t nr = 0;
  uint64_t (*ranges)[2] = tr ? body_ranges (h, &nr) : NULL;
  if (ranges)
    {
      _Unwind_Backtrace (self_trace_cb, tr);
      uint64_t s = ulp_arm_untracked_entry_sp (h->lo, h->hi,
                                               (const uint64_t (*)[2]) ranges,
                                               nr, tr->pc, tr->sp, tr->n);
      if (s && (t->outer_sp == 0 || s > t->outer_sp))
        {
          if (t->depth == 0 || t->universe == 0)
            t->universe = ulp_obj_universe (h);
          t->depth = 1;
          t->outer_sp = s;
          ulp_register (h, t);
        }
    }
  free (ranges);
  free (tr);
}


char *
ulp_arm_request (const char *soname, bool arm, int64_t *result,
                 struct ulp_error *err)
{
  *result = -1;
  ulp_lock ();
  struct ulp_obj *h = ulp_tracked_object (soname);
  if (!h)
    {
      ulp_unlock ();
      ulp_fail (err, ULP_E_NOT_LOADED, "%s is not loaded or has no "
                "boundary tracking", soname);
      return NULL;
    }
  char *reply = NULL;
  if (!arm)
    {
      /* Only an object no patch was applied to is disarmed: the tool
         that armed it for its patch gives up.  */
      if (h->applied == 0 && ulp_obj_universe (h) == 1)
        *result = ulp_obj_disarm (h, err);
      else
        *result = 0;
      ulp_unlock ();
      return NULL;
    }
  int r = ulp_obj_arm (h, err);
  if (r >= 0)
    {
      struct ulp_buf b = { 0 };
      ulp_obj_put_arm_info (h, r == 1, &b);
      if (b.failed)
        {
          free (b.s);
          ulp_obj_disarm (h, err);
          ulp_fail (err, ULP_E_NOMEM, "out of memory");
        }
      else
        {
          reply = b.s;
          *result = 0;
        }
    }
  ulp_unlock ();
  return reply;
}

/* Whether a thread other than the calling one and the runtime's worker
   exists: one of them could be inside an unarmed object.  */
static bool
other_threads_p (void)
{
  DIR *d = opendir ("/proc/self/task");
  if (!d)
    return true;
  int self = ulp_gettid ();
  int worker = (int) __atomic_load_n (&ulp_control.worker_tid,
                                      __ATOMIC_ACQUIRE);
  bool other = false;
  struct dirent *e;
  while (!other && (e = readdir (d)))
    {
      if (e->d_name[0] < '0' || e->d_name[0] > '9')
        continue;
      int tid = atoi (e->d_name);
      other = tid != self && tid != worker;
    }
  closedir (d);
  return other;
}

int
ulp_obj_arm_for_apply (struct ulp_obj *h, struct ulp_error *err)
{
  int todo = sites_to_arm (h, err);
  if (todo <= 0)
    return todo;
  /* A thread that entered before the arming is found only on its own
     stack: ulp-apply looks at every thread before it sends the patch
     (the "arm" request), a thread applying from inside looks at its
     own.  Any other thread could be inside unseen.  */
  if (other_threads_p ())
    return ulp_fail (err, ULP_E_NOT_ARMED,
                     "%s was built with lazy arming and is not armed, and "
                     "other threads may be inside it: apply with ulp-apply, "
                     "which checks their stacks, or load the runtime before "
                     "the object", h->soname);
  return ulp_obj_arm (h, err);
}

/* Whether an object was left unarmed at load (see ulp_arm_deferred):
   read without the lock by every pthread_create.  */
static bool any_deferred;

void
ulp_object_loaded (struct ulp_object_state *o)
{
  /* Called by the object's constructor (the plugin's __ulp_arm_at_load)
     while it is being loaded: no thread can be inside it yet.  */
  /* A dlopen the runtime itself makes under its lock (a patch, or a
     loaded object not initialised yet) runs constructors on this
     thread: leave that object to the apply in progress, which arms it
     if it is the target.  */
  if (!o || ulp_lock_held_by_self ())
    return;
  ulp_lock ();
  for (struct ulp_obj *h = ulp_objects (); h; h = h->next)
    if (h->alive && h->o == o)
      {
        /* A process with one thread pays nothing for tracking until it
           starts another (or is patched): a single-threaded program
           that never is runs the same instructions as without the
           runtime.  Until then no other thread can enter unseen.  */
        if (other_threads_p ())
          {
            struct ulp_error err;
            ulp_obj_arm (h, &err);
          }
        else
          {
            h->arm_deferred = true;
            __atomic_store_n (&any_deferred, true, __ATOMIC_RELEASE);
          }
        break;
      }
  ulp_unlock ();
}

void
ulp_arm_deferred (void)
{
  if (!__atomic_load_n (&any_deferred, __ATOMIC_ACQUIRE)
      || ulp_lock_held_by_self ())
    return;
  ulp_lock ();
  /* Another thread than this one and the worker (a thread started
     without pthread_create) could be inside unseen: leave the objects
     to ulp-apply's check of every stack, as if the runtime had come
     late.  */
  bool alone = !other_threads_p ();
  for (struct ulp_obj *h = ulp_objects (); h; h = h->next)
    if (h->alive && h->arm_deferred)
      {
        h->arm_deferred = false;
        if (alone)
          {
            struct ulp_error err;
            ulp_obj_arm (h, &err);
          }
      }
  __atomic_store_n (&any_deferred, false, __ATOMIC_RELEASE);
  ulp_unlock ();
}
