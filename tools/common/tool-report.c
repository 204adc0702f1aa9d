/* tool-report.c -- how every ulp program prints its errors, warnings
   and --verbose lines, and its --version text (the form the GNU coding
   standards ask for), kept in one place so the tools cannot drift
   apart.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See tool-report.h.  */

#include <config.h>

#include "tool-report.h"

#include <errno.h>
#include <stdio.h>

const char *program_name;

static const char *
name (void)
{
  return program_name ? program_name : program_invocation_short_name;
}

void
ulp_print_version (const char *program)
{
  printf ("%s (%s) %s\n", program, PACKAGE_NAME, PACKAGE_VERSION);
  fputs ("Copyright (C) 2026 The ulp authors.\n"
         "License GPLv3+: GNU GPL version 3 or later "
         "<https://gnu.org/licenses/gpl.html>.\n"
         "This is free software: you are free to change and "
         "redistribute it.\n"
         "There is NO WARRANTY, to the extent permitted by law.\n",
         stdout);
}

/* The one place the prefix is made.  */
static void
vprint (pid_t pid, const char *kind, const char *fmt, va_list ap)
{
  fflush (stdout);
  fprintf (stderr, "%s: ", name ());
  if (pid > 0)
    fprintf (stderr, "PID %d: ", (int) pid);
  if (kind)
    fprintf (stderr, "%s: ", kind);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
}

void
tool_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vprint (0, NULL, fmt, ap);
  va_end (ap);
}

void
tool_vsay (pid_t pid, const char *fmt, va_list ap)
{
  vprint (pid, NULL, fmt, ap);
}

void
tool_say (pid_t pid, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vprint (pid, NULL, fmt, ap);
  va_end (ap);
}

void
tool_warning (pid_t pid, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vprint (pid, "warning", fmt, ap);
  va_end (ap);
}

void
tool_report (pid_t pid, const struct outcome *oc)
{
  tool_say (pid, "%s", oc->message);
}

void
tool_progress (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "\r%s: ", name ());
  vfprintf (stderr, fmt, ap);
  va_end (ap);
}
