// boundary-probe.C -- check the per-thread state the plugin's boundary
// tracking keeps in a library, for boundary.exp.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Finds each library's __ulp_object and __ulp_thread through its ULP
// note (as the runtime does) and checks the depth, universe and
// outermost stack pointer of the calling thread around calls, nested
// callbacks, recursion, exceptions and new threads.  Prints one line
// per check, "ok NAME" or "FAIL NAME: details"; boundary.exp turns them
// into results.  With an argument, the C library is loaded with dlopen
// from that path instead of being linked.

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <stdexcept>
#include "ulp-meta.h"

extern "C" void *__tls_get_addr (void *);

typedef void (*callback) (void *);
typedef void (*caller) (callback, void *);

struct lib
{
  const char *name;
  uint64_t *object;
  size_t tls_index[2];
  bool found;
  const unsigned char *records;
  size_t nrecords, record_size;
};

static lib clib = { "libboundary.so", 0, { 0, 0 }, false };
static lib cxxlib = { "libboundary-cxx.so", 0, { 0, 0 }, false };

static int (*lib_leaf) (int);
static void (*lib_call) (callback, void *);
static int (*lib_recurse) (int, callback, void *);
static caller (*lib_static_pointer) (void);
extern "C" void cxx_call (callback, void *);
extern "C" void cxx_throw (int);
#include "boundary-box.h"

static int failures;

static void
check (bool ok, const char *name, const char *fmt = "", long a = 0,
       long b = 0)
{
  if (ok)
    printf ("ok %s\n", name);
  else
    {
      printf ("FAIL %s: ", name);
      printf (fmt, a, b);
      putchar ('\n');
      failures++;
    }
}

static int
find_note (struct dl_phdr_info *info, size_t, void *data)
{
  lib *l = (lib *) data;
  if (!strstr (info->dlpi_name, l->name))
    return 0;
  uint64_t tls_vaddr = 0;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_TLS)
      tls_vaddr = info->dlpi_phdr[i].p_vaddr;
  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Phdr) *ph = &info->dlpi_phdr[i];
      if (ph->p_type != PT_NOTE)
        continue;
      const char *p = (const char *) (info->dlpi_addr + ph->p_vaddr);
      const char *end = p + ph->p_memsz;
      while (p + sizeof (ElfW (Nhdr)) <= end)
        {
          const ElfW (Nhdr) *n = (const ElfW (Nhdr) *) p;
          const char *name = p + sizeof *n;
          const char *desc = name + ((n->n_namesz + 3) & ~3u);
          if (n->n_type == NT_ULP_OBJECT && n->n_namesz == 4
              && memcmp (name, "ULP", 4) == 0)
            {
              struct ulp_note note;
              memcpy (&note, desc, sizeof note);
              l->object = (uint64_t *) (info->dlpi_addr + note.object_state);
              l->tls_index[0] = info->dlpi_tls_modid;
              l->tls_index[1] = note.thread_state - tls_vaddr;
              l->found = note.object_state != 0 && note.thread_state != 0;
              l->records = (const unsigned char *) (info->dlpi_addr
                                                    + note.table);
              l->record_size = note.record_size;
              l->nrecords = note.table_size / note.record_size;
            }
          p = desc + ((n->n_descsz + 3) & ~3u);
        }
    }
  return 0;
}

/* The tracked entries of L that start unarmed (built with
   -fplugin-arg-ulp-arming=lazy).  */
static long
count_armable (lib *l)
{
  long n = 0;
  for (size_t i = 0; i < l->nrecords; i++)
    {
      const struct ulp_record *r
        = (const struct ulp_record *) (l->records + i * l->record_size);
      if ((r->flags & ULP_F_ARMABLE) && r->tracking)
        n++;
    }
  return n;
}

/* Arm L's tracked entries as the runtime does at the object's first
   patch (runtime/arm.c): the two prefixes at each entry's arming site
   become a short jump back to the tracking code in front of the
   function.  The number of entries armed, or -1 when a site is not the
   unarmed prefixes.  */
static long
arm (lib *l)
{
  long n = 0;
  for (size_t i = 0; i < l->nrecords; i++)
    {
      const struct ulp_record *r
        = (const struct ulp_record *) (l->records + i * l->record_size);
      if (!(r->flags & ULP_F_ARMABLE) || !r->tracking)
        continue;
      unsigned char *label = (unsigned char *) ulp_ref (&r->addr);
      unsigned char *site = label + r->entry_offset - ULP_ARM_SITE_SIZE;
      if (site[0] != ULP_UNARMED_PREFIX || site[1] != ULP_UNARMED_PREFIX)
        return -1;
      long rel = (label - r->tracking) - (site + ULP_ARM_SITE_SIZE);
      if (rel < -128 || rel >= 0)
        return -1;
      uintptr_t page = (uintptr_t) site & ~(uintptr_t) 4095;
      if (mprotect ((void *) page, 8192, PROT_READ | PROT_WRITE | PROT_EXEC)
          != 0)
        return -1;
      uint16_t v = ULP_ARMED_JUMP | ((uint16_t) (uint8_t) rel << 8);
      __atomic_store_n ((uint16_t *) site, v, __ATOMIC_SEQ_CST);
      mprotect ((void *) page, 8192, PROT_READ | PROT_EXEC);
      n++;
    }
  return n;
}

