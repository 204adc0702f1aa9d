/* A small library linked every way ulp supports: as a PIC shared
   library, into a PIE and into a position-dependent executable.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   It has static, weak and exported functions, a callback, a function
   with a cold part and one ipa-cp clones, so that the linked objects
   hold every kind of body.  */

#include <stdio.h>
#include <stdlib.h>

int lib_calls;

static __attribute__ ((noinline)) int
lib_helper (int x)
{
  lib_calls++;
  return x * 5 + 1;
}

/* Hidden: global when compiled, local once linked.  */
__attribute__ ((visibility ("hidden"), noinline)) int
lib_hidden (int x)
{
  return x ^ 0x5a;
}

int
lib_add (int a, int b)
{
  return lib_helper (a) + lib_hidden (b);
}

__attribute__ ((weak)) int
lib_weak (int x)
{
  return x - 100;
}

static int
lib_cmp (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

int
lib_sorted_median (int *v, int n)
{
  qsort (v, (size_t) n, sizeof *v, lib_cmp);
  return v[n / 2];
}

extern void lib_report (const char *, int) __attribute__ ((cold));

void
lib_report (const char *what, int i)
{
  fprintf (stderr, "lib: %s at %d\n", what, i);
}

int
lib_hotcold (const int *p, int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    {
      if (p[i] < 0)
        {
          lib_report ("negative", i);
          s -= p[i] * 3;
          continue;
        }
      s += p[i];
    }
  return s;
}

static __attribute__ ((noinline)) int
lib_scale (int x, int factor)
{
  int r = 0;
  for (int i = 0; i < factor; i++)
    r += x * i + (r >> 3);
  return r;
}

int lib_scale_a (int x) { return lib_scale (x, 9) + 1; }
int lib_scale_b (int x) { return lib_scale (x, 9) * 2; }
int lib_scale_c (int x) { return lib_scale (x - 1, 9); }
