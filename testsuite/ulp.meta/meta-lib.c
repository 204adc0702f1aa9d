/* The library of the metadata tests: one of each thing a record says.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A static function inlined away (no record, named in its caller's
   inline list), an ipa-cp clone, a partially inlined function, a hot
   function with a cold part, a function excluded by attribute and one
   excluded by -fplugin-arg-ulp-exclude=meta_excluded_by_arg; and
   variables: global, static, a static local and a thread-local one.  */

#include <stdio.h>

static inline int
meta_square (int x)
{
  return x * x;
}

int
meta_sum_squares (const int *v, int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    s += meta_square (v[i]);
  return s;
}

static __attribute__ ((noinline)) int
meta_scale (int x, int factor)
{
  int r = 0;
  for (int i = 0; i < factor; i++)
    r += x * i + (r >> 3);
  return r;
}

int meta_scale_a (int x) { return meta_scale (x, 11) + 1; }
int meta_scale_b (int x) { return meta_scale (x, 11) * 2; }
int meta_scale_c (int x) { return meta_scale (x - 1, 11); }

int meta_counter;

static int
meta_split (int *p, int n)
{
  if (__builtin_expect (p == 0, 1))
    return 0;
  for (int i = 0; i < n; i++)
    {
      meta_counter += p[i] * p[i] - i;
      if (meta_counter > 1000)
        printf ("big %d\n", meta_counter);
      meta_counter ^= p[i] << 2;
    }
  printf ("done %d\n", n);
  return meta_counter;
}

int meta_split_a (int *p, int n) { return meta_split (p, n) + 1; }
int meta_split_b (int *p, int n) { return meta_split (p, n * 2) + 2; }

/* The same, hidden and exported through an alias (libxml2's idiom): a
   tracked entry, whose partial-inlining clone (.part) is local and must
   not be one.  */
__attribute__ ((visibility ("hidden"))) int
meta_split_entry (int *p, int n)
{
  if (__builtin_expect (p == 0, 1))
    return 0;
  for (int i = 0; i < n; i++)
    {
      meta_counter += p[i] * p[i] + i;
      if (meta_counter > 2000)
        printf ("bigger %d\n", meta_counter);
      meta_counter ^= p[i] << 3;
    }
  printf ("done %d\n", n);
  return meta_counter;
}

int meta_split_public (int *p, int n) __attribute__ ((alias ("meta_split_entry")));
int meta_split_c (int *p, int n) { return meta_split_entry (p, n) + 3; }
int meta_split_d (int *p, int n) { return meta_split_entry (p, n * 3) + 4; }

extern void meta_report (const char *, int) __attribute__ ((cold));

void
meta_report (const char *what, int i)
{
  fprintf (stderr, "%s %d\n", what, i);
}

int
meta_hotcold (const int *p, int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    {
      if (p[i] < 0)
        {
          meta_report ("negative", i);
          s -= p[i] * 3;
          continue;
        }
      s += p[i];
    }
  return s;
}

__attribute__ ((ulp_exclude)) int
meta_excluded_attr (int x)
{
  return x + 17;
}

int
meta_excluded_by_arg (int x)
{
  return x + 19;
}

int meta_global_var = 3;
static int meta_static_var = 5;
__thread int meta_tls_var;

int
meta_count_calls (void)
{
  static int meta_calls;
  meta_tls_var++;
  return ++meta_calls + meta_static_var + meta_global_var;
}
