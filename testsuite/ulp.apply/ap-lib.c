/* ap-lib.c -- libap.so.1, the library the ulp-apply tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See ap.h.  value_impl, value_b and value_c are static and never
   inlined, so a patch replaces functions reached from inside the
   library; the exported functions are the boundary.  */

#include <unistd.h>

#include "ap.h"

__attribute__ ((noinline)) static int
value_impl (void)
{
  return 1;
}

__attribute__ ((noinline)) static int
value_b (void)
{
  return 1;
}

__attribute__ ((noinline)) static int
value_c (void)
{
  return 1;
}

/* The patches replace all three functions: the value is theirs when
   they agree, and a number no patch gives (100 * a + 10 * b + c) when
   some run old code and some new, so that a half-applied patch shows.  */
static int
combined (void)
{
  int a = value_impl (), b = value_b (), c = value_c ();
  return a == b && b == c ? a : 100 * a + 10 * b + c;
}

int
ap_value (void)
{
  return combined ();
}

int
ap_hold (int fd, void (*inside) (void))
{
  char c;
  inside ();
  while (read (fd, &c, 1) < 0)
    ;
  return combined ();
}
