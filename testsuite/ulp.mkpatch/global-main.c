/* global-main.c -- ulp-mkpatch corpus: an exported variable, as the program sees it.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

extern int global_hits;
int global_hit (void);

int
main (int argc, char **argv)
{
  global_hit ();
  MK_INT ("global: before the patch", global_hit (), 2);
  global_hits = 10;
  mk_apply (argv[1]);
  MK_INT ("global: the new code uses the instance every object uses",
          global_hit (), 15);
  MK_INT ("global: which the program sees", global_hits, 15);
  return 0;
}
