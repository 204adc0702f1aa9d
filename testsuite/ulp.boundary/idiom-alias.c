/* idiom-alias.c -- exports through aliases of hidden functions.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The idiom of libxml2's elfgcchack.h and glibc's hidden_def: every
   public function is defined under a hidden name, FOO__internal_alias,
   which the library's own callers use through a #define, and FOO is
   exported as an alias of it.  idiom_helper_b is an internal function
   of default visibility, as libxml2 has many.  */

#include "idiom.h"
#include "idiom-values.h"

extern __typeof (api_run) api_run__internal_alias
    __attribute__ ((visibility ("hidden")));
#define api_run api_run__internal_alias
extern __typeof (api_second) api_second__internal_alias
    __attribute__ ((visibility ("hidden")));
#define api_second api_second__internal_alias

int idiom_calls __attribute__ ((visibility ("hidden")));

/* api_run and api_second are #defined to their hidden names above.  */
#define IDIOM_RUN api_run
#define IDIOM_SECOND api_second
#include "idiom-body.h"

#undef api_run
extern __typeof (api_run__internal_alias) api_run
    __attribute__ ((alias ("api_run__internal_alias")));
#undef api_second
extern __typeof (api_second__internal_alias) api_second
    __attribute__ ((alias ("api_second__internal_alias")));
