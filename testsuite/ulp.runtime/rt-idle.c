/* rt-idle.c -- a single-threaded program that could be patched and
   never is (idle.exp).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Calls into a live-patchable library CALLS times (call_library), then
   allocates and frees memory PAIRS times, and prints "threads N" from
   /proc/self/status.  idle.exp runs it with and without libulp.so
   preloaded: the runtime must add no thread, and (under callgrind) no
   instructions beyond its start-up: in the calls into the library,
   whose tracked entries stay unarmed while the process has one thread,
   and in malloc and free, which glibc runs on its multi-threaded paths
   (the arena lock, atomic operations) once a process has created a
   thread.  The blocks are larger than the thread cache takes, so that
   each malloc and free reaches the arena, and all of one size, so that
   the heap's state (which the runtime's own start-up allocations
   change) does not change the path they take.  Usage: rt-idle PAIRS
   [CALLS].  */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt-lib.h"

/* Out of line, so that callgrind counts the calls, and what they run,
   as this function's.  */
__attribute__ ((noinline)) static long
call_library (long calls)
{
  long sum = 0;
  for (long i = 0; i < calls; i++)
    sum += rt_f ();
  return sum;
}

int
main (int argc, char **argv)
{
  long pairs = argc > 1 ? atol (argv[1]) : 1000;
  long calls = argc > 2 ? atol (argv[2]) : 1;
  long sum = call_library (calls);
  for (long i = 0; i < pairs; i++)
    {
      char *p = malloc (4000);
      if (!p)
        return 1;
      p[0] = (char) i;
      sum += p[0];
      free (p);
    }
  char line[256];
  FILE *f = fopen ("/proc/self/status", "r");
  while (f && fgets (line, sizeof line, f))
    if (strncmp (line, "Threads:", 8) == 0)
      printf ("threads %ld\n", strtol (line + 8, NULL, 10));
  if (f)
    fclose (f);
  printf ("sum %ld\n", sum);
  return 0;
}
