/* The object of ulp-dump's output tests: one function of each kind
   and linkage the table shows.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

extern void dump_report (int) __attribute__ ((cold));

static __attribute__ ((noinline)) int
dump_static (int x)
{
  return x * 5;
}

static inline int
dump_inlined (int x)
{
  return x + 3;
}

int
dump_exported (int x)
{
  return dump_static (x) + dump_inlined (x);
}

__attribute__ ((weak)) int
dump_weak (int x)
{
  return x - 1;
}

__attribute__ ((visibility ("hidden"))) int
dump_hidden (int x)
{
  return x * 9;
}

__attribute__ ((ulp_exclude)) int
dump_excluded (int x)
{
  return x + 11;
}

int
dump_hotcold (const int *p, int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    {
      if (p[i] < 0)
        {
          dump_report (i);
          s -= p[i];
          continue;
        }
      s += p[i];
    }
  return s;
}
