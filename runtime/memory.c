/* memory.c -- memory for detour slots and selector stubs.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A detoured function's pre-entry area is `jmp *slot(%rip)', whose
   32-bit displacement needs the 8-byte slot within 2 GiB of the
   function.  Slots live on data pages of their own mapped near the
   object (found from the gaps in /proc/self/maps, or by probing
   addresses when /proc is not there), so that a slot store never
   touches a cache line of code, and so that retargeting a function is
   one aligned 8-byte store.

   Stubs are machine code generated at run time.  They take their jump
   targets from literal pools, so they can be anywhere: they come from
   read+execute chunks and are written with ulp_code_write (which works
   under W^X too).  A published stub is never changed: a function that
   gets new versions gets a new stub.

   An old stub, like an old version table or code range set, may still
   be in use by a thread preempted inside it (or inside the slow path
   that reads the table) after it was replaced.  So it is retired, not
   freed: tagged with the universe its object opens next, and freed
   once that universe has a CPU-time snapshot and every thread is past
   it (threads.c), the test that also decides when a reverted patch's
   code may be unloaded: windows hold no loop and no blocking system
   call.  A chunk of stubs is unmapped once every stub in it is freed
   and another chunk is left, so that the mappings and the memory of
   a process that is patched and reverted for ever stay bounded.  */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ulp-runtime.h"

#define PAGE 4096UL
#define REACH 0x7fff0000UL  /* a little under 2 GiB.  */

/* Try to map one page at exactly ADDR, with protection PROT.  */

static void *
map_at (uintptr_t addr, int prot)
{
  void *p = mmap ((void *) addr, PAGE, prot,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  if ((uintptr_t) p != addr)
    {
      /* An old kernel ignoring MAP_FIXED_NOREPLACE treats it as a hint. */
      munmap (p, PAGE);
      return NULL;
    }
  return p;
}

/* A free page within reach of [LO, HI), from the gaps of the address
   space; the one closest to the object, below it first (where the
   kernel's mmap area grows, so gaps are common).  */

static void *
map_near_from_maps (uintptr_t lo, uintptr_t hi, int prot)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  if (!f)
    return NULL;
  uintptr_t want_lo = hi > REACH ? hi - REACH : PAGE * 16;
  uintptr_t want_hi = lo + REACH;
  uintptr_t prev_end = PAGE * 16;
  uintptr_t best = 0, best_dist = UINTPTR_MAX;
  char line[512];
  unsigned long s, e;
  while (fgets (line, sizeof line, f))
    {
      if (sscanf (line, "%lx-%lx", &s, &e) != 2)
        continue;
      /* The gap [prev_end, s).  */
      if (s > prev_end && s - prev_end >= PAGE)
        {
          uintptr_t g_lo = prev_end > want_lo ? prev_end : want_lo;
          uintptr_t g_hi = s < want_hi ? s : want_hi;
          if (g_hi > g_lo && g_hi - g_lo >= PAGE)
            {
              /* The page of the gap nearest the object.  */
              uintptr_t cand = g_hi <= lo ? (g_hi - PAGE) & ~(PAGE - 1)
                                          : (g_lo + PAGE - 1) & ~(PAGE - 1);
              if (cand >= g_lo && cand + PAGE <= g_hi)
                {
                  uintptr_t dist = cand < lo ? lo - cand : cand - hi;
                  if (dist < best_dist)
                    {
                      best = cand;
                      best_dist = dist;
                    }
                }
            }
        }
      if (e > prev_end)
        prev_end = e;
    }
  fclose (f);
  if (!best)
    return NULL;
  return map_at (best, prot);
}

static void *
map_near_by_probing (uintptr_t lo, uintptr_t hi, int prot)
{
  for (uintptr_t d = PAGE; d < REACH - (hi - lo); d += d < (1UL << 24)
                                                          ? PAGE
                                                          : (1UL << 20))
    {
      if (lo > d + PAGE * 16)
        {
          void *p = map_at ((lo - d) & ~(PAGE - 1), prot);
          if (p)
            return p;
        }
      void *p = map_at ((hi + d + PAGE - 1) & ~(PAGE - 1), prot);
      if (p)
        return p;
    }
  return NULL;
}

/* A page within reach of [LO, HI) with protection PROT, or NULL.  */

