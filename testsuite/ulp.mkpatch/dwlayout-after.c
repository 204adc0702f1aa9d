/* dwlayout-after.c -- ulp-mkpatch layout check: a field inserted into a
   structure the process already holds instances of (after).  A context
   made before the patch has no limit, and its total is where the new
   code looks for the limit.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdlib.h>

struct dwlayout_ctx
{
  int flags;
  long limit;
  long total;
  const char *name;
};

struct dwlayout_ctx *
dwlayout_new (void)
{
  struct dwlayout_ctx *c = calloc (1, sizeof (struct dwlayout_ctx));
  if (c)
    c->limit = 1000;
  return c;
}

long
dwlayout_add (struct dwlayout_ctx *c, long n)
{
  if (c->total + n > c->limit)
    return -1;
  c->total += n;
  return c->total;
}
