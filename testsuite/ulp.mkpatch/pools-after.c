/* pools-after.c -- ulp-mkpatch corpus: literal pools and jump tables
   that move when a function before them changes (after: an array literal and a jump table grow).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

__attribute__ ((noipa)) int
pools_sum (const int *a, int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    s += a[i];
  return s;
}

/* Changed: a longer array literal, which moves the literals after it.  */
int
pools_first (int k)
{
  int a[42] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                   1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                   1, 2, 3, 4, 10, 11 };
  a[k & 7] = k;
  return pools_sum (a, 42);
}

/* Changed: one more case in its jump table.  */
int
pools_switch_first (int k)
{
  switch (k)
    {
    case 0: return pools_sum (0, 0) + 5;
    case 1: return 17;
    case 2: return 33;
    case 3: return 41;
    case 4: return 59;
    case 5: return 77;
    case 6: return 91;
    default: return -1;
    }
}

/* Unchanged, with its literal and jump table after the changed ones.  */
int
pools_second (int k)
{
  int b[40] = { 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };
  b[k & 7] = k;
  return pools_sum (b, 40);
}

int
pools_switch_second (int k)
{
  switch (k)
    {
    case 0: return pools_sum (0, 0) + 6;
    case 1: return 18;
    case 2: return 34;
    case 3: return 42;
    case 4: return 60;
    case 5: return 78;
    default: return -2;
    }
}

double
pools_scale (double x)
{
  return x * 3.25 + 1.5;
}
