/* idiom-hidden.c -- -fvisibility=hidden and an export macro.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -fvisibility=hidden: only what IDIOM_API marks is
   exported, as in libraries with FOO_EXPORT macros.  */

#define IDIOM_API __attribute__ ((visibility ("default")))

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

IDIOM_API int
api_second (void)
{
  idiom_calls++;
  return VAL_SECOND;
}

IDIOM_API int
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
