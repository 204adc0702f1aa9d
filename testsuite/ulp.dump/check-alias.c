/* check-alias.c -- exports through aliases of hidden functions, the
   idiom of libxml2 and glibc (check.exp).  Every export must land on a
   tracked entry.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int cb_alias (int);
int cb_alias_weak (int);

__attribute__ ((visibility ("hidden"))) int
cb_alias__internal (int x)
{
  return x + 5;
}

__attribute__ ((visibility ("hidden"))) int
cb_alias_weak__internal (int x)
{
  return cb_alias__internal (x) * 2;
}

extern __typeof (cb_alias) cb_alias
    __attribute__ ((alias ("cb_alias__internal")));
extern __typeof (cb_alias_weak) cb_alias_weak
    __attribute__ ((weak, alias ("cb_alias_weak__internal")));
