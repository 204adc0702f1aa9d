/* error.c -- the runtime's error reports.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every failure of the API is one struct ulp_error: a status code and a
   one-line message naming what is wrong ("libfoo.so.1 is not loaded").
   This module formats them, and keeps the message to one line whatever
   the strings spliced into it (file names, dlerror texts) contain.
   (ulp_hex, declared in ulp-runtime.h, is lib/ulp-hex.c.)  */

#include <config.h>

#include <stdio.h>
#include <string.h>

#include "ulp-runtime.h"

int
ulp_fail (struct ulp_error *err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (err->message, sizeof err->message, fmt, ap);
  va_end (ap);
  err->code = code;
  /* One line: dlerror and file names may carry newlines.  */
  for (char *p = err->message; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  return -1;
}
