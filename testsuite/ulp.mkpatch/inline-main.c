/* inline-main.c -- ulp-mkpatch corpus: both callers of an inlined function change.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int inline_a (int);
int inline_b (int);

int
main (int argc, char **argv)
{
  MK_INT ("inline: caller a before the patch", inline_a (10), 21);
  MK_INT ("inline: caller b before the patch", inline_b (10), 22);
  mk_apply (argv[1]);
  MK_INT ("inline: caller a runs the new code", inline_a (10), 31);
  MK_INT ("inline: caller b runs the new code", inline_b (10), 32);
  return 0;
}
