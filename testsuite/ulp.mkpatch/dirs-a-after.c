/* dirs-a-after.c -- ulp-mkpatch corpus: directories, unit a (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int dirs_b_new (int);

/* Now calls a function new in another unit.  */
int
dirs_a (int x)
{
  return dirs_b_new (x) + 2;
}
