/* startup-before.c -- patches applied at process start: the library
   (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
startup_answer (int x)
{
  return x + 1;
}
