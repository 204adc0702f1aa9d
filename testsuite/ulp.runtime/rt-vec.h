/* rt-vec.h -- the functions of rt-vec-lib.c.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#ifndef RT_VEC_H
#define RT_VEC_H

#include <immintrin.h>

int vec_touch (int);
double vec_pd (__m256d, __m256d, __m256d, __m256d, __m256d, __m256d,
               __m256d, __m256d);
float vec_ps (__m256, __m256);
double vec_va (__m256d, __m256d, int, ...);
#ifdef __AVX512F__
double vec_512 (__m512d, __m512);
#endif

#endif /* RT_VEC_H */
