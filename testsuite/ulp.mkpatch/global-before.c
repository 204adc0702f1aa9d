/* global-before.c -- ulp-mkpatch corpus: an exported variable (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* Exported: code of the library reaches it through its GOT, and the
   program's own copy (a copy relocation) is the one every object
   uses.  */
int global_hits;

int
global_hit (void)
{
  return ++global_hits;
}
