/* strings-after.c -- ulp-mkpatch corpus: string literals (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* A changed literal.  */
const char *
strings_greeting (void)
{
  return "hello, world";
}

/* A new literal beside existing ones, which must stay the target's.  */
const char *
strings_name (int i)
{
  if (i == 2)
    return "two";
  return i ? "one" : "zero";
}
