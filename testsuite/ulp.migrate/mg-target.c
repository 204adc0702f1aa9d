/* mg-target.c -- the program the migration tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Starts one thread that enters libmg.so.1's event loop (mg_loop) and
   never comes back out, prints "ready PID TID" once it is in, then
   copies the characters of each line read from standard input into the
   loop's pipe, or, for a line "w:CHARS", CHARS into the pipe of the
   worker thread the loop may start.  The threads answer on standard
   output.  */

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mg.h"

static int fds[2], wfds[2];
static volatile int loop_tid;

static void *
run (void *arg)
{
  (void) arg;
  loop_tid = (int) syscall (SYS_gettid);
  mg_loop (fds[0], wfds[0]);
  return NULL;
}

int
main (void)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (pipe (fds) != 0 || pipe (wfds) != 0)
    return 1;
  pthread_t th;
  if (pthread_create (&th, NULL, run, NULL) != 0)
    return 1;
  /* mg_loop prints "loop" once it is inside.  */
  while (!loop_tid)
    usleep (1000);
  printf ("ready %d %d\n", (int) getpid (), loop_tid);
  char line[256];
  while (fgets (line, sizeof line, stdin))
    {
      size_t n = strcspn (line, "\r\n");
      if (strncmp (line, "w:", 2) == 0)
        {
          if (n > 2 && write (wfds[1], line + 2, n - 2) != (ssize_t) (n - 2))
            return 1;
          continue;
        }
      if (n && write (fds[1], line, n) != (ssize_t) n)
        return 1;
      if (memchr (line, 'x', n))
        break;
    }
  pthread_join (th, NULL);
  return 0;
}
