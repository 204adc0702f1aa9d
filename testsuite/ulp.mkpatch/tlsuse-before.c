/* tlsuse-before.c -- ulp-mkpatch corpus: new code using a thread-local variable, refused (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

__thread int tlsuse_count;

int
tlsuse_next (void)
{
  return ++tlsuse_count;
}
