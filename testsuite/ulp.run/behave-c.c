/* The C program of the behaviour tests: prints what the library
   computes.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "behave.h"

static int
by_value_desc (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x < y) - (x > y);
}

static void *
tls_thread (void *arg)
{
  int id = (int) (long) arg;
  int r = 0;
  for (int i = 0; i < 1000; i++)
    r = bl_tls_bump (id);
  return (void *) (long) r;
}

int
main (void)
{
  char buf[128];

  printf ("ctor %d\n", bl_ctor_value);
  printf ("ackermann %lu\n", bl_ackermann (2, 3));
  printf ("parity %d %d\n", bl_parity (10), bl_parity (7));

  int n = bl_format (buf, sizeof buf, "%s-%d-%.3f-%c-%lx", "fmt", -42, 3.25,
                     'z', 0xbeefUL);
  printf ("format %d %s\n", n, buf);
  printf ("doubles %.2f\n", bl_sum_doubles (5, 1.5, 2.5, 3.0, 4.25, -1.0));

  struct bl_big big = { { 1, 2, 3, 4, 5, 6, 7, 8 }, "big" };
  struct bl_big scaled = bl_big_scale (big, 3);
  printf ("big %ld %ld %s / orig %ld %s\n", scaled.v[0], scaled.v[7],
          scaled.tag, big.v[7], big.tag);
  struct bl_pair p = bl_pair_swap ((struct bl_pair) { 1, 2 });
  printf ("pair %d %d\n", p.a, p.b);
  struct bl_mixed m = bl_mixed_make (1.25, 9, 3.0f);
  printf ("mixed %.2f %d %.2f\n", m.d, m.i, (double) m.f);
  printf ("many %ld\n", bl_many (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1.0, 2.0,
                                 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0,
                                 (struct bl_pair) { 3, 4 }, 'A'));

  printf ("ops %d %d %d\n", bl_apply (bl_get_op ('+'), 6, 7),
          bl_apply (bl_get_op ('-'), 6, 7), bl_apply (bl_get_op ('*'), 6, 7));

  int v[] = { 5, -9, 3, 0, -1, 8, 2, -7 };
  bl_sort (v, 8, by_value_desc);
  printf ("sort");
  for (int i = 0; i < 8; i++)
    printf (" %d", v[i]);
  bl_sort_by_abs (v, 8);
  printf ("\nsort-abs");
  for (int i = 0; i < 8; i++)
    printf (" %d", v[i]);
  printf ("\n");

  printf ("jump %d\n", bl_jump (20));
  jmp_buf env;
  int r = setjmp (env);
  if (r == 0)
    bl_longjmp_to (&env, 99);
  printf ("longjmp back %d\n", r);

  pthread_t t[3];
  for (long i = 0; i < 3; i++)
    pthread_create (&t[i], NULL, tls_thread, (void *) (i + 1));
  for (int i = 0; i < 3; i++)
    {
      void *res;
      pthread_join (t[i], &res);
      printf ("tls thread %d: %ld\n", i, (long) res);
    }
  int bumped = bl_tls_bump (1);
  printf ("tls main %d %d\n", bumped, bl_tls_counter);
  return 3;
}
