/* tree-b-after.c -- ulp-mkpatch build trees: the unit the fix changes
   (after), with a new exported function, which only the patch's own
   code can call.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int tree_a (int);

__attribute__ ((noinline)) int
tree_b_limit (int x)
{
  return x > 100 ? 100 : x;
}

int
tree_b (int x)
{
  return tree_b_limit (tree_a (x) * 2);
}
