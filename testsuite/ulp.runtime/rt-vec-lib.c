/* rt-vec-lib.c -- a live-patchable library whose exported functions
   take vector arguments, for vector.exp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -mavx2 (and -mavx512f where the CPU has it).  Each
   function returns a weighted sum of every lane of every argument, so
   that an argument whose upper lanes were cleared on the way in
   (vzeroupper on a slow path that saved only xmm registers) gives
   another result.  VEC_MARK is added to the results: rt-vec-after.c,
   the changed source ulp-mkpatch makes a patch from, sets it, so a
   caller sees which version ran.  */

#include <immintrin.h>
#include <stdarg.h>

#include "rt-vec.h"

#ifndef VEC_MARK
# define VEC_MARK 0
#endif

/* A function without vector arguments: a thread's first call of it
   allocates the library's thread-local block, and a patch of it opens
   a new universe without changing the vector functions.  */
int
vec_touch (int x)
{
  return x + 1;
}

double
vec_pd (__m256d a0, __m256d a1, __m256d a2, __m256d a3, __m256d a4,
        __m256d a5, __m256d a6, __m256d a7)
{
  __m256d v[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };
  double s = 0;
  for (int k = 0; k < 8; k++)
    for (int l = 0; l < 4; l++)
      s += (k * 4 + l + 1) * v[k][l];
  return s + VEC_MARK;
}

float
vec_ps (__m256 a, __m256 b)
{
  float s = 0;
  for (int l = 0; l < 8; l++)
    s += (l + 1) * a[l] + (l + 9) * b[l];
  return s + VEC_MARK;
}

/* Varargs: tracked in its own body (an entry cannot forward them), so
   with -fplugin-arg-ulp-tls=desc its replacement reaches the thread
   state through a TLS descriptor, which ulp-mkpatch points at its own
   resolver.  */
double
vec_va (__m256d a, __m256d b, int n, ...)
{
  double s = 0;
  for (int l = 0; l < 4; l++)
    s += (l + 1) * a[l] + (l + 5) * b[l];
  va_list ap;
  va_start (ap, n);
  for (int i = 0; i < n; i++)
    s += (i + 1) * va_arg (ap, int);
  va_end (ap);
  return s + VEC_MARK;
}

#ifdef __AVX512F__
double
vec_512 (__m512d a, __m512 b)
{
  double s = 0;
  for (int l = 0; l < 8; l++)
    s += (l + 1) * a[l];
  for (int l = 0; l < 16; l++)
    s += (l + 9) * (double) b[l];
  return s + VEC_MARK;
}
#endif
