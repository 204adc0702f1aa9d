/* dwvartype-after.c -- ulp-mkpatch layout check: a kept variable whose
   type changes but not its size or its initial bytes (after): the
   running process holds an int there.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static float dwvartype_level;

int
dwvartype_raise (int by)
{
  dwvartype_level += by * 1.5f;
  return (int) dwvartype_level;
}
