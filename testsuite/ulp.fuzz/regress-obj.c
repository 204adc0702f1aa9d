/* regress-obj.c -- a real object and target for ulp.fuzz/regress.exp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-mkpatch reads a hostile input either as ORIG and PATCHED, with
   this library as the target, or as the target of this object.  */

static int counter;

int
regress_next (int step)
{
  counter += step;
  return counter;
}
