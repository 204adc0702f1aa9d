/* tree-b-before.c -- ulp-mkpatch build trees: the unit the fix changes
   (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int tree_a (int);

int
tree_b (int x)
{
  return tree_a (x) * 2;
}
