/* changed-after.c -- ulp-mkpatch corpus: a changed function (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
changed_answer (int x)
{
  return x + 2;
}
