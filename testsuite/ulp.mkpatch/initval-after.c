/* initval-after.c -- ulp-mkpatch corpus: a new initial value (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* Refused: the running process has its own value.  With --force the
   patch uses the variable as it is.  */
static int initval_limit = 20;

int
initval_get (void)
{
  return initval_limit + 1;
}

void
initval_set (int v)
{
  initval_limit = v;
}
