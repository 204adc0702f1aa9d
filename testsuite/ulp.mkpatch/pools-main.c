/* pools-main.c -- ulp-mkpatch corpus: functions whose literals and jump
   tables moved are not replaced, and keep working.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int pools_first (int);
int pools_switch_first (int);
int pools_second (int);
int pools_switch_second (int);
double pools_scale (double);

int
main (int argc, char **argv)
{
  MK_INT ("pools: the array before the patch", pools_first (0), 189);
  MK_INT ("pools: the switch before the patch", pools_switch_first (6), -1);
  mk_apply (argv[1]);
  MK_INT ("pools: the longer array", pools_first (0), 210);
  MK_INT ("pools: the new case", pools_switch_first (6), 91);
  MK_INT ("pools: the unchanged array", pools_second (0), 609);
  MK_INT ("pools: the unchanged switch", pools_switch_second (3), 42);
  MK_INT ("pools: the unchanged constant", (int) pools_scale (2.0), 8);
  return 0;
}
