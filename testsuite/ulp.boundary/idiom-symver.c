/* idiom-symver.c -- exports named by .symver.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The functions are defined under internal names, which the library's
   own callers use, and exported under versioned names with .symver:
   api_run@VERS_1 (the old ABI, for programs linked against it),
   api_run@@VERS_2 and api_second@@VERS_1.  idiom-symver.map defines
   the versions and makes every other name local.  */

#include "idiom.h"
#include "idiom-values.h"

int idiom_calls;
int api_second_v1 (void);
int api_run_v1 (idiom_cb cb, void *arg, int *out);
int api_run_v2 (idiom_cb cb, void *arg, int *out);

__asm__ (".symver api_second_v1, api_second@@VERS_1");
__asm__ (".symver api_run_v1, api_run@VERS_1");
__asm__ (".symver api_run_v2, api_run@@VERS_2");

#define IDIOM_RUN api_run_v2
#define IDIOM_SECOND api_second_v1
#include "idiom-body.h"

/* The old ABI returned the count of values differently; same values.  */
int
api_run_v1 (idiom_cb cb, void *arg, int *out)
{
  return api_run_v2 (cb, arg, out) - IDIOM_NVALS;
}
