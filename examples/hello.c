/* hello.c -- the program of the ulp example: greets through libgreet.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Usage: hello [COUNT [INTERVAL_MS]].  Greets COUNT times (default 1),
   INTERVAL_MS milliseconds apart (default 1000), so that a long run
   can later be live-patched while it prints.  The program itself is
   built normally; only the library is live-patchable.  */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "libgreet/greet.h"

/* Parse a non-negative decimal argument ARG, named WHAT in errors.  */
static long
parse_count (const char *arg, const char *what)
{
  char *end;
  errno = 0;
  long v = strtol (arg, &end, 10);
  if (errno != 0 || end == arg || *end != '\0' || v < 0)
    {
      fprintf (stderr, "hello: %s: not a non-negative number: %s\n", what,
               arg);
      exit (EXIT_FAILURE);
    }
  return v;
}

int
main (int argc, char **argv)
{
  long count = 1, interval_ms = 1000;

  if (argc > 3)
    {
      fprintf (stderr, "hello: usage: hello [COUNT [INTERVAL_MS]]\n");
      return EXIT_FAILURE;
    }
  if (argc > 1)
    count = parse_count (argv[1], "COUNT");
  if (argc > 2)
    interval_ms = parse_count (argv[2], "INTERVAL_MS");

  for (long i = 0; i < count; i++)
    {
      if (i > 0)
        {
          struct timespec ts
              = { interval_ms / 1000, (interval_ms % 1000) * 1000000L };
          while (nanosleep (&ts, &ts) != 0 && errno == EINTR)
            ;
        }
      greet ("world");
    }

  if (greet_count () != count)
    {
      fprintf (stderr, "hello: libgreet counted %d greetings, not %ld\n",
               greet_count (), count);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