static void *
map_near (uintptr_t lo, uintptr_t hi, int prot)
{
  void *p = map_near_from_maps (lo, hi, prot);
  return p ? p : map_near_by_probing (lo, hi, prot);
}

uint64_t *
ulp_slot_alloc (struct ulp_obj *h, struct ulp_error *err)
{
  if (!h->slot_page || h->slots_used == h->slots_cap)
    {
      if (ulp_fault (ULP_FAULT_STUB))
        {
          ulp_fail (err, ULP_E_NOMEM, "no memory for detour slots: "
                    "injected fault");
          return NULL;
        }
      void *p = map_near (h->lo, h->hi, PROT_READ | PROT_WRITE);
      if (!p)
        {
          ulp_fail (err, ULP_E_NOMEM,
                    "no free memory within 2 GiB of %s for detour slots",
                    h->soname);
          return NULL;
        }
      h->slot_page = p;
      h->slots_used = 0;
      h->slots_cap = PAGE / sizeof (uint64_t);
    }
  return &h->slot_page[h->slots_used++];
}

/* The stub arena: 64 KiB read+execute chunks, oldest first, each with
   a bitmap of its 64-byte units.  A stub takes the first run of free
   units that fits, in the oldest chunk that has one, so the stubs in
   use gather in the oldest chunks and a newer chunk empties and is
   unmapped.  A bump allocator would let one long-lived stub (the
   table of a function that a thread blocked inside its object still
   needs) keep a chunk mapped while newer stubs go to a new chunk, and
   the process would hold one more mapping at every such moment.  */

#define CHUNK (64 * 1024UL)
#define UNIT 64
#define UNITS (CHUNK / UNIT)
#define STUB_ALIGN(n) (((n) + UNIT - 1) & ~(size_t) (UNIT - 1))

struct chunk
{
  struct chunk *next;
  unsigned char *base;
  size_t units_used;
  uint64_t used[UNITS / 64];  /* bit I: unit I is part of a stub.  */
};

static struct chunk *chunks;
static size_t total_bytes, retired_count, retired_bytes, reclaimed_bytes;

static bool
unit_used (const struct chunk *c, size_t i)
{
  return (c->used[i / 64] >> (i % 64)) & 1;
}

static void
mark_units (struct chunk *c, size_t first, size_t n, bool used)
{
  for (size_t i = first; i < first + n; i++)
    if (used)
      c->used[i / 64] |= (uint64_t) 1 << (i % 64);
    else
      c->used[i / 64] &= ~((uint64_t) 1 << (i % 64));
  c->units_used = used ? c->units_used + n : c->units_used - n;
}

/* The first unit of a run of N free units in C, or UNITS.  */
static size_t
find_free_run (const struct chunk *c, size_t n)
{
  if (UNITS - c->units_used < n)
    return UNITS;
  size_t run = 0;
  for (size_t i = 0; i < UNITS; i++)
    {
      run = unit_used (c, i) ? 0 : run + 1;
      if (run == n)
        return i + 1 - n;
    }
  return UNITS;
}

