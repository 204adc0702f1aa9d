/* local-main.c -- ulp-mkpatch corpus: a static local keeps its value.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int local_next (void);

int
main (int argc, char **argv)
{
  local_next ();
  local_next ();
  MK_INT ("local: before the patch", local_next (), 3);
  mk_apply (argv[1]);
  MK_INT ("local: the new code counts on from the running value",
          local_next (), 5);
  MK_INT ("local: and keeps counting", local_next (), 7);
  return 0;
}
