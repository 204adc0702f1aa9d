/* outcome.h -- exit statuses and one-line errors of ulp-apply and
   ulp-status.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every failure the tools can meet is one of these statuses with a
   one-line message that names the cause; the manual lists them.  The
   modules below the tools fill a struct outcome and return -1, and the
   tool prints `PROGRAM: PID N: MESSAGE' and exits with the status.  */

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

struct outcome
{
  int status;            /* enum ulp_exit.  */
  char message[600];
};

/* Fill *OC and return -1.  */
int outcome_fail (struct outcome *oc, int status, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* The exit status for the runtime's error CODE (enum ulp_status_code
   in ulp.h), as a reply to ulp-apply reports it.  */
int outcome_of_runtime_error (int code);

#endif /* ULP_OUTCOME_H */
