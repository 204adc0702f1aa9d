/* dirs-b-before.c -- ulp-mkpatch corpus: directories, unit sub/b (before).

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
  return x - 1;
}
