/* dwlines-before.c -- ulp-mkpatch: functions whose only change is line
   numbers (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

static int dwlines_last_line;

void
dwlines_fail (int line)
{
  dwlines_last_line = line;
}

#define DWLINES_CHECK(c) do { if (!(c)) dwlines_fail (__LINE__); } while (0)

int
dwlines_fixed (int x)
{
  DWLINES_CHECK (x != 7);
  return x;
}

int
dwlines_shifted (int x)
{
  DWLINES_CHECK (x >= 0);
  return x * 2;
}

/* Returns its own line number, by coincidence: the fix changes it.  */
int
dwlines_lookalike (void)
{
  return 35;
}

int
dwlines_last (void)
{
  return dwlines_last_line;
}
