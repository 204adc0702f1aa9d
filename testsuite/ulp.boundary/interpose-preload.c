/* interpose-preload.c -- a replacement of ip_value, preloaded.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int
ip_value (void)
{
  return 2;
}
