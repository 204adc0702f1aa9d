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
   gets new versions gets a new stub.  Old stubs are not reused, since a
   preempted thread may still be inside one; they are only counted.  */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "ulp-runtime.h"

#define PAGE 4096UL
#define REACH 0x7fff0000UL  /* a little under 2 GiB.  */

/* Try to map one page at exactly ADDR.  */

static void *
map_at (uintptr_t addr)
{
  void *p = mmap ((void *) addr, PAGE, PROT_READ | PROT_WRITE,
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
map_near_from_maps (uintptr_t lo, uintptr_t hi)
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
  return map_at (best);
}

static void *
map_near_by_probing (uintptr_t lo, uintptr_t hi)
{
  for (uintptr_t d = PAGE; d < REACH - (hi - lo); d += d < (1UL << 24)
                                                          ? PAGE
                                                          : (1UL << 20))
    {
      if (lo > d + PAGE * 16)
        {
          void *p = map_at ((lo - d) & ~(PAGE - 1));
          if (p)
            return p;
        }
      void *p = map_at ((hi + d + PAGE - 1) & ~(PAGE - 1));
      if (p)
        return p;
    }
  return NULL;
}

uint64_t *
ulp_slot_alloc (struct ulp_obj *h, struct ulp_error *err)
{
  if (!h->slot_page || h->slots_used == h->slots_cap)
    {
      void *p = map_near_from_maps (h->lo, h->hi);
      if (!p)
        p = map_near_by_probing (h->lo, h->hi);
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

/* The stub arena.  */

#define CHUNK (64 * 1024UL)

static unsigned char *chunk;
static size_t chunk_used;
static size_t total_bytes, retired_count, retired_bytes;

void *
ulp_stub_mem (size_t size)
{
  size = (size + 63) & ~(size_t) 63;
  if (size > CHUNK)
    return NULL;
  if (!chunk || chunk_used + size > CHUNK)
    {
      void *p = mmap (NULL, CHUNK, PROT_READ | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED)
        return NULL;
      chunk = p;
      chunk_used = 0;
    }
  void *r = chunk + chunk_used;
  chunk_used += size;
  total_bytes += size;
  return r;
}

void
ulp_stub_retire (size_t bytes)
{
  retired_count++;
  retired_bytes += bytes;
}

void
ulp_stub_stats (size_t *bytes, size_t *retired, size_t *rbytes)
{
  *bytes = total_bytes;
  *retired = retired_count;
  *rbytes = retired_bytes;
}
