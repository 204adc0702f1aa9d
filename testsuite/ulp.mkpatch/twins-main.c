/* twins-main.c -- ulp-mkpatch corpus: a change in one of two units of
   the same name.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int twins_x (int);
int twins_y (int);

int
main (int argc, char **argv)
{
  MK_INT ("twins: unit x before the patch", twins_x (5), 16);
  MK_INT ("twins: unit y before the patch", twins_y (5), 45);
  mk_apply (argv[1]);
  MK_INT ("twins: unit x is as it was", twins_x (5), 16);
  MK_INT ("twins: unit y changed", twins_y (5), 75);
  return 0;
}
