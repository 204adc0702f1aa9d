/* fi-lib.c -- the library the fault-injection tests patch; see fi-lib.h.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stddef.h>

#include "fi-lib.h"

int scale = 1;
int bias;

#define FI_FN(name, value)                                              \
  __attribute__ ((noinline)) static int name (void)                     \
  {                                                                     \
    __asm__ ("");                                                       \
    return value;                                                       \
  }

FI_FN (fa, 1)
FI_FN (fb, 2)
FI_FN (fc, 3)
FI_FN (fd, 4)
FI_FN (fe, 5)

static int (*const fns[FI_N]) (void) = { fa, fb, fc, fd, fe };

int
fi_value (int i)
{
  switch (i)
    {
    case 0:
      return fa ();
    case 1:
      return fb ();
    case 2:
      return fc ();
    case 3:
      return fd ();
    case 4:
      return fe ();
    default:
      return -1;
    }
}

void *
fi_label (int i)
{
  return i >= 0 && i < FI_N ? (void *) fns[i] : NULL;
}
