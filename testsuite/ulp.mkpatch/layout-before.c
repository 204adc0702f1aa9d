/* layout-before.c -- ulp-mkpatch corpus: a data layout change, refused (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

struct layout_point
{
  int x, y;
};

static struct layout_point layout_origin = { 1, 2 };

int
layout_sum (void)
{
  return layout_origin.x + layout_origin.y;
}
