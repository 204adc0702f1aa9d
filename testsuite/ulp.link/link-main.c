/* The program of the link tests: calls everything in link-lib.c and
   prints the results, so that a build with ulp can be compared with a
   plain one.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdio.h>

int lib_add (int, int);
int lib_weak (int);
int lib_sorted_median (int *, int);
int lib_hotcold (const int *, int);
int lib_scale_a (int);
int lib_scale_b (int);
int lib_scale_c (int);
extern int lib_calls;

int
main (void)
{
  int v[] = { 9, 3, 7, 1, 8, 2, 6 };
  int w[] = { 4, 5, 6, 7 };
  printf ("add %d\n", lib_add (3, 4));
  printf ("weak %d\n", lib_weak (42));
  printf ("median %d\n", lib_sorted_median (v, 7));
  printf ("hotcold %d\n", lib_hotcold (w, 4));
  printf ("scale %d %d %d\n", lib_scale_a (3), lib_scale_b (4),
          lib_scale_c (5));
  printf ("calls %d\n", lib_calls);
  return 0;
}
