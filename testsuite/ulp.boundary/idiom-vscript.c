/* idiom-vscript.c -- exports decided by a version script.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every function has default visibility; idiom-vscript.map exports
   api_* and makes everything else local (`local: *'), as libpng and
   many others do.  */

#include "idiom.h"
#include "idiom-values.h"

int idiom_calls;

#define IDIOM_RUN api_run
#define IDIOM_SECOND api_second
#include "idiom-body.h"
