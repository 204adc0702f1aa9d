/* interpose-main.c -- print what the program and the library's own
   call see of ip_value.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdio.h>

int ip_value (void);
int ip_call (void);

int
main (void)
{
  printf ("program %d library %d\n", ip_value (), ip_call () / 10);
  return 0;
}
