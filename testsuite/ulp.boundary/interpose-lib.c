/* interpose-lib.c -- a library that calls its own exported function,
   for interpose.exp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
ip_value (void)
{
  return 1;
}

/* The object's own call of ip_value: through the PLT without the
   plugin, to ip_value's body with it (by default).  */
int
ip_call (void)
{
  return ip_value () * 10;
}
