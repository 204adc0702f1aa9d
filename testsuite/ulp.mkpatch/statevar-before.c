/* statevar-before.c -- ulp-mkpatch corpus: a static variable (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static int statevar_count;

int
statevar_bump (void)
{
  return ++statevar_count;
}

int
statevar_get (void)
{
  return statevar_count;
}
