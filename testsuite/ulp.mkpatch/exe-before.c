/* exe-before.c -- ulp-mkpatch corpus: a program patched live, its own
   static functions and variables referred to by the new code.  Built
   as a position-independent executable and as one that is not; the
   patch is loaded wherever the loader has room and must still reach
   them (runtime/rebase.c).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "exe-main.h"

static int exe_counter = 40;
int exe_global = 7;
static const char *const exe_names[] = { "zero", "one", "two" };

static int __attribute__ ((noinline))
exe_bump (int x)
{
  return x + 1;
}

static int __attribute__ ((noinline))
exe_twice (int x)
{
  return 2 * x;
}

int (*exe_op) (int) = exe_twice;

int __attribute__ ((noinline))
exe_answer (void)
{
  exe_counter = exe_bump (exe_counter);
  return exe_counter;
}

const char *__attribute__ ((noinline))
exe_name (int i)
{
  return exe_names[i % 3];
}

int __attribute__ ((noinline))
exe_get (void)
{
  return exe_counter;
}

int __attribute__ ((noinline))
exe_step (int x)
{
  return x + 1;
}

/* A worker thread waits in here, for a byte on FD, while the patch
   lands.  */
int __attribute__ ((noinline))
exe_wait_then_step (int fd)
{
  char c = 0;
  if (read (fd, &c, 1) != 1)
    return -1;
  return exe_step (0) + (c == 'x');
}

EXE_MAIN
