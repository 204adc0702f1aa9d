/* excluded-before.c -- ulp-mkpatch corpus: a changed function without a patchable entry, refused (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

__attribute__ ((ulp_exclude)) int
excluded_fn (int x)
{
  return x + 1;
}
