/* ap-x.c -- a plain library the malloc/dlopen hammering threads of
   ap-target load and unload again and again.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdlib.h>

static void *kept;

__attribute__ ((constructor)) static void
init (void)
{
  kept = malloc (64);
}

__attribute__ ((destructor)) static void
fini (void)
{
  free (kept);
}

int
apx_touch (int x)
{
  return x + (kept != 0);
}
