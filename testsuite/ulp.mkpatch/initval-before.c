/* initval-before.c -- ulp-mkpatch corpus: a new initial value (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static int initval_limit = 10;

int
initval_get (void)
{
  return initval_limit;
}

void
initval_set (int v)
{
  initval_limit = v;
}
