/* The library of the behaviour tests.  Built with and without ulp, the
   programs using it must print the same bytes.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   It exercises what a patchable entry must not disturb: the calling
   convention (many arguments, structures by value, varargs), the stack
   (recursion, setjmp/longjmp across it), the red zone, callbacks,
   thread-local storage and constructors.  */

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "behave.h"

/* Set by a constructor before main runs.  */
int bl_ctor_value;

__attribute__ ((constructor)) static void
bl_ctor (void)
{
  bl_ctor_value = 4242;
}

__thread int bl_tls_counter = 5;

int
bl_tls_bump (int by)
{
  bl_tls_counter += by;
  return bl_tls_counter;
}

unsigned long
bl_ackermann (unsigned long m, unsigned long n)
{
  if (m == 0)
    return n + 1;
  if (n == 0)
    return bl_ackermann (m - 1, 1);
  return bl_ackermann (m - 1, bl_ackermann (m, n - 1));
}

/* Mutual recursion through static functions.  */
static int bl_is_odd (unsigned n);

static __attribute__ ((noinline)) int
bl_is_even (unsigned n)
{
  return n == 0 ? 1 : bl_is_odd (n - 1);
}

static __attribute__ ((noinline)) int
bl_is_odd (unsigned n)
{
  return n == 0 ? 0 : bl_is_even (n - 1);
}

int
bl_parity (unsigned n)
{
  return bl_is_even (n);
}

int
bl_format (char *buf, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (buf, size, fmt, ap);
  va_end (ap);
  return n;
}

double
bl_sum_doubles (int n, ...)
{
  va_list ap;
  double s = 0;
  va_start (ap, n);
  for (int i = 0; i < n; i++)
    s += va_arg (ap, double);
  va_end (ap);
  return s;
}

struct bl_big
bl_big_scale (struct bl_big b, int k)
{
  for (int i = 0; i < 8; i++)
    b.v[i] *= k;
  b.tag[0] = 'S';
  return b;
}

struct bl_pair
bl_pair_swap (struct bl_pair p)
{
  struct bl_pair r = { p.b, p.a };
  return r;
}

struct bl_mixed
bl_mixed_make (double d, int i, float f)
{
  struct bl_mixed m = { d * 2, i + 1, f / 2 };
  return m;
}

long
bl_many (long a, long b, long c, long d, long e, long f, long g, long h,
         long i, long j, double x1, double x2, double x3, double x4,
         double x5, double x6, double x7, double x8, double x9,
         struct bl_pair p, char last)
{
  return a - b + c - d + e - f + g - h + i - j
         + (long) (x1 + 2 * x2 + 3 * x3 + 4 * x4 + 5 * x5 + 6 * x6 + 7 * x7
                   + 8 * x8 + 9 * x9)
         + p.a * 100 + p.b * 1000 + last;
}

int
bl_apply (bl_op op, int a, int b)
{
  return op (a, b);
}

static int bl_add (int a, int b) { return a + b; }
static int bl_sub (int a, int b) { return a - b; }
static int bl_mul (int a, int b) { return a * b; }

bl_op
bl_get_op (char c)
{
  switch (c)
    {
    case '+':
      return bl_add;
    case '-':
      return bl_sub;
    case '*':
      return bl_mul;
    }
  return NULL;
}

void
bl_sort (int *v, size_t n, int (*cmp) (const void *, const void *))
{
  qsort (v, n, sizeof *v, cmp);
}

static int
bl_by_abs (const void *a, const void *b)
{
  int x = abs (*(const int *) a), y = abs (*(const int *) b);
  return (x > y) - (x < y);
}

void
bl_sort_by_abs (int *v, size_t n)
{
  qsort (v, n, sizeof *v, bl_by_abs);
}

static __attribute__ ((noinline)) void
bl_deep (jmp_buf env, int depth)
{
  char pad[64];
  memset (pad, depth, sizeof pad);
  if (depth == 0)
    longjmp (env, 7 + pad[3]);
  bl_deep (env, depth - 1);
}

int
bl_jump (int depth)
{
  jmp_buf env;
  int r = setjmp (env);
  if (r != 0)
    return r;
  bl_deep (env, depth);
  return -1;
}

void
bl_longjmp_to (jmp_buf *env, int value)
{
  longjmp (*env, value);
}
