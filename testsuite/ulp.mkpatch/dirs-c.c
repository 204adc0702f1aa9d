/* dirs-c.c -- ulp-mkpatch corpus: directories, unit c (unchanged).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int dirs_b_helper (int);

int
dirs_c (int x)
{
  return dirs_b_helper (x) + 100;
}
