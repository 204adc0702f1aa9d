/* rt-vec-after.c -- rt-vec-lib.c changed: every vector function's
   result is marked, for the patch vector.exp makes with ulp-mkpatch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#define VEC_MARK 1000
#include "rt-vec-lib.c"
