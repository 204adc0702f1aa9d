/* startup-main.c -- patches applied at process start: prints whether
   the process runs with elevated privileges (AT_SECURE) and what the
   library answers, which tells whether the patch was applied before
   main.  With an argument, loads the runtime with dlopen first (the
   program is then not linked with it).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <dlfcn.h>
#include <stdio.h>
#include <sys/auxv.h>

int startup_answer (int);

int
main (int argc, char **argv)
{
  if (argc > 1 && !dlopen (argv[1], RTLD_NOW))
    {
      printf ("dlopen: %s\n", dlerror ());
      return 1;
    }
  printf ("secure=%lu answer=%d\n", getauxval (AT_SECURE),
          startup_answer (1));
  return 0;
}
