/* dirs-main.c -- ulp-mkpatch corpus: directories of objects.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int dirs_a (int);
int dirs_b (int);
int dirs_c (int);

int
main (int argc, char **argv)
{
  MK_INT ("dirs: unit a before the patch", dirs_a (5), 11);
  MK_INT ("dirs: unit b before the patch", dirs_b (5), 4);
  mk_apply (argv[1]);
  MK_INT ("dirs: unit a calls the new function of unit b", dirs_a (5), 22);
  MK_INT ("dirs: unit b is new", dirs_b (5), 3);
  MK_INT ("dirs: unit c is as it was", dirs_c (5), 110);
  return 0;
}
