/* bench-calls.c -- the cost of a call into live-patchable code.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   One process holds bench-lib.c built five ways, each both linked at
   start and loaded with dlopen: plain (no plugin), "entries" (the
   plugin with -fplugin-arg-ulp-boundary=never: patchable entries
   only), and boundary tracking with each way of reaching the
   thread-local state: "ie" (-fplugin-arg-ulp-tls=initial-exec), "desc"
   (=desc, TLS descriptors) and "dynamic" (=dynamic, __tls_get_addr).
   It times, per build:

     internal-direct   a static function called from inside the library
     internal-ptr      the same through a function pointer
     internal-export   an exported function called from inside the
                       library, in its own unit (with the plugin: its
                       body, no tracking)
     internal-plt      an exported function of another unit of the
                       library, called from inside it through the PLT
                       (with the plugin: the tracked entry's fast path)
     export-direct     an exported function called by the application
                       (through the PLT), library linked at start
     export-ptr        the same through a function pointer
     dlopen-ptr        the exported function of the dlopen'ed copy,
                       through the pointer dlsym returned

   Each sample is BENCH_CALLS calls; each round takes one sample of
   every (row, build) cell, in a new shuffled order; the figures are
   medians over BENCH_ROUNDS rounds of ns per call, and of the ratio and
   difference to the plain build in the same round.

   With --callgrind N the program instead runs each cell once for N
   calls between callgrind client requests that zero and dump the
   counters: run-bench.sh reads instructions per call from the dumps.
   The application itself is built without the plugin.  */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined __has_include
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND_H 1
#endif
#endif

#include "bench-util.h"

#define DECLARE(P)                                                        \
  long P##loop_a (long);                                                  \
  long P##loop_ptr (long);                                                \
  long P##loop_own_export (long);                                         \
  long P##loop_plt_export (long);                                         \
  int P##empty_a (int);

DECLARE (plain_)
DECLARE (entries_)
DECLARE (ie_)
DECLARE (desc_)
DECLARE (dynamic_)

/* A direct call through the PLT, per build; noipa keeps GCC from
   treating the loops as one.  */
#define DIRECT_LOOP(P)                                                    \
  __attribute__ ((noipa)) static long direct_##P (long n)                 \
  {                                                                       \
    long s = 0;                                                           \
    for (long i = 0; i < n; i++)                                          \
      s += P##empty_a ((int) i);                                          \
    return s;                                                             \
  }

DIRECT_LOOP (plain_)
DIRECT_LOOP (entries_)
DIRECT_LOOP (ie_)
DIRECT_LOOP (desc_)
DIRECT_LOOP (dynamic_)

typedef int (*int_fn) (int);
typedef long (*loop_fn) (long);

__attribute__ ((noipa)) static long
ptr_loop (int_fn f, long n)
{
  long s = 0;
  for (long i = 0; i < n; i++)
    s += f ((int) i);
  return s;
}

enum kind
{
  LIB_LOOP, /* LOOP (n): the library loops.  */
  APP_LOOP, /* LOOP (n): an application loop with direct calls.  */
  APP_PTR   /* ptr_loop (FN, n).  */
};

struct cell
{
  const char *key, *variant;
  enum kind kind;
  loop_fn loop;
  int_fn fn;
  size_t base; /* index of the plain cell of the same row.  */
};

#define NBUILDS 5
static const char *const builds[NBUILDS] = { "plain", "entries", "ie",
                                             "desc", "dynamic" };

static struct cell cells[7 * NBUILDS];
static size_t ncells;

static void
add (const char *key, size_t build, enum kind kind, loop_fn loop, int_fn fn)
{
  struct cell *c = &cells[ncells];
  c->key = key;
  c->variant = builds[build];
  c->kind = kind;
  c->loop = loop;
  c->fn = fn;
  c->base = ncells - build;
  ncells++;
}

static void *
dl_sym (void *h, const char *prefix, const char *name)
{
  char buf[128];
  snprintf (buf, sizeof buf, "%s%s", prefix, name);
  void *p = dlsym (h, buf);
  if (!p)
    bench_die ("dlsym %s: %s", buf, dlerror ());
  return p;
}

