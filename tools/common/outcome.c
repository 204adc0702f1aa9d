/* outcome.c -- exit statuses and one-line errors of the tools.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See outcome.h.  */

#include <config.h>

#include "outcome.h"

#include <stdarg.h>
#include <stdio.h>

#include "ulp.h"

int
outcome_fail (struct outcome *oc, int status, const char *fmt, ...)
{
  if (!oc)
    return -1;
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

int
outcome_ok (struct outcome *oc, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (oc->message, sizeof oc->message, fmt, ap);
  va_end (ap);
  oc->status = ULP_EXIT_OK;
  return 0;
}

int
outcome_prefix (struct outcome *oc, const char *prefix)
{
  if (!oc)
    return -1;
  char why[sizeof oc->message];
  snprintf (why, sizeof why, "%s", oc->message);
  return outcome_fail (oc, oc->status, "%s: %s", prefix, why);
}

int
outcome_of_runtime_error (int code)
{
  switch (code)
    {
    case ULP_E_OPEN:
    case ULP_E_FORMAT:
      return ULP_EXIT_BAD_PATCH;
    case ULP_E_NOT_LOADED:
      return ULP_EXIT_NOT_LOADED;
    case ULP_E_BUILD_ID:
      return ULP_EXIT_BUILD;
    case ULP_E_APPLIED:
    case ULP_E_NOT_NEWER:
      return ULP_EXIT_APPLIED;
    case ULP_E_NO_PATCH:
      return ULP_EXIT_NOT_APPLIED;
    case ULP_E_UNTRUSTED:
      return ULP_EXIT_UNTRUSTED;
    case ULP_E_SIGNATURE:
      return ULP_EXIT_SIGNATURE;
    default:
      return ULP_EXIT_FAIL;
    }
}
