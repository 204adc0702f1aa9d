/* mg-lib.c -- libmg.so.1, an event loop that never leaves the library.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   mg_loop waits in poll (inside the library) for a byte on FD and
   serves it:
     v   print "value N": helper's value (1; the patch makes it 2)
     h   call holder, which prints "holding" and blocks in read inside
         itself until the next byte, then prints "released N" (N: 1 for
         the original holder, 2 for the patched one)
     k   the same, but holder first calls ulp_quiescent and prints
         "quiescent N" (N: its result)
     q   call ulp_quiescent from the loop, print "quiescent N"
     e   print "eintr N": how many of its system calls failed with EINTR
         (none may: a ptrace stop must not make them fail)
     x   return
   ulp_quiescent is a weak reference: the library works without the
   runtime.  */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include <ulp.h>

#include "mg.h"

extern int ulp_quiescent (void) __attribute__ ((weak));

static int eintr_count;

/* Read one byte from FD, counting (and retrying) EINTR.  */
static int
read_byte (int fd)
{
  char c;
  for (;;)
    {
      ssize_t n = read (fd, &c, 1);
      if (n == 1)
        return (unsigned char) c;
      if (n < 0 && errno == EINTR)
        {
          eintr_count++;
          continue;
        }
      return -1;
    }
}

__attribute__ ((noinline)) static int
helper (void)
{
  return 1;
}

__attribute__ ((noinline)) static int
holder (int fd, int quiesce)
{
  if (quiesce)
    {
      printf ("quiescent %d\n", ulp_quiescent ? ulp_quiescent () : -2);
      fflush (stdout);
    }
  printf ("holding\n");
  fflush (stdout);
  read_byte (fd);
  return 1;
}

int
mg_loop (int fd)
{
  printf ("loop\n");
  fflush (stdout);
  for (;;)
    {
      struct pollfd p = { fd, POLLIN, 0 };
      int r = poll (&p, 1, -1);
      if (r < 0)
        {
          if (errno == EINTR)
            eintr_count++;
          continue;
        }
      int c = read_byte (fd);
      switch (c)
        {
        case 'v':
          printf ("value %d\n", helper ());
          break;
        case 'h':
        case 'k':
          printf ("released %d\n", holder (fd, c == 'k'));
          break;
        case 'q':
          printf ("quiescent %d\n", ulp_quiescent ? ulp_quiescent () : -2);
          break;
        case 'e':
          printf ("eintr %d\n", eintr_count);
          break;
        case 'x':
        case -1:
          return 0;
        default:
          break;
        }
      fflush (stdout);
    }
}
