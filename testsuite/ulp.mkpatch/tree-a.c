/* tree-a.c -- ulp-mkpatch build trees: an unchanged unit of the
   library.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
tree_a (int x)
{
  return x + 1;
}
