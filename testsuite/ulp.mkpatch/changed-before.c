/* changed-before.c -- ulp-mkpatch corpus: a changed function (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
changed_answer (int x)
{
  return x + 1;
}
