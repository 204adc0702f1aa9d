/* consumer-main.c -- the program of the ulp.install consumer test.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built normally and linked with libconsumer.so.  With no argument it
   prints consumer_value once and exits; with "loop" it prints it every
   20 ms for at most 60 s, so that consumer.exp can patch it running
   with the installed ulp-apply --load-runtime.  */

#include <stdio.h>
#include <string.h>
#include <time.h>

int consumer_value (void);
int consumer_calls (void);

int
main (int argc, char **argv)
{
  int loop = argc > 1 && strcmp (argv[1], "loop") == 0;

  for (int i = 0; i < (loop ? 3000 : 1); i++)
    {
      printf ("value %d\n", consumer_value ());
      fflush (stdout);
      if (loop)
        {
          struct timespec ts = { 0, 20 * 1000000L };
          nanosleep (&ts, NULL);
        }
    }
  return consumer_calls () > 0 ? 0 : 1;
}
