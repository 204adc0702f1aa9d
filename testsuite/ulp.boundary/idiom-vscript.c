/* idiom-vscript.c -- exports decided by a version script.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every function has default visibility; idiom-vscript.map exports
   api_* and makes everything else local (`local: *'), as libpng and
   many others do.  */

#include "idiom.h"
#include "idiom-values.h"

int idiom_calls;
int idiom_helper_b (void);

static int __attribute__ ((noinline))
helper_a (void)
{
  idiom_calls++;
  return VAL_A;
}

int __attribute__ ((noinline))
idiom_helper_b (void)
{
  idiom_calls++;
  return VAL_B;
}

int
api_second (void)
{
  idiom_calls++;
  return VAL_SECOND;
}

int
api_run (idiom_cb cb, void *arg, int *out)
{
  out[0] = helper_a ();
  out[1] = api_second ();
  cb (arg);
  out[2] = idiom_helper_b ();
  out[3] = api_second ();
  out[4] = helper_a ();
  return IDIOM_NVALS;
}
