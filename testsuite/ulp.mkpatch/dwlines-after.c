/* dwlines-after.c -- ulp-mkpatch: functions whose only change is line
   numbers (after).  The fix in dwlines_fixed adds three lines, which
   shifts the __LINE__ that dwlines_shifted passes; dwlines_lookalike's
   constant changes for real, to its new line number.

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
  if (x > 1000)
    return -1;
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
  return 39;
}

int
dwlines_last (void)
{
  return dwlines_last_line;
}
