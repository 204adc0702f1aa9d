/* clone-before.c -- ulp-mkpatch corpus: changes inside a clone and a cold part (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* ipa-cp clones this for the constant factor (clone_scale.constprop.N);
   its callers call the clone.  */
static __attribute__ ((noinline)) int
clone_scale (int x, int factor)
{
  int r = 0;
  for (int i = 0; i < factor; i++)
    r += x * i + (r >> 3);
  return r;
}

int clone_use1 (int x) { return clone_scale (x, 7) + 1; }
int clone_use2 (int x) { return clone_scale (x, 7) * 3; }

/* The unlikely branch goes to clone_sum.cold.  */
extern void clone_report (int) __attribute__ ((cold));

int
clone_sum (const int *p, int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    {
      if (__builtin_expect (p[i] < 0, 0))
        {
          clone_report (i);
          s -= p[i] * 3;
          continue;
        }
      s += p[i];
    }
  return s;
}
