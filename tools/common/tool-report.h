/* tool-report.h -- how every ulp program prints its errors, warnings
   and --verbose lines, and its --version text.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The libraries below the programs print nothing: they return -1 (or
   NULL) and fill a struct outcome (outcome.h).  The programs print
   through these functions only, so that every line a tool writes on
   stderr starts the same way and the prefix is made in one place:

     PROGRAM: MESSAGE
     PROGRAM: PID N: MESSAGE
     PROGRAM: warning: MESSAGE
     PROGRAM: PID N: warning: MESSAGE

   Each flushes stdout first, so that what the tool printed there
   comes before the message when both go to the same place.  */

#ifndef ULP_TOOL_REPORT_H
#define ULP_TOOL_REPORT_H

#include <stdarg.h>
#include <sys/types.h>

#include "outcome.h"

/* The program's name, as its messages start with it.  Each program's
   main sets it first thing; until then (and in the fuzz harnesses,
   which have no such main) it is the name the program was run by.  */
extern const char *program_name;

/* Print PROGRAM's GNU-style version and licence text on stdout.  */
void ulp_print_version (const char *program);

/* `PROGRAM: MESSAGE'.  */
void tool_error (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

/* `PROGRAM: PID N: MESSAGE', or `PROGRAM: MESSAGE' when PID is 0:
   errors about one process that are no outcome, and --verbose lines
   (steps, times) and notes.  */
void tool_say (pid_t pid, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
void tool_vsay (pid_t pid, const char *fmt, va_list ap)
  __attribute__ ((format (printf, 2, 0)));

/* `PROGRAM: PID N: warning: MESSAGE', or without the PID part when PID
   is 0.  */
void tool_warning (pid_t pid, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* OC's message: `PROGRAM: PID N: MESSAGE', or without the PID part
   when PID is 0.  */
void tool_report (pid_t pid, const struct outcome *oc);

/* A progress line on a terminal: `\rPROGRAM: MESSAGE', no newline
   (the caller clears it).  */
void tool_progress (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

#endif /* ULP_TOOL_REPORT_H */
