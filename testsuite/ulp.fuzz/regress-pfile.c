/* regress-pfile.c -- hand hostile patch files to ulp_apply.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp.fuzz/regress.exp runs this program, linked with libulp.so, on the
   inputs of the fuzz-pfile harness: the seed corpus and every input
   that once crashed the patch verifier.  None of them is a patch for an
   object this program has loaded, so ulp_apply must refuse each one
   with a one-line message, and the process must live on to try the
   next.  One "PASS: FILE" or "FAIL: FILE: why" line per file.  */

#include <stdio.h>
#include <string.h>

#include "ulp.h"

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      struct ulp_error err;
      memset (&err, 0, sizeof err);
      long r = ulp_apply (argv[i], 0, &err);
      if (r >= 0)
        printf ("FAIL: %s: accepted (patch %ld)\n", argv[i], r);
      else if (err.message[0] == '\0' || strchr (err.message, '\n'))
        printf ("FAIL: %s: refused without a one-line message\n", argv[i]);
      else
        printf ("PASS: %s\n", argv[i]);
      /* What was refused, for the log.  */
      fprintf (stderr, "%s: %s\n", argv[i], err.message);
      fflush (stdout);
    }
  return 0;
}
