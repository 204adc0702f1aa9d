/* dwvartype-before.c -- ulp-mkpatch layout check: a kept variable whose
   type changes but not its size or its initial bytes (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static int dwvartype_level;

int
dwvartype_raise (int by)
{
  dwvartype_level += by;
  return dwvartype_level;
}
