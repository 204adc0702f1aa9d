/* strings-before.c -- ulp-mkpatch corpus: string literals (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

const char *
strings_greeting (void)
{
  return "hello";
}

const char *
strings_name (int i)
{
  return i ? "one" : "zero";
}
