/* rt-vec.c -- vector arguments intact across the trampolines that call
   the runtime, for vector.exp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Usage: rt-vec linked|dlopen LIB PATCH MARK [patchfirst]

   The target library rt-vec-lib.c is linked (LIB is then only a name)
   or loaded here with dlopen.  Only a thread's first entry into the
   library, and its first entry after a patch (a migration), go through
   the library's __ulp_slow and the runtime's C slow path, so there is
   one thread per vector function, whose first call of the library is
   a call of that function with known arguments in every argument
   register (ymm0-7, zmm0-1 with AVX-512).  The main thread then
   applies PATCH, and each thread calls its function again, migrating
   to the new universe; then new threads do the same after the patch.
   Each call's result must be the weighted sum of every lane of its
   arguments (plus MARK once the patch, which may replace the vector
   functions, is applied): a path that saved only the xmm registers
   while glibc's AVX code ran vzeroupper gives another sum.

   With "patchfirst" (a library reaching its TLS through descriptors,
   loaded with dlopen: dynamic TLS), PATCH is applied before any thread
   enters the library, and one new thread calls the functions in turn,
   the varargs one first: its replacement reaches the thread state
   through the resolver ulp-mkpatch writes into the patch, which calls
   __tls_get_addr.  No thread enters the library before its block is
   allocated that way, because glibc before 2.40 mishandles a thread's
   first access through its own descriptor resolver for dynamic TLS
   (bug 31372: vector registers clobbered, and here a crash on a
   misaligned stack), which is not ulp's to fix.  */

#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>

#include "rt-test.h"
#include "rt-vec.h"

static int (*touch_fn) (int);
static double (*pd_fn) (__m256d, __m256d, __m256d, __m256d, __m256d,
                        __m256d, __m256d, __m256d);
static float (*ps_fn) (__m256, __m256);
static double (*va_fn) (__m256d, __m256d, int, ...);
#ifdef __AVX512F__
static double (*p512_fn) (__m512d, __m512);
#endif

static sem_t patched, entered;

/* The threads report concurrently: one line at a time.  */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

static void
report (bool ok, const char *what, double got, double want)
{
  pthread_mutex_lock (&report_lock);
  rt_check (ok, what, "got %.2f, want %.2f", got, want);
  pthread_mutex_unlock (&report_lock);
}
static int mark;

enum { VEC_VA, VEC_PD, VEC_PS, VEC_512, VEC_N };

/* Call the vector function FN; WHEN names the step, M is the mark the
   version expected to run adds.  */

