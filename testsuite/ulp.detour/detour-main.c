/* Detour flip stress: the patchable entry can be switched while other
   threads run through it.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Usage: detour-main LIBRARY cet|nocet FLIPS THREADS

   Loads LIBRARY (built with ulp), writes into the 6-byte pre-entry
   area of detour_f a jump to detour_g (jmp rel32: both are in the
   library), then, while THREADS threads call detour_f in a loop and
   check every result is detour_f's or detour_g's, flips the entry
   FLIPS times between the NOP 66 90 and the short jump eb rel8 back
   into the pre-entry area, each time with one aligned atomic 2-byte
   store -- which is how ulp turns a detour on and off.  With cet the
   entry follows endbr64, 4 bytes further.  Exits 0 when no result was
   wrong and both functions were seen; a crash is a failure too.  */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PRE_ENTRY 6

typedef int (*fn_t) (int);

static fn_t volatile f_ptr;
static atomic_int stop;
static atomic_long wrong;

struct counts
{
  long f_calls, g_calls;
  pthread_t thread;
};

static void *
caller (void *arg)
{
  struct counts *c = arg;
  int i = 0;
  while (!atomic_load_explicit (&stop, memory_order_relaxed))
    {
      i = (i + 1) & 0xffffff;
      int r = f_ptr (i);
      if (r == i * 2 + 1)
        c->f_calls++;
      else if (r == i * 3 + 7)
        c->g_calls++;
      else
        atomic_fetch_add (&wrong, 1);
    }
  return NULL;
}

static void
die (const char *msg)
{
  fprintf (stderr, "detour-main: %s\n", msg);
  exit (2);
}

int
main (int argc, char **argv)
{
  if (argc != 5)
    die ("usage: detour-main LIBRARY cet|nocet FLIPS THREADS");
  int want_cet = strcmp (argv[2], "cet") == 0;
  long flips = atol (argv[3]);
  int nthreads = atoi (argv[4]);
  if (flips <= 0 || nthreads <= 0 || nthreads > 16)
    die ("bad FLIPS or THREADS");

  void *h = dlopen (argv[1], RTLD_NOW);
  if (h == NULL)
    die (dlerror ());
  unsigned char *f = dlsym (h, "detour_f");
  unsigned char *g = dlsym (h, "detour_g");
  if (f == NULL || g == NULL)
    die ("detour_f or detour_g not found");

  /* The layout the plugin promises.  */
  static const unsigned char endbr[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
  int has_endbr = memcmp (f, endbr, 4) == 0;
  if (has_endbr != want_cet)
    die (want_cet ? "detour_f does not start with endbr64"
                  : "detour_f starts with endbr64");
  int off = has_endbr ? 4 : 0;
  unsigned char *entry = f + off;
  /* The entry is the 2-byte NOP, or the function's own first
     instruction (fused), never a jump.  */
  if (entry[0] == 0xeb)
    die ("detour_f's entry is already a jump");
  printf ("entry %02x %02x\n", entry[0], entry[1]);
  if (((uintptr_t) entry & 1) != 0)
    die ("the entry of detour_f is at an odd address");
  for (int i = 1; i <= PRE_ENTRY; i++)
    if (f[-i] != 0x90)
      die ("detour_f is not preceded by its 6 NOPs");

  long page = sysconf (_SC_PAGESIZE);
  uintptr_t lo = ((uintptr_t) f - PRE_ENTRY) & ~(uintptr_t) (page - 1);
  uintptr_t hi = ((uintptr_t) entry + 2 + page - 1) & ~(uintptr_t) (page - 1);
  if (mprotect ((void *) lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC) != 0)
    die ("mprotect failed");

  /* jmp rel32 to detour_g: 5 bytes, the 6th stays a NOP.  Nothing
     executes the pre-entry area while the entry is as compiled.  */
  unsigned char *pre = f - PRE_ENTRY;
  int32_t rel32 = (int32_t) ((intptr_t) g - (intptr_t) (pre + 5));
  pre[0] = 0xe9;
  memcpy (pre + 1, &rel32, 4);

  /* jmp rel8 from the end of the entry back to the pre-entry area.  */
  int rel8 = -(2 + off + PRE_ENTRY);
  uint16_t nop_insn, jmp_insn;
  unsigned char nop_bytes[2] = { entry[0], entry[1] };
  unsigned char jmp_bytes[2] = { 0xeb, (unsigned char) rel8 };
  memcpy (&nop_insn, nop_bytes, 2);
  memcpy (&jmp_insn, jmp_bytes, 2);
  uint16_t *slot = (uint16_t *) (void *) entry;

  f_ptr = (fn_t) (void *) f;
  struct counts *c = calloc ((size_t) nthreads, sizeof *c);
  for (int i = 0; i < nthreads; i++)
    if (pthread_create (&c[i].thread, NULL, caller, &c[i]) != 0)
      die ("pthread_create failed");

  /* A first detour, checked in this thread, before the race.  */
  __atomic_store_n (slot, jmp_insn, __ATOMIC_SEQ_CST);
  if (f_ptr (10) != 37)
    die ("the detour does not reach detour_g");
  __atomic_store_n (slot, nop_insn, __ATOMIC_SEQ_CST);
  if (f_ptr (10) != 21)
    die ("the restored entry does not run detour_f");

  for (long i = 0; i < flips; i++)
    {
      __atomic_store_n (slot, jmp_insn, __ATOMIC_RELEASE);
      __atomic_store_n (slot, nop_insn, __ATOMIC_RELEASE);
    }

  /* Let the callers run a little with the detour on, then off, so both
     versions are seen even if the flipping outran them.  */
  __atomic_store_n (slot, jmp_insn, __ATOMIC_SEQ_CST);
  usleep (20000);
  __atomic_store_n (slot, nop_insn, __ATOMIC_SEQ_CST);
  usleep (20000);
  atomic_store (&stop, 1);

  long fc = 0, gc = 0;
  for (int i = 0; i < nthreads; i++)
    {
      pthread_join (c[i].thread, NULL);
      fc += c[i].f_calls;
      gc += c[i].g_calls;
    }
  long bad = atomic_load (&wrong);
  printf ("flips %ld, threads %d, calls to f %ld, to g %ld, wrong %ld\n",
          flips, nthreads, fc, gc, bad);
  if (f_ptr (5) != 11)
    die ("detour_f does not return its own value after the flips");
  if (bad != 0)
    return 1;
  if (fc == 0 || gc == 0)
    {
      fprintf (stderr, "detour-main: not both versions were seen\n");
      return 1;
    }
  return 0;
}
