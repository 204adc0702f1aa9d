/* ap-dl.c -- libapdl.so.1, loaded with dlopen by the ulp-apply tests.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See ap.h.  Loaded after start-up, so its thread state lives in TLS
   that glibc allocates per thread on demand (the dtv), which ulp-status
   must follow.  */

#include <unistd.h>

#include "ap.h"

__attribute__ ((noinline)) static int
dl_value_impl (void)
{
  return 10;
}

int
apdl_value (void)
{
  return dl_value_impl ();
}

int
apdl_hold (int fd, void (*inside) (void))
{
  char c;
  inside ();
  while (read (fd, &c, 1) < 0)
    ;
  return dl_value_impl ();
}