void *
ulp_stub_mem (size_t size)
{
  size = STUB_ALIGN (size);
  if (size == 0 || size > CHUNK)
    return NULL;
  size_t n = size / UNIT;
  struct chunk **pc = &chunks;
  for (; *pc; pc = &(*pc)->next)
    {
      size_t first = find_free_run (*pc, n);
      if (first < UNITS)
        {
          mark_units (*pc, first, n, true);
          total_bytes += size;
          return (*pc)->base + first * UNIT;
        }
    }
  struct chunk *c = calloc (1, sizeof *c);
  if (!c)
    return NULL;
  void *p = mmap (NULL, CHUNK, PROT_READ | PROT_EXEC,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    {
      free (c);
      return NULL;
    }
  c->base = p;
  *pc = c;
  mark_units (c, 0, n, true);
  total_bytes += size;
  return c->base;
}

/* Code that lives as long as the process: the copies of fused entry
   instructions (apply.c), one per function ever patched.  They must not
   sit in the stub arena, where one of them would keep a chunk mapped
   after every stub in it was reclaimed.  Pages of their own, one per
   object at a time, mapped near it like the slot pages (a copy may
   address the object's data relative to %rip), filled in order, never
   unmapped.  */

void *
ulp_fixed_code_mem (struct ulp_obj *h, size_t size)
{
  size = (size + 15) & ~(size_t) 15;
  if (size > PAGE)
    return NULL;
  if (!h->fixed_page || h->fixed_used + size > PAGE)
    {
      /* Within reach of the object: a copy may address its data
         relative to %rip (ULP_F_RIP).  Executable from the start, and
         never writable: under W^X (MDWE, or a seccomp filter on
         mprotect) ulp_code_write then writes it through /proc/self/mem,
         as it writes the object's code.  */
      void *p = map_near (h->lo, h->hi, PROT_READ | PROT_EXEC);
      if (!p)
        return NULL;
      h->fixed_page = p;
      h->fixed_used = 0;
    }
  void *r = h->fixed_page + h->fixed_used;
  h->fixed_used += size;
  return r;
}

/* Give back stub STUB of SIZE bytes; unmap its chunk when that was the
   last stub in it and another chunk is left.  */
static void
stub_free (void *stub, size_t size)
{
  size = STUB_ALIGN (size);
  reclaimed_bytes += size;
  for (struct chunk **pc = &chunks; *pc; pc = &(*pc)->next)
    {
      struct chunk *c = *pc;
      if ((unsigned char *) stub < c->base
          || (unsigned char *) stub >= c->base + CHUNK)
        continue;
      mark_units (c, ((unsigned char *) stub - c->base) / UNIT,
                  size / UNIT, false);
      if (c->units_used == 0 && (c != chunks || c->next))
        {
          munmap (c->base, CHUNK);
          *pc = c->next;
          free (c);
        }
      return;
    }
}

/* Retired memory, newest first.  SIZE is a stub's size, or 0 for a
   block from malloc.  */
struct retired
{
  struct retired *next;
  struct ulp_obj *h;
  uint64_t universe;
  void *ptr;
  size_t size;
};

static struct retired *retired_list;

static void
retire (struct ulp_obj *h, void *ptr, size_t size)
{
  struct retired *r = malloc (sizeof *r);
  if (!r)
    return; /* kept for ever, as if still in use.  */
  r->h = h;
  r->universe = ulp_obj_universe (h) + 1;
  r->ptr = ptr;
  r->size = size;
  r->next = retired_list;
  retired_list = r;
}

void
ulp_stub_retire (struct ulp_obj *h, void *stub, size_t bytes)
{
  retired_count++;
  retired_bytes += bytes;
  retire (h, stub, bytes);
}

void
ulp_retire_free (struct ulp_obj *h, void *p)
{
  if (p)
    retire (h, p, 0);
}

struct past_ctx
{
  struct ulp_obj *h;
  uint64_t u;
  bool ok;
};

static bool
past_cb (const struct ulp_thread_view *v, void *data)
{
  struct past_ctx *c = data;
  if (!v->self && !ulp_thread_past (c->h, c->u, v->tid))
    c->ok = false;
  return c->ok;
}

bool
ulp_reclaim_due (struct ulp_obj *h)
{
  uint64_t newest = ulp_obj_universe (h);
  for (struct retired *r = retired_list; r; r = r->next)
    if (r->h == h && r->universe <= newest)
      return true;
  return false;
}

void
ulp_reclaim (struct ulp_obj *h)
{
  uint64_t newest = ulp_obj_universe (h);
  struct retired *r;
  for (r = retired_list; r; r = r->next)
    if (r->h == h && r->universe <= newest)
      break;
  if (!r)
    return;
  /* Every thread past the snapshot of the newest universe, taken after
     each of these was retired.  */
  struct past_ctx c = { h, newest, true };
  if (!ulp_threads_each (h, past_cb, &c) || !c.ok)
    return;
  for (struct retired **pr = &retired_list; *pr;)
    {
      r = *pr;
      if (r->h != h || r->universe > newest)
        {
          pr = &r->next;
          continue;
        }
      *pr = r->next;
      if (r->size)
        stub_free (r->ptr, r->size);
      else
        free (r->ptr);
      free (r);
    }
}

void
ulp_stub_stats (size_t *bytes, size_t *retired, size_t *rbytes,
                size_t *reclaimed)
{
  *bytes = total_bytes;
  *retired = retired_count;
  *rbytes = retired_bytes;
  *reclaimed = reclaimed_bytes;
}
