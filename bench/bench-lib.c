/* bench-lib.c -- the library whose calls the call benchmarks time.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built several times from this one source: plain, and with the ulp
   plugin in each mode measured (entries only, boundary tracking with
   TLS descriptors, with initial-exec TLS), each both to be linked at
   start and to be loaded with dlopen.  BENCH_PREFIX gives every build
   its own exported names, so that one benchmark process can hold all
   of them and alternate between them call for call.

   LEAF_A and LEAF_B are static and called from inside the library (the
   "internal call"); the live patches of bench-patch.c replace LEAF_A
   and EMPTY_A, and leave LEAF_B and EMPTY_B as the unpatched controls.
   The bodies differ by a constant so that no build can merge them.  */

#include <semaphore.h>

#define BENCH_CAT2(a, b) a##b
#define BENCH_CAT(a, b) BENCH_CAT2 (a, b)
#define BENCH_NAME(x) BENCH_CAT (BENCH_PREFIX, x)

__attribute__ ((noinline)) static int
leaf_a (int x)
{
  return x * 3 + 1;
}

__attribute__ ((noinline)) static int
leaf_b (int x)
{
  return x * 3 + 2;
}

/* Read at every call, so the call stays indirect.  */
static int (*volatile leaf_ptr) (int) = leaf_b;

/* N calls of LEAF_A from inside the library.  */
long
BENCH_NAME (loop_a) (long n)
{
  long s = 0;
  for (long i = 0; i < n; i++)
    s += leaf_a ((int) i);
  return s;
}

long
BENCH_NAME (loop_b) (long n)
{
  long s = 0;
  for (long i = 0; i < n; i++)
    s += leaf_b ((int) i);
  return s;
}

/* N calls of LEAF_B through a function pointer.  */
long
BENCH_NAME (loop_ptr) (long n)
{
  long s = 0;
  for (long i = 0; i < n; i++)
    s += leaf_ptr ((int) i);
  return s;
}

/* The exported functions the application calls.  */
int
BENCH_NAME (empty_a) (int x)
{
  return x + 1;
}

int
BENCH_NAME (empty_b) (int x)
{
  return x + 2;
}

/* N calls from inside the library of its own exported function EMPTY_B
   (with the plugin, a direct call of its body: no tracking), and of the
   exported function EMPTY_C of another unit of the library, bench-lib2.c
   (through the PLT, entering its tracked entry from inside: the fast
   path).  noinline keeps the calls calls.  */
int BENCH_NAME (empty_c) (int);

long
BENCH_NAME (loop_own_export) (long n)
{
  long s = 0;
  for (long i = 0; i < n; i++)
    {
      __asm__ ("" : "+r" (i));
      s += BENCH_NAME (empty_b) ((int) i);
    }
  return s;
}

long
BENCH_NAME (loop_plt_export) (long n)
{
  long s = 0;
  for (long i = 0; i < n; i++)
    s += BENCH_NAME (empty_c) ((int) i);
  return s;
}

/* Block inside the library until BENCH_NAME (unpark) is called: a
   thread that stays in the universe it entered with.  */
static sem_t park_sem;
static volatile int parked;

void
BENCH_NAME (park) (void)
{
  __atomic_add_fetch (&parked, 1, __ATOMIC_SEQ_CST);
  while (sem_wait (&park_sem) != 0)
    ;
  __atomic_sub_fetch (&parked, 1, __ATOMIC_SEQ_CST);
}

int
BENCH_NAME (parked) (void)
{
  return __atomic_load_n (&parked, __ATOMIC_SEQ_CST);
}

void
BENCH_NAME (unpark) (void)
{
  sem_post (&park_sem);
}

__attribute__ ((constructor)) static void
init (void)
{
  sem_init (&park_sem, 0, 0);
}
