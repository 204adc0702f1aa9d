/* outcome.c -- exit statuses and one-line errors of ulp-apply and
   ulp-status.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See outcome.h.  */

#include <config.h>

#include "outcome.h"

#include <stdarg.h>
#include <stdio.h>

int
outcome_fail (struct outcome *oc, int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (oc->message, sizeof oc->message, fmt, ap);
  va_end (ap);
  oc->status = status;
  /* One line, whatever a file name or a message from the process
     holds.  */
  for (char *p = oc->message; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  return -1;
}
