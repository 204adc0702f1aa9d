/* linkage-a-before.c -- ulp-mkpatch corpus: a global function whose name
   a static function of another unit also has (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Hidden, so that the library's own calls reach it directly and a patch
   refers to it through the runtime, by name.  */

__attribute__ ((visibility ("hidden"), noipa)) int
linkage_pick (int x)
{
  return x + 1;
}