static void
check_one (int fn, const char *when, int m)
{
  char what[200];
  switch (fn)
    {
    case VEC_VA:
      {
        __m256d a = { 1.5, 2.5, 3.5, 4.5 }, b = { 10.5, 20.5, 30.5, 40.5 };
        double want = m + 1 * 7 + 2 * 8 + 3 * 9;
        for (int l = 0; l < 4; l++)
          want += (l + 1) * a[l] + (l + 5) * b[l];
        double got = va_fn (a, b, 3, 7, 8, 9);
        snprintf (what, sizeof what,
                  "%s: __m256d arguments of a varargs function intact", when);
        report (got == want, what, got, want);
        break;
      }
    case VEC_PD:
      {
        __m256d v[8];
        double want = m;
        for (int k = 0; k < 8; k++)
          for (int l = 0; l < 4; l++)
            {
              v[k][l] = 100 * k + 10 * l + 0.5;
              want += (k * 4 + l + 1) * v[k][l];
            }
        double got = pd_fn (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        snprintf (what, sizeof what, "%s: eight __m256d arguments intact",
                  when);
        report (got == want, what, got, want);
        break;
      }
    case VEC_PS:
      {
        __m256 a, b;
        float want = m;
        for (int l = 0; l < 8; l++)
          {
            a[l] = l + 0.25f;
            b[l] = 2 * l + 0.75f;
            want += (l + 1) * a[l] + (l + 9) * b[l];
          }
        float got = ps_fn (a, b);
        snprintf (what, sizeof what, "%s: two __m256 arguments intact", when);
        report (got == want, what, got, want);
        break;
      }
    case VEC_512:
      {
#ifdef __AVX512F__
        __m512d x;
        __m512 y;
        double want = m;
        for (int l = 0; l < 8; l++)
          {
            x[l] = 1000 * l + 0.5;
            want += (l + 1) * x[l];
          }
        for (int l = 0; l < 16; l++)
          {
            y[l] = 3 * l + 0.25f;
            want += (l + 9) * (double) y[l];
          }
        double got = p512_fn (x, y);
        snprintf (what, sizeof what,
                  "%s: __m512d and __m512 arguments intact", when);
        report (got == want, what, got, want);
#endif
        break;
      }
    }
}

/* Only a thread's first entry into the library, and its first after a
   patch, take the slow path: one thread per function, whose first call
   of the library is a call of that function.  */

static void *
old_thread (void *arg)
{
  int fn = (int) (intptr_t) arg;
  check_one (fn, "a thread's first call", 0);
  sem_post (&entered);
  sem_wait (&patched);
  check_one (fn, "a migrating entry after the patch", mark);
  return NULL;
}

static void *
new_thread (void *arg)
{
  int fn = (int) (intptr_t) arg;
  check_one (fn, "a new thread's first call after the patch", mark);
  return NULL;
}

static int nfns = VEC_N;

static void *
patched_thread (void *arg)
{
  (void) arg;
  check_one (VEC_VA, "the first call after the patch, through the "
             "patch's TLS resolver", mark);
  for (int fn = VEC_VA + 1; fn < nfns; fn++)
    check_one (fn, "a call after the patch", mark);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc < 5)
    {
      fprintf (stderr, "usage: rt-vec linked|dlopen LIB PATCH MARK [patchfirst]\n");
      return 2;
    }
  mark = atoi (argv[4]);
  bool patch_first = argc > 5 && strcmp (argv[5], "patchfirst") == 0;
  if (strcmp (argv[1], "dlopen") == 0)
    {
      void *h = dlopen (argv[2], RTLD_NOW | RTLD_LOCAL);
      if (!h)
        {
          fprintf (stderr, "rt-vec: %s\n", dlerror ());
          return 1;
        }
      touch_fn = (int (*) (int)) dlsym (h, "vec_touch");
      pd_fn = (double (*) (__m256d, __m256d, __m256d, __m256d, __m256d,
                           __m256d, __m256d, __m256d)) dlsym (h, "vec_pd");
      ps_fn = (float (*) (__m256, __m256)) dlsym (h, "vec_ps");
      va_fn = (double (*) (__m256d, __m256d, int, ...)) dlsym (h, "vec_va");
#ifdef __AVX512F__
      p512_fn = (double (*) (__m512d, __m512)) dlsym (h, "vec_512");
#endif
    }
  else
    {
#ifdef RT_VEC_LINKED
      touch_fn = vec_touch;
      pd_fn = vec_pd;
      ps_fn = vec_ps;
      va_fn = vec_va;
# ifdef __AVX512F__
      p512_fn = vec_512;
# endif
#endif
    }
  if (!touch_fn || !pd_fn || !ps_fn || !va_fn
#ifdef __AVX512F__
      || !p512_fn
#endif
      )
    {
      fprintf (stderr, "rt-vec: the library's functions are missing\n");
      return 1;
    }
#ifndef __AVX512F__
  rt_unsupported ("__m512 arguments", "no AVX-512 on this CPU");
#endif

#ifndef __AVX512F__
  nfns = VEC_512;
#endif
  int n = nfns;
  if (patch_first)
    {
      pthread_t t;
      if (rt_apply (argv[3], "apply the patch") < 0)
        return 0;
      if (pthread_create (&t, NULL, patched_thread, NULL) != 0)
        return 1;
      pthread_join (t, NULL);
      return 0;
    }
  sem_init (&patched, 0, 0);
  sem_init (&entered, 0, 0);
  pthread_t t[VEC_N];
  for (int i = 0; i < n; i++)
    if (pthread_create (&t[i], NULL, old_thread, (void *) (intptr_t) i) != 0)
      return 1;
  for (int i = 0; i < n; i++)
    sem_wait (&entered);
  long id = rt_apply (argv[3], "apply the patch");
  for (int i = 0; i < n; i++)
    sem_post (&patched);
  for (int i = 0; i < n; i++)
    pthread_join (t[i], NULL);
  if (id < 0)
    return 0;
  for (int i = 0; i < n; i++)
    if (pthread_create (&t[i], NULL, new_thread, (void *) (intptr_t) i) != 0)
      return 1;
  for (int i = 0; i < n; i++)
    pthread_join (t[i], NULL);
  return 0;
}
