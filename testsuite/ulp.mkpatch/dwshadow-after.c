/* dwshadow-after.c -- ulp-mkpatch layout check: the fix of
   dwlayout-after.c written to be applied live (after).  The structure
   keeps its layout; the limit a new field would have held lives in a
   shadow table beside the contexts, keyed by their address, and a
   context without an entry (every one made before the patch) has the
   default limit.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdlib.h>

struct dwshadow_ctx
{
  int flags;
  long total;
  const char *name;
};

enum { DWSHADOW_SLOTS = 16 };
#define DWSHADOW_DEFAULT_LIMIT 1000

static struct
{
  const struct dwshadow_ctx *ctx;
  long limit;
} dwshadow_limits[DWSHADOW_SLOTS];

static long
dwshadow_limit_of (const struct dwshadow_ctx *c)
{
  for (int i = 0; i < DWSHADOW_SLOTS; i++)
    if (dwshadow_limits[i].ctx == c)
      return dwshadow_limits[i].limit;
  return DWSHADOW_DEFAULT_LIMIT;
}

struct dwshadow_ctx *
dwshadow_new (void)
{
  return calloc (1, sizeof (struct dwshadow_ctx));
}

long
dwshadow_add (struct dwshadow_ctx *c, long n)
{
  if (c->total + n > dwshadow_limit_of (c))
    return -1;
  c->total += n;
  return c->total;
}
