/* ctor-before.c -- ulp-mkpatch corpus: a changed constructor, refused (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static int ctor_value;

__attribute__ ((constructor)) static void
ctor_init (void)
{
  ctor_value = 2;
}

int
ctor_get (void)
{
  return ctor_value;
}
