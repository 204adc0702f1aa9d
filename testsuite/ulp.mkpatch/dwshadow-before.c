/* dwshadow-before.c -- ulp-mkpatch layout check: the fix of
   dwlayout-after.c written to be applied live (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdlib.h>

struct dwshadow_ctx
{
  int flags;
  long total;
  const char *name;
};

struct dwshadow_ctx *
dwshadow_new (void)
{
  return calloc (1, sizeof (struct dwshadow_ctx));
}

long
dwshadow_add (struct dwshadow_ctx *c, long n)
{
  c->total += n;
  return c->total;
}
