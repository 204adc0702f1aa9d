/* dwlayout-before.c -- ulp-mkpatch layout check: a field inserted into a
   structure the process already holds instances of (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdlib.h>

struct dwlayout_ctx
{
  int flags;
  long total;
  const char *name;
};

struct dwlayout_ctx *
dwlayout_new (void)
{
  return calloc (1, sizeof (struct dwlayout_ctx));
}

long
dwlayout_add (struct dwlayout_ctx *c, long n)
{
  c->total += n;
  return c->total;
}
