/* startup-main.c -- patches applied at process start: prints whether
   the process runs with elevated privileges (AT_SECURE) and what the
   library answers, which tells whether the patch was applied before
   main.  With an argument, loads the runtime with dlopen first (the
   program is then not linked with it).  With --apply PATCH (a program
   linked with the runtime), applies PATCH in process first and prints
   "apply: ok" or "apply: " and the runtime's message.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

#include "ulp.h"

int startup_answer (int);

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--apply") == 0)
    {
      /* Through dlsym: the plain build of this program does not link
         the runtime.  */
      long (*apply) (const char *, unsigned, struct ulp_error *);
      *(void **) &apply = dlsym (RTLD_DEFAULT, "ulp_apply");
      struct ulp_error e = { 0 };
      if (!apply)
        printf ("apply: no runtime\n");
      else if (apply (argv[2], 0, &e) < 0)
        printf ("apply: %s\n", e.message);
      else
        printf ("apply: ok\n");
      fflush (stdout);
    }
  else if (argc > 1 && !dlopen (argv[1], RTLD_NOW))
    {
      printf ("dlopen: %s\n", dlerror ());
      return 1;
    }
  printf ("secure=%lu answer=%d\n", getauxval (AT_SECURE),
          startup_answer (1));
  return 0;
}
