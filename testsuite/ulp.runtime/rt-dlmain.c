/* rt-dlmain.c -- run a runtime test program from a dlopen'ed object.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Usage: rt-dlmain TEST.so ARGS...  TEST.so is a test program (such as
   rt-consist.c) built as a shared object with -Dmain=rt_dl_main and
   linked with the target library libulprt.so, so that dlopen'ing it
   here, after the process started, loads libulprt.so with dlopen too:
   the target then gets its thread-local storage the way a dlopen'ed
   library does (dynamic TLS for the desc and dynamic modes, the static
   TLS surplus for initial-exec), which is what the consistency and
   stress tests must cover in each TLS mode.  This program itself is
   linked with libulp.so, like the linked test programs.  */

#include <dlfcn.h>
#include <stdio.h>

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: rt-dlmain TEST.so ARGS...\n");
      return 2;
    }
  void *h = dlopen (argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h)
    {
      fprintf (stderr, "rt-dlmain: %s\n", dlerror ());
      return 2;
    }
  int (*test_main) (int, char **)
    = (int (*) (int, char **)) dlsym (h, "rt_dl_main");
  if (!test_main)
    {
      fprintf (stderr, "rt-dlmain: %s has no rt_dl_main\n", argv[1]);
      return 2;
    }
  return test_main (argc - 1, argv + 1);
}
