/* fptr-before.c -- ulp-mkpatch corpus: pointers to a patched function (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

typedef int (*fptr_fn) (int);

static int
fptr_impl (int x)
{
  return x + 200;
}

/* A pointer stored in data long before any patch.  */
static fptr_fn fptr_table[1] = { fptr_impl };

fptr_fn
fptr_get (void)
{
  return fptr_impl;
}

int
fptr_dispatch (int x)
{
  return fptr_table[0] (x);
}
