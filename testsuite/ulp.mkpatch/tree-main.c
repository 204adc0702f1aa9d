/* tree-main.c -- ulp-mkpatch build trees: the patch made from libtool
   build directories applies.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int tree_b (int);

int
main (int argc, char **argv)
{
  MK_INT ("tree: before the patch", tree_b (200), 402);
  mk_apply (argv[1]);
  MK_INT ("tree: the new code runs", tree_b (200), 100);
  MK_INT ("tree: and the unchanged unit", tree_b (3), 8);
  return 0;
}
