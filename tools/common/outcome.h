/* outcome.h -- exit statuses and one-line errors of the tools.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every failure the tools can meet is one of these statuses with a
   one-line message that names the cause; the manual lists them.  The
   libraries below the programs (libulpelf, libulpproc, repo) report
   every failure this one way: they fill the struct outcome their
   caller passes and return -1 (or NULL); the program prints it with
   tool_report (tool-report.h), `PROGRAM: PID N: MESSAGE' or
   `PROGRAM: MESSAGE', and exits with the status.  */

#ifndef ULP_OUTCOME_H
#define ULP_OUTCOME_H

/* Keep in step with the manual (chapter "Applying patches").  */
enum ulp_exit
{
  ULP_EXIT_OK = 0,
  ULP_EXIT_FAIL = 1,          /* a failure none of the below covers.  */
  ULP_EXIT_USAGE = 2,         /* bad command line.  */
  ULP_EXIT_NO_PROCESS = 3,    /* no such process.  */
  ULP_EXIT_PERMISSION = 4,    /* not allowed to trace or write it.  */
  ULP_EXIT_TRACED = 5,        /* another tracer is attached.  */
  ULP_EXIT_EXITED = 6,        /* it exited or exec'ed mid-way.  */
  ULP_EXIT_NOT_LOADED = 7,    /* the patch's target object is not
                                 loaded.  */
  ULP_EXIT_APPLIED = 8,       /* the patch is already applied.  */
  ULP_EXIT_BUILD = 9,         /* the patch is for another build.  */
  ULP_EXIT_NO_RUNTIME = 10,   /* no runtime in the process.  */
  ULP_EXIT_NOT_APPLIED = 11,  /* --revert: no such applied patch.  */
  ULP_EXIT_TIMEOUT = 12,      /* the process did not answer in time.  */
  ULP_EXIT_BAD_PATCH = 13,    /* the patch file cannot be used.  */
  ULP_EXIT_UNTRUSTED = 14,    /* the runtime does not trust the patch
                                 file (owner, permissions, directory,
                                 symbolic link).  */
  ULP_EXIT_SIGNATURE = 15     /* a signature is required and missing,
                                 bad, or by a key not trusted.  */
};

/* Room for a path (PATH_MAX, 4096) and the reason after it: the
   repository's and libulpelf's messages start with a file name.  A
   struct outcome is a local of the caller, never kept in arrays.  */
#define OUTCOME_MESSAGE_SIZE 4608

struct outcome
{
  int status;            /* enum ulp_exit.  */
  char message[OUTCOME_MESSAGE_SIZE];
};

/* Fill *OC and return -1.  OC may be NULL, for a caller that wants
   only the failure, not its reason.  */
int outcome_fail (struct outcome *oc, int status, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Fill *OC with status ULP_EXIT_OK and a message that says what was
   done, for a caller that prints it; return 0.  */
int outcome_ok (struct outcome *oc, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* Put `PREFIX: ' before OC's message (a file name before the reason a
   lower layer gave), keeping its status.  Returns -1.  */
int outcome_prefix (struct outcome *oc, const char *prefix);

/* The exit status for the runtime's error CODE (enum ulp_status_code
   in ulp.h), as a reply to ulp-apply reports it.  */
int outcome_of_runtime_error (int code);

#endif /* ULP_OUTCOME_H */
