/* ap-lib.c -- libap.so.1, the library the ulp-apply tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See ap.h.  value_impl is static and never inlined, so a patch
   replaces a function reached from inside the library; the exported
   functions are the boundary.  */

#include <unistd.h>

#include "ap.h"

__attribute__ ((noinline)) static int
value_impl (void)
{
  return 1;
}

int
ap_value (void)
{
  return value_impl ();
}

int
ap_hold (int fd, void (*inside) (void))
{
  char c;
  inside ();
  while (read (fd, &c, 1) < 0)
    ;
  return value_impl ();
}
