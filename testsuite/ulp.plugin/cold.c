/* A function split into hot and cold parts: both parts get a patchable
   entry and the cold one a record of kind cold naming its origin.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* { dg-do assemble } */
/* { dg-final { ulp-entries } } */
/* { dg-final { ulp-records } } */
/* { dg-final { ulp-sections } } */
/* { dg-final { ulp-function {^hotcold\.cold$} {-O2 -O3} } } */
/* { dg-final { ulp-function {^expected_path\.cold$} {-O2 -O3} } } */

extern void report (const char *, int) __attribute__ ((cold));
extern void log_value (int);

int
hotcold (int *p, int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    {
      if (p[i] < 0)
        {
          report ("negative", i);
          s -= p[i] * 3;
          continue;
        }
      s += p[i];
    }
  return s;
}

int
expected_path (int *p, int n)
{
  int s = 0;
  for (int i = 0; i < n; i++)
    {
      if (__builtin_expect (p[i] == 0x7fff, 0))
        {
          report ("marker", i);
          log_value (p[i] * 5);
          log_value (i);
        }
      s ^= p[i] * 17;
    }
  return s;
}

__attribute__ ((cold)) int
cold_itself (int x)
{
  return x / 3;
}
