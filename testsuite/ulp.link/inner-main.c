/* inner-main.c -- calls the library of inner.exp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdio.h>

int inner_api (int);
int inner_user (int);

int
main (void)
{
  printf ("inner_api (1) = %d, inner_user (1) = %d\n", inner_api (1),
          inner_user (1));
  return 0;
}
