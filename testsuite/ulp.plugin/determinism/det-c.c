/* det-c.c -- C source for ulp.plugin/determinism.exp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Many functions of every kind the plugin records (exported, static,
   inlined, cold parts, variables), so that the strings it keeps for
   their records (names, units, origins) outlive several garbage
   collections within one compilation.  */

#include <stdio.h>
#include <stdlib.h>

int det_counter;
static int det_hidden;
const char *det_names[] = { "alpha", "beta", "gamma", "delta" };

static inline int
det_square (int x)
{
  return x * x;
}

static int __attribute__ ((noinline))
det_helper (int x)
{
  det_hidden += x;
  return det_square (x) + det_hidden;
}

static void __attribute__ ((noinline, cold))
det_fail (const char *what)
{
  fprintf (stderr, "det: %s\n", what);
  abort ();
}

#define DET_FN(n)                                                     \
  int det_fn##n (int x)                                               \
  {                                                                   \
    if (__builtin_expect (x < -1000, 0))                              \
      det_fail (#n);                                                  \
    det_counter += n;                                                 \
    return det_helper (x + n) + det_square (n);                       \
  }                                                                   \
  static int det_static##n (int x)                                    \
  {                                                                   \
    return det_fn##n (x) * (int) sizeof det_names[n % 4];             \
  }                                                                   \
  int (*det_ptr##n) (int) = det_static##n;

#define DET_TEN(d) DET_FN (d##0) DET_FN (d##1) DET_FN (d##2) DET_FN (d##3) \
  DET_FN (d##4) DET_FN (d##5) DET_FN (d##6) DET_FN (d##7) DET_FN (d##8)    \
  DET_FN (d##9)

DET_TEN (1)
DET_TEN (2)
DET_TEN (3)
DET_TEN (4)

const char *
det_name (unsigned i)
{
  return det_names[i % 4];
}