static void
setup (const char *dldir)
{
  loop_fn loops[NBUILDS] = { plain_loop_a, entries_loop_a, ie_loop_a,
                             desc_loop_a, dynamic_loop_a };
  loop_fn ptrs[NBUILDS] = { plain_loop_ptr, entries_loop_ptr, ie_loop_ptr,
                            desc_loop_ptr, dynamic_loop_ptr };
  loop_fn directs[NBUILDS] = { direct_plain_, direct_entries_, direct_ie_,
                               direct_desc_, direct_dynamic_ };
  int_fn empties[NBUILDS] = { plain_empty_a, entries_empty_a, ie_empty_a,
                              desc_empty_a, dynamic_empty_a };
  int_fn dl_empties[NBUILDS];
  for (size_t b = 0; b < NBUILDS; b++)
    {
      char path[4096], prefix[32];
      snprintf (path, sizeof path, "%s/libbench-dl-%s.so", dldir, builds[b]);
      snprintf (prefix, sizeof prefix, "dl%s_", builds[b]);
      void *h = dlopen (path, RTLD_NOW | RTLD_LOCAL);
      if (!h)
        bench_die ("dlopen %s: %s", path, dlerror ());
      dl_empties[b] = (int_fn) dl_sym (h, prefix, "empty_a");
    }
  for (size_t b = 0; b < NBUILDS; b++)
    add ("internal-direct", b, LIB_LOOP, loops[b], NULL);
  for (size_t b = 0; b < NBUILDS; b++)
    add ("internal-ptr", b, LIB_LOOP, ptrs[b], NULL);
  loop_fn owns[NBUILDS] = { plain_loop_own_export, entries_loop_own_export,
                            ie_loop_own_export, desc_loop_own_export,
                            dynamic_loop_own_export };
  loop_fn plts[NBUILDS] = { plain_loop_plt_export, entries_loop_plt_export,
                            ie_loop_plt_export, desc_loop_plt_export,
                            dynamic_loop_plt_export };
  for (size_t b = 0; b < NBUILDS; b++)
    add ("internal-export", b, LIB_LOOP, owns[b], NULL);
  for (size_t b = 0; b < NBUILDS; b++)
    add ("internal-plt", b, LIB_LOOP, plts[b], NULL);
  for (size_t b = 0; b < NBUILDS; b++)
    add ("export-direct", b, APP_LOOP, directs[b], NULL);
  for (size_t b = 0; b < NBUILDS; b++)
    add ("export-ptr", b, APP_PTR, NULL, empties[b]);
  for (size_t b = 0; b < NBUILDS; b++)
    add ("dlopen-ptr", b, APP_PTR, NULL, dl_empties[b]);
}

static volatile long sink;

static void
run (const struct cell *c, long n)
{
  if (c->kind == APP_PTR)
    sink += ptr_loop (c->fn, n);
  else
    sink += c->loop (n);
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    bench_die ("usage: bench-calls DLDIR [--callgrind N]");
  setup (argv[1]);

  if (argc == 4 && strcmp (argv[2], "--callgrind") == 0)
    {
#ifdef HAVE_CALLGRIND_H
      long n = atol (argv[3]);
      for (size_t i = 0; i < ncells; i++)
        {
          char label[128];
          run (&cells[i], 1000); /* lazy binding, first entries.  */
          snprintf (label, sizeof label, "%s/%s/%ld", cells[i].key,
                    cells[i].variant, n);
          CALLGRIND_ZERO_STATS;
          run (&cells[i], n);
          CALLGRIND_DUMP_STATS_AT (label);
        }
      return 0;
#else
      bench_die ("built without valgrind/callgrind.h");
#endif
    }

  long n = bench_env_long ("BENCH_CALLS", 400000);
  size_t warm = 5;
  size_t rounds = bench_env_long ("BENCH_ROUNDS", 150) + warm;
  struct bench_samples s;
  bench_samples_init (&s, rounds, ncells);
  size_t order[sizeof cells / sizeof cells[0]];
  for (size_t r = 0; r < rounds; r++)
    {
      bench_shuffle (order, ncells);
      for (size_t k = 0; k < ncells; k++)
        {
          const struct cell *c = &cells[order[k]];
          double t0 = bench_now_ns ();
          run (c, n);
          double t1 = bench_now_ns ();
          *bench_at (&s, r, order[k]) = (t1 - t0) / n;
        }
    }
  for (size_t i = 0; i < ncells; i++)
    bench_cell (&s, warm, cells[i].key, cells[i].variant, i,
                cells[cells[i].base].variant, cells[i].base);
  bench_samples_free (&s);
  return 0;
}
