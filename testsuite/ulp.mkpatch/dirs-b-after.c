/* dirs-b-after.c -- ulp-mkpatch corpus: directories, unit sub/b (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
dirs_b_helper (int x)
{
  return x * 2;
}

int
dirs_b (int x)
{
  return x - 2;
}

/* New, called from unit a.  */
__attribute__ ((visibility ("hidden"))) int
dirs_b_new (int x)
{
  return x * 4;
}
