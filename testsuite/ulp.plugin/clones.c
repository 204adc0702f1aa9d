/* IPA clones get patchable entries and records of kind clone that name
   their origin: ipa-cp (.constprop), partial inlining (.part) and
   IPA-SRA (.isra, whose callers ulp-mkpatch replaces when a change gives
   the clone other arguments).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* { dg-do assemble } */
/* { dg-final { ulp-entries } } */
/* { dg-final { ulp-records } } */
/* { dg-final { ulp-sections } } */
/* { dg-final { ulp-function {^scale\.constprop\.[0-9]+$} {-O2 -O3 -Os} } } */
/* { dg-final { ulp-function {^slow_or_fast\.part\.[0-9]+$} {-O2} } } */
/* { dg-final { ulp-function {^get_b\..*isra\.[0-9]+$} {-O2 -O3 -Os} } } */

#include <stdio.h>

/* ipa-cp clones this for the constant factor.  */
static __attribute__ ((noinline)) int
scale (int x, int factor)
{
  int r = 0;
  for (int i = 0; i < factor; i++)
    r += x * i + (r >> 3);
  return r;
}

int use_scale1 (int x) { return scale (x, 7) + 1; }
int use_scale2 (int x) { return scale (x, 7) * 3; }
int use_scale3 (int x) { return scale (x + 1, 7) - 2; }

/* IPA-SRA would pass p->b by value here.  */
struct big { int a, b, c, d[16]; };

static __attribute__ ((noinline)) int
get_b (struct big *p, int unused)
{
  return p->b * 2;
}

int use_isra1 (struct big *p) { return get_b (p, 0) + get_b (p + 1, 1); }
int use_isra2 (struct big *p) { return get_b (p, 2) + 5; }

/* Partial inlining: the early exit is inlined, the loop is split into
   slow_or_fast.part.N.  */
int counter;

static int
slow_or_fast (int *p, int n)
{
  if (__builtin_expect (p == 0, 1))
    return 0;
  for (int i = 0; i < n; i++)
    {
      counter += p[i] * p[i] - i;
      if (counter > 1000)
        printf ("big %d\n", counter);
      counter ^= p[i] << 2;
    }
  printf ("done %d\n", n);
  return counter;
}

int use_part1 (int *p, int n) { return slow_or_fast (p, n) + 1; }
int use_part2 (int *p, int n) { return slow_or_fast (p, n * 2) + 2; }
int use_part3 (int *p) { return slow_or_fast (p, 3) + 3; }
