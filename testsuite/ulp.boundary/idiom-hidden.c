/* idiom-hidden.c -- -fvisibility=hidden and an export macro.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -fvisibility=hidden: only what IDIOM_API marks is
   exported, as in libraries with FOO_EXPORT macros.  */

#define IDIOM_DEF __attribute__ ((visibility ("default")))

#include "idiom.h"
#include "idiom-values.h"

int idiom_calls;

#define IDIOM_RUN api_run
#define IDIOM_SECOND api_second
#include "idiom-body.h"
