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
     b   spin, calling helper without a system call in between, until
         it returns 2 (the thread moved), then print "spun 2"; "spun 1"
         after 60 s
     s   start a worker thread from inside the library (a pool, as a
         server's library starts one), which prints "worker TID", then
         serves WORKER_FD: 'v' prints "worker value N"
     x   return
   With MG_EPOLL=1 in the environment the loop waits in epoll_wait, one
   of the calls the kernel fails with EINTR after a ptrace stop unless
   the tracer makes it restart.  ulp_quiescent is a weak reference: the
   library works without the runtime.  */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <ulp.h>

#include "mg.h"

extern int ulp_quiescent (void) __attribute__ ((weak));

static int eintr_count;   /* atomic.  */

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
          __atomic_add_fetch (&eintr_count, 1, __ATOMIC_RELAXED);
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

static void *
worker (void *arg)
{
  int fd = (int) (long) arg;
  printf ("worker %d\n", (int) syscall (SYS_gettid));
  fflush (stdout);
  for (;;)
    {
      int c = read_byte (fd);
      if (c == 'v')
        printf ("worker value %d\n", helper ());
      else if (c < 0)
        return NULL;
      fflush (stdout);
    }
}

/* Wait until FD is readable, in poll or epoll_wait (EP, or -1).  */
static void
wait_readable (int fd, int ep)
{
  for (;;)
    {
      int r;
      if (ep >= 0)
        {
          struct epoll_event ev;
          r = epoll_wait (ep, &ev, 1, -1);
        }
      else
        {
          struct pollfd p = { fd, POLLIN, 0 };
          r = poll (&p, 1, -1);
        }
      if (r > 0)
        return;
      if (r < 0 && errno == EINTR)
        __atomic_add_fetch (&eintr_count, 1, __ATOMIC_RELAXED);
    }
}

int
mg_loop (int fd, int worker_fd)
{
  int ep = -1;
  const char *e = getenv ("MG_EPOLL");
  if (e && *e == '1')
    {
      struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
      ep = epoll_create1 (EPOLL_CLOEXEC);
      if (ep < 0 || epoll_ctl (ep, EPOLL_CTL_ADD, fd, &ev) != 0)
        return -1;
    }
  printf ("loop\n");
  fflush (stdout);
  for (;;)
    {
      wait_readable (fd, ep);
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
          printf ("eintr %d\n", __atomic_load_n (&eintr_count,
                                                 __ATOMIC_RELAXED));
          break;
        case 'b':
          {
            /* Only the clock's vDSO read, every 2^20 rounds.  */
            struct timespec t0, now;
            clock_gettime (CLOCK_MONOTONIC, &t0);
            int v = 1;
            for (unsigned long n = 1; v == 1; n++)
              {
                v = helper ();
                if ((n & 0xfffff) == 0)
                  {
                    clock_gettime (CLOCK_MONOTONIC, &now);
                    if (now.tv_sec - t0.tv_sec > 60)
                      break;
                  }
              }
            printf ("spun %d\n", v);
          }
          break;
        case 's':
          {
            pthread_t th;
            if (pthread_create (&th, NULL, worker, (void *) (long) worker_fd)
                == 0)
              pthread_detach (th);
          }
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
