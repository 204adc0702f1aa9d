/* tree-t.c -- ulp-mkpatch build trees: a test program's object in the
   build directory, not linked into the library.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int tree_b (int);

int
tree_t_check (void)
{
  return tree_b (1) == 4;
}