/* This thread's state in library L: depth, universe, outer_sp.  */
static uint64_t *
state (lib *l)
{
  return (uint64_t *) __tls_get_addr (l->tls_index);
}

static uint64_t seen_depth, seen_sp, outer_sp_before;
static void
record_depth (void *)
{
  seen_depth = state (&clib)[0];
  seen_sp = state (&clib)[2];
}

static void
record_cxx_depth (void *)
{
  seen_depth = state (&cxxlib)[0];
}

static void
nested_call (void *)
{
  /* Called back by the library: call into it again.  */
  outer_sp_before = state (&clib)[2];
  lib_call (record_depth, 0);
}

static void
throw_from_callback (void *)
{
  throw std::runtime_error ("thrown in the application");
}

static void *
thread_main (void *)
{
  uint64_t *t = state (&clib);
  check (t[0] == 0 && t[1] == 0, "a new thread starts outside the library",
         "depth %ld, universe %ld", (long) t[0], (long) t[1]);
  lib_leaf (1);
  check (t[0] == 0 && t[1] == clib.object[0],
         "a new thread takes the newest universe on its first entry",
         "depth %ld, universe %ld", (long) t[0], (long) t[1]);
  return 0;
}

int
main (int argc, char **argv)
{
  /* RTLD_DEFAULT is a null pointer: only dlopen's result is checked.  */
  void *handle = argc > 1 ? dlopen (argv[1], RTLD_NOW) : RTLD_DEFAULT;
  if (argc > 1 && !handle)
    {
      printf ("FAIL dlopen: %s\n", dlerror ());
      return 1;
    }
  lib_leaf = (int (*) (int)) dlsym (handle, "lib_leaf");
  lib_call = (void (*) (callback, void *)) dlsym (handle, "lib_call");
  lib_recurse = (int (*) (int, callback, void *)) dlsym (handle,
                                                         "lib_recurse");
  lib_static_pointer = (caller (*) (void)) dlsym (handle,
                                                  "lib_static_pointer");
  dl_iterate_phdr (find_note, &clib);
  dl_iterate_phdr (find_note, &cxxlib);
  check (clib.found && cxxlib.found,
         "the note locates __ulp_object and __ulp_thread");
  if (!clib.found || !cxxlib.found)
    return 1;
  check (clib.object[0] == 1, "an object starts in universe 1",
         "universe %ld", (long) clib.object[0]);
  check (clib.object[1] == 0, "no runtime: no slow path installed");

  uint64_t *t = state (&clib);
  check (t[0] == 0 && t[1] == 0, "before any call the thread is outside",
         "depth %ld, universe %ld", (long) t[0], (long) t[1]);

  /* Built with lazy arming, as in a process never patched: the entries
     go straight to the bodies and nothing is tracked until the object
     is armed.  Otherwise (and under tls=dynamic, where every function
     keeps its tracking in its body) tracking is on from the start.  */
  long armable_c = count_armable (&clib), armable_cxx = count_armable (&cxxlib);
  seen_depth = 99;
  lib_call (record_depth, 0);
  if (armable_c > 0)
    check (seen_depth == 0 && t[0] == 0 && t[1] == 0 && t[2] == 0,
           "unarmed entries track nothing", "depth %ld in the callback, "
           "state %s after", (long) seen_depth,
           (long) (t[0] | t[1] | t[2] ? "set" : "clear"));
  else
    check (seen_depth == 1, "entries track from the start",
           "depth %ld in the callback", (long) seen_depth);
  long armed_c = arm (&clib), armed_cxx = arm (&cxxlib);
  check (armed_c == armable_c && armed_cxx == armable_cxx,
         "every armable entry is armed", "armed %ld and %ld", armed_c,
         armed_cxx);

  lib_leaf (1);
  check (t[0] == 0, "depth is 0 after a call returns", "depth %ld",
         (long) t[0]);
  check (t[1] == 1, "the first entry takes the object's universe",
         "universe %ld", (long) t[1]);
  check (t[2] == 0, "the outermost stack pointer is cleared on the way out",
         "outer_sp %ld", (long) t[2], 0);

  seen_depth = 99;
  seen_sp = 0;
  uint64_t here = (uint64_t) __builtin_frame_address (0);
  lib_call (record_depth, 0);
  check (seen_depth == 1, "depth is 1 in a callback from the library",
         "depth %ld", (long) seen_depth);
  check (seen_sp != 0 && seen_sp < here,
         "the outermost entry records its stack pointer, below the caller's "
         "frame", "outer_sp %ld bytes above the caller's frame",
         (long) (seen_sp - here), 0);
  check (t[0] == 0 && t[2] == 0, "depth is 0 after the callback returns",
         "depth %ld, outer_sp %ld", (long) t[0], (long) t[2]);

  seen_depth = 99;
  seen_sp = 1;
  outer_sp_before = 0;
  lib_call (nested_call, 0);
  check (seen_depth == 1 && outer_sp_before != 0
           && seen_sp == outer_sp_before,
         "a callback calling back in is a nested entry (depth and outermost "
         "stack pointer unchanged)",
         "depth %ld, outer_sp moved by %ld", (long) seen_depth,
         (long) (seen_sp - outer_sp_before));

  seen_depth = 99;
  lib_recurse (5, record_depth, 0);
  check (seen_depth == 1, "recursion through exported functions is nested "
         "(depth stays 1)", "depth %ld", (long) seen_depth);
  check (t[0] == 0, "depth is 0 after the recursion", "depth %ld",
         (long) t[0]);

  /* A universe change is taken on an outermost entry only.  */
  clib.object[0] = 7;
  seen_depth = 99;
  lib_call (record_depth, 0);
  check (t[1] == 7, "an outermost entry moves to the newest universe",
         "universe %ld", (long) t[1]);
  uint64_t inner_universe = 0;
  struct inner
  {
    static void
    bump_and_enter (void *p)
    {
      clib.object[0] = 8;
      lib_leaf (1); /* nested: must not move */
      *(uint64_t *) p = state (&clib)[1];
    }
  };
  lib_call (inner::bump_and_enter, &inner_universe);
  check (inner_universe == 7,
         "a nested entry keeps the thread's universe",
         "universe %ld inside", (long) inner_universe);
  lib_leaf (1);
  check (t[1] == 8, "the next outermost entry moves on", "universe %ld",
         (long) t[1]);
  clib.object[0] = 1;

  /* Static functions are not boundaries.  */
  seen_depth = 99;
  lib_static_pointer () (record_depth, 0);
  check (seen_depth == 0, "a static function called from outside is not "
         "a boundary", "depth %ld", (long) seen_depth);

  /* C++ exceptions through boundary-tracked C++ functions run the
     cleanup.  */
  uint64_t *tx = state (&cxxlib);
  try
    {
      cxx_throw (4);
    }
  catch (const std::exception &)
    {
    }
  check (tx[0] == 0, "an exception thrown in the library unwinds the depth",
         "depth %ld", (long) tx[0]);
  try
    {
      cxx_call (throw_from_callback, 0);
    }
  catch (const std::exception &)
    {
    }
  check (tx[0] == 0,
         "an exception from a callback through the library unwinds the depth",
         "depth %ld", (long) tx[0]);

  /* Classes passed and returned by invisible reference go through a
     tracked entry unchanged (the callback sees the thread inside), and
     no copy is made or lost on the way.  */
  seen_depth = 99;
  int live_before = box_live;
  {
    Box made = cxx_make_box (21, record_cxx_depth, 0);
    check (made.value == 42 && seen_depth == 1,
           "a class returned by invisible reference through an entry",
           "value %ld, depth %ld in the callback", (long) made.value,
           (long) seen_depth);
    seen_depth = 99;
    int r = cxx_take_box (made, record_cxx_depth, 0);
    check (r == 43 && seen_depth == 1,
           "a class passed by invisible reference through an entry",
           "result %ld, depth %ld in the callback", (long) r,
           (long) seen_depth);
  }
  check (box_live == live_before && tx[0] == 0,
         "every copy of it was destroyed, and the thread is outside",
         "%ld copies left, depth %ld", (long) (box_live - live_before),
         (long) tx[0]);

  /* Constructors, destructors and this-adjusting thunks are tracked
     entries too: a virtual call and a delete through the second base
     reach the object through thunks.  */
  Right *both = cxx_make_both ();
  seen_depth = 99;
  int rv = both->right (record_cxx_depth, 0);
  check (rv == 43 && seen_depth == 1 && tx[0] == 0,
         "a virtual call through a this-adjusting thunk is tracked",
         "result %ld, depth %ld in the callback", (long) rv,
         (long) seen_depth);
  delete both;
  check (both_live == 0 && tx[0] == 0,
         "a delete through the second base runs the destructor",
         "%ld objects left, depth %ld", (long) both_live, (long) tx[0]);

  pthread_t thread;
  pthread_create (&thread, 0, thread_main, 0);
  pthread_join (thread, 0);

  return failures ? 1 : 0;
}
