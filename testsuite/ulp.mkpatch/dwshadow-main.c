/* dwshadow-main.c -- ulp-mkpatch layout check: a context made before
   the patch keeps its state and gets the new limit after it.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

struct dwshadow_ctx;
struct dwshadow_ctx *dwshadow_new (void);
long dwshadow_add (struct dwshadow_ctx *, long);

int
main (int argc, char **argv)
{
  struct dwshadow_ctx *old = dwshadow_new ();
  MK_INT ("dwshadow: before the patch", dwshadow_add (old, 10), 10);
  struct dwshadow_ctx *big = dwshadow_new ();
  MK_INT ("dwshadow: no limit before the patch", dwshadow_add (big, 2000),
          2000);
  mk_apply (argv[1]);
  MK_INT ("dwshadow: an old context keeps its total", dwshadow_add (old, 5),
          15);
  MK_INT ("dwshadow: an old context gets the limit", dwshadow_add (old, 990),
          -1);
  MK_INT ("dwshadow: an old context over the limit stops",
          dwshadow_add (big, 1), -1);
  struct dwshadow_ctx *c = dwshadow_new ();
  MK_INT ("dwshadow: a new context adds", dwshadow_add (c, 999), 999);
  MK_INT ("dwshadow: a new context gets the limit", dwshadow_add (c, 2), -1);
  return 0;
}
