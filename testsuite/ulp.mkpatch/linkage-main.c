/* linkage-main.c -- ulp-mkpatch corpus: a patch that names a global
   function and refers to it, in a library where a static function of
   another unit has the same name.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

int linkage_b (int);
int linkage_c (int);

int
main (int argc, char **argv)
{
  MK_INT ("linkage: the static one before the patch", linkage_b (5), 110);
  MK_INT ("linkage: the global one before the patch", linkage_c (5), 1006);
  mk_apply (argv[1]);
  MK_INT ("linkage: the new caller calls the static one", linkage_b (5),
          210);
  MK_INT ("linkage: the new caller calls the new global one",
          linkage_c (5), 2008);
  return 0;
}
