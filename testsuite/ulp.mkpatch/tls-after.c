/* tls-after.c -- ulp-mkpatch corpus: a changed thread-local variable, refused (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static __thread long tls_count = 100;

int
tls_next (void)
{
  return (int) ++tls_count;
}
