/* tls-before.c -- ulp-mkpatch corpus: a changed thread-local variable, refused (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static __thread int tls_count;

int
tls_next (void)
{
  return ++tls_count;
}
