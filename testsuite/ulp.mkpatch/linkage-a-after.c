/* linkage-a-after.c -- ulp-mkpatch corpus: a global function whose name
   a static function of another unit also has (after: it changed).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

__attribute__ ((visibility ("hidden"), noipa)) int
linkage_pick (int x)
{
  return x + 3;
}
