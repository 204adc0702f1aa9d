/* rt-abi-dl.c -- patching a library loaded with dlopen.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Arguments: the library rt-lib.c, the patches rt-pabi.c and rt-p1.c,
   and the TLS the runtime must find for it ("static" or "dynamic").
   With dynamic TLS every patched call goes through the runtime's slow
   stub, which must keep every argument register (integers, doubles, an
   AVX vector, a structure on the stack, varargs) and choose per thread
   like the fast stubs: a thread blocked inside finishes with old code,
   a callback stays in its caller's universe.  */

#include <dlfcn.h>
#include <pthread.h>
#include <time.h>

#include "rt-lib.h"
#include "rt-test.h"

static long (*many) (long, long, long, long, long, long, long, long, double,
                     double);
static struct rt_big (*by_value) (struct rt_big, struct rt_small);
static double (*vsum) (int, ...);
static double (*avx) (rt_v4df, double);
static int (*pair) (void);
static int (*pair_around) (int (*) (void));
static int (*pair_after_wait) (void);
static void (*release) (void);
static int (*waiting) (void);
static const char *p1;

/* The vector goes in %ymm0 only from code compiled for AVX.  */
__attribute__ ((target ("avx"), noinline)) static double
call_avx (void)
{
  rt_v4df x = { 1, 2, 3, 4 };
  return avx (x, 0.5);
}

static void
check_calls (const char *when, long base)
{
  char what[256];
  long m = many (1, 2, 3, 4, 5, 6, 7, 8, 1.5, 2.25);
  snprintf (what, sizeof what, "%s: more than six arguments", when);
  rt_check (m == 1000000 * base + 204 + 15 + 225, what, "%ld", m);
  struct rt_big big = { 10, 20, 30, 40 };
  struct rt_small small = { 5, 7.5f };
  struct rt_big r = by_value (big, small);
  snprintf (what, sizeof what, "%s: structures by value", when);
  rt_check (r.a == 15 + 1000 * base && r.b == 40 && r.c == 29 && r.d == 47,
            what, "%ld %ld %ld %ld", r.a, r.b, r.c, r.d);
  double v = vsum (5, 1, 2.5, 3, 4.25, 5);
  snprintf (what, sizeof what, "%s: varargs", when);
  rt_check (v == 1000 * base + 15.75, what, "%g", v);
  snprintf (what, sizeof what, "%s: AVX vector argument", when);
  if (__builtin_cpu_supports ("avx"))
    {
      double a = call_avx ();
      rt_check (a == 1000 * base + 10.5, what, "%g", a);
    }
  else
    rt_unsupported (what, "no AVX");
}

static void *
blocked_thread (void *arg)
{
  int *r = arg;
  r[0] = pair_after_wait ();
  r[1] = pair ();
  return NULL;
}

static long hook_id;

static int
hook (void)
{
  hook_id = rt_apply (p1, "callback: apply p1 inside");
  return pair ();
}

#define LOOKUP(var, name)                                                 \
  do                                                                      \
    {                                                                     \
      *(void **) &var = dlsym (lib, name);                                \
      if (!var)                                                           \
        {                                                                 \
          rt_check (false, "dlsym " name, "%s", dlerror ());              \
          return 0;                                                       \
        }                                                                 \
    }                                                                     \
  while (0)

int
main (int argc, char **argv)
{
  if (argc != 5)
    return 2;
  p1 = argv[3];
  void *lib = dlopen (argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!rt_check (lib != NULL, "dlopen the target", "%s", dlerror ()))
    return 0;
  LOOKUP (many, "rt_many");
  LOOKUP (by_value, "rt_struct");
  LOOKUP (vsum, "rt_vsum");
  LOOKUP (avx, "rt_avx");
  LOOKUP (pair, "rt_pair");
  LOOKUP (pair_around, "rt_pair_around");
  LOOKUP (pair_after_wait, "rt_pair_after_wait");
  LOOKUP (release, "rt_release");
  LOOKUP (waiting, "rt_waiting");

  /* The first entry of a thread into a library whose boundary state is
     in dynamic TLS goes through glibc's TLS descriptor allocation path,
     which before glibc 2.40 does not preserve the vector registers
     (glibc bug 31372): checked on its own, before the runtime's
     checks.  */
  long first = many (1, 2, 3, 4, 5, 6, 7, 8, 1.5, 2.25);
  rt_check (first == 444, "first call of the thread into the library keeps "
            "its double arguments (TLS descriptor of the boundary state)",
            "%ld instead of 444", first);
  check_calls ("original", 0);
  long id = rt_apply (argv[2], "apply the ABI patch");
  char tls[64];
  snprintf (tls, sizeof tls, "\"tls\": \"%s\"", argv[4]);
  rt_check (rt_status_count (tls) == 1, "the target's TLS kind",
            "expected %s", argv[4]);
  check_calls ("patched", 1);

  /* A blocked thread, through the slow path.  */
  int r[2] = { 0, 0 };
  pthread_t th;
  pthread_create (&th, NULL, blocked_thread, r);
  for (int i = 0; i < 5000 && waiting () != 1; i++)
    {
      struct timespec ts = { 0, 1000000 };
      nanosleep (&ts, NULL);
    }
  long id1 = rt_apply (p1, "blocked: apply p1");
  rt_check (pair () == 220, "blocked: others get new code", "%d", pair ());
  release ();
  pthread_join (th, NULL);
  rt_check (r[0] == 110 && r[1] == 220, "blocked: old+old, then new+new",
            "%d %d", r[0], r[1]);
  rt_revert (id1, "blocked: revert p1");

  int v = pair_around (hook);
  rt_check (v == 110 * 10000 + 110, "callback keeps the caller's universe",
            "%d", v);
  rt_check (pair () == 220, "callback: new code afterwards", "%d", pair ());
  rt_revert (hook_id, "callback: revert p1");

  rt_revert (id, "revert the ABI patch");
  check_calls ("reverted", 0);
  rt_check (ulp_patches (NULL, 0) == 0
            && rt_status_count ("\"state\": \"reverted\"") == 0,
            "everything unloaded", "%zu applied", ulp_patches (NULL, 0));
  return 0;
}
