/* layout-after.c -- ulp-mkpatch corpus: a data layout change, refused (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* A new field: the running process has the variable in the old
   layout.  */
struct layout_point
{
  int x, y, z;
};

static struct layout_point layout_origin = { 1, 2, 3 };

int
layout_sum (void)
{
  return layout_origin.x + layout_origin.y + layout_origin.z;
}
