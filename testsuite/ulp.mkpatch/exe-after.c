/* exe-after.c -- ulp-mkpatch corpus: exe-before.c fixed.  exe_answer
   now also calls the static exe_twice, through its own call and through
   the pointer the program holds, and reads a global; exe_name formats
   with the C library into a buffer of its own.

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
  exe_counter = exe_twice (exe_bump (exe_counter)) + exe_global
                + (exe_op == exe_twice ? 1000 : 0);
  return exe_counter;
}

const char *__attribute__ ((noinline))
exe_name (int i)
{
  static char buf[32];
  snprintf (buf, sizeof buf, "name-%s", exe_names[i % 3]);
  return buf;
}

int __attribute__ ((noinline))
exe_get (void)
{
  return exe_counter;
}

int __attribute__ ((noinline))
exe_step (int x)
{
  return x + 100;
}

/* A worker thread waits in here, for a byte on FD, while the patch
   lands.  */
int __attribute__ ((noinline))
exe_wait_then_step (int fd)
{
  char c = 0;
  if (read (fd, &c, 1) != 1)
    return -1;
  return exe_step (0) + (c == 'x') + 1000;
}

EXE_MAIN
