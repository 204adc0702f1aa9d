/* -flto, first unit: calls into lto-b.c, so lto1 inlines and clones
   across the two units.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdio.h>

int lto_b_square (int);
int lto_b_sum (const int *, int);

static __attribute__ ((noinline)) int
lto_a_twice (int x)
{
  return 2 * x + (x >> 4);
}

int
main (int argc, char **argv)
{
  (void) argv;
  int v[] = { 1, 2, 3, 4, 5 };
  printf ("%d %d %d\n", lto_b_square (argc + 2), lto_b_sum (v, 5),
          lto_a_twice (argc));
  return 0;
}
