/* sk-lib.c -- libska.so.1, libskb.so.1 and libskc.so.1 of the soak test.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built three times with SK_ID a, b and c (see sk.h).  tag_a, tag_b and
   tag_c are static and never inlined, so the patches (sk-patch.c)
   replace functions reached from inside the library while the
   exported functions are the boundary.  Each exported function
   compares every tag it sees during one call: a thread must run the
   code of one universe from its entry to its return, however many
   patches land or are reverted meanwhile, and however long it stays
   (blocked in a system call, looping, called back from the program).  */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "sk.h"

#define SK_CAT_(id, name) sk##id##_##name
#define SK_CAT(id, name) SK_CAT_ (id, name)
#define FN(name) SK_CAT (SK_ID, name)

/* Work that the patches call too (through a reference), so that their
   code reaches back into the running library.  */
__attribute__ ((noinline)) static void
work (unsigned *acc)
{
  *acc = *acc * 1103515245u + 12345u;
}

/* The version tags: 0 here, K in patch K.  The volatile read keeps the
   compiler from propagating the constant into the callers, which must
   call these functions to see a patch.  */
static volatile int base_tag;

__attribute__ ((noinline)) static int
tag_a (unsigned *acc)
{
  work (acc);
  return base_tag;
}

__attribute__ ((noinline)) static int
tag_b (unsigned *acc)
{
  work (acc);
  return base_tag;
}

__attribute__ ((noinline)) static int
tag_c (unsigned *acc)
{
  work (acc);
  return base_tag;
}

static unsigned sink;

/* The tag of A, B and C when they agree with FIRST, else SK_MIXED.  */
static int
agree (int first, int a, int b, int c)
{
  if (a == first && b == first && c == first)
    return first;
  return SK_MIXED (a == first ? b : a, b, c);
}

static int
three (unsigned *acc, int first)
{
  int a = tag_a (acc);
  int b = tag_b (acc);
  int c = tag_c (acc);
  return agree (first < 0 ? a : first, a, b, c);
}

int
FN (short) (void)
{
  unsigned acc = 1;
  int r = three (&acc, -1);
  sink += acc;
  return r;
}

int
FN (long) (unsigned iters, int (*cb) (int), int arg)
{
  unsigned acc = iters;
  int first = tag_a (&acc);
  for (unsigned i = 0; i < iters; i++)
    {
      int r = three (&acc, first);
      if (r != first)
        return r;
      if (cb && i % 64 == 0)
        {
          r = cb (arg);
          if (r < 0)
            return r;
          /* A callback that comes back in stays in this universe.  */
          if (r != first)
            return SK_MIXED (first, r, first);
        }
      if (i % 512 == 511)
        sched_yield ();
    }
  sink += acc;
  return first;
}

int
FN (recurse) (int depth)
{
  unsigned acc = (unsigned) depth;
  int first = tag_b (&acc);
  if (depth > 0)
    {
      /* Through the exported function: a nested entry.  */
      int r = FN (recurse) (depth - 1);
      if (r != first)
        return r < 0 ? r : SK_MIXED (first, r, first);
      sched_yield ();
    }
  int r = three (&acc, first);
  sink += acc;
  return r;
}

int
FN (read) (int fd)
{
  unsigned acc = 2;
  int first = three (&acc, -1);
  if (first < 0)
    return first;
  char ch;
  while (read (fd, &ch, 1) < 0 && errno == EINTR)
    ;
  return three (&acc, first);
}

int
FN (sleep) (long ns)
{
  unsigned acc = 3;
  int first = three (&acc, -1);
  if (first < 0)
    return first;
  struct timespec ts = { ns / 1000000000, ns % 1000000000 };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
  return three (&acc, first);
}

int
FN (wait) (void *mutex, void *cv, int *flag, int ms)
{
  unsigned acc = 4;
  int first = three (&acc, -1);
  if (first < 0)
    return first;
  struct timespec until;
  clock_gettime (CLOCK_REALTIME, &until);
  until.tv_nsec += (long) ms * 1000000;
  until.tv_sec += until.tv_nsec / 1000000000;
  until.tv_nsec %= 1000000000;
  pthread_mutex_lock (mutex);
  while (!*flag)
    if (pthread_cond_timedwait (cv, mutex, &until) == ETIMEDOUT)
      break;
  *flag = 0;
  pthread_mutex_unlock (mutex);
  return three (&acc, first);
}

int
FN (poll) (int fd, int ms)
{
  unsigned acc = 5;
  int first = three (&acc, -1);
  if (first < 0)
    return first;
  struct pollfd p = { fd, POLLIN, 0 };
  if (poll (&p, 1, ms) == 1 && (p.revents & POLLIN))
    {
      char buf[64];
      ssize_t n = read (fd, buf, sizeof buf);
      (void) n;
    }
  return three (&acc, first);
}
