/* Ordinary C functions of every linkage get a patchable entry.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Global, static (called, and address-taken), weak, hidden, empty,
   recursive, variadic, many-argument and noreturn functions, main-like
   code, a function whose label GCC would align to 32 bytes, one in a
   section of its own, constructors and destructors.  */

/* { dg-do assemble } */
/* { dg-final { ulp-entries } } */
/* { dg-final { ulp-records } } */
/* { dg-final { ulp-sections } } */
/* { dg-final { ulp-function {^st_called$} {-O0} } } */
/* { dg-final { ulp-function {^st_addr$} } } */
/* { dg-final { ulp-function {^in_own_section$} } } */

#include <stdarg.h>
#include <stdlib.h>

int global_counter;

void
empty (void)
{
}

int
add (int a, int b)
{
  return a + b;
}

static __attribute__ ((noinline)) int
st_called (int x)
{
  return x * 7 + global_counter;
}

int
use_st_called (int x)
{
  return st_called (x) + st_called (x + 1);
}

static int
st_addr (int x)
{
  return x - 3;
}

int (*get_st_addr (void)) (int)
{
  return st_addr;
}

__attribute__ ((weak)) int
weak_fn (int x)
{
  return x ^ 0x55;
}

__attribute__ ((visibility ("hidden"))) int
hidden_fn (int x)
{
  return x << 2;
}

__attribute__ ((visibility ("protected"))) int
protected_fn (int x)
{
  return x >> 1;
}

unsigned long
fib (unsigned n)
{
  return n < 2 ? n : fib (n - 1) + fib (n - 2);
}

int
sum_var (int n, ...)
{
  va_list ap;
  int s = 0;
  va_start (ap, n);
  for (int i = 0; i < n; i++)
    s += va_arg (ap, int);
  va_end (ap);
  return s;
}

long
many_args (long a, long b, long c, long d, long e, long f, long g, long h,
           double x, double y)
{
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h
         + (long) (x * y);
}

__attribute__ ((noreturn)) void
die (int code)
{
  exit (code + 1);
}

__attribute__ ((aligned (32))) int
aligned32 (int x)
{
  return x + 32;
}

__attribute__ ((section (".text.ulp_own"))) int
in_own_section (int x)
{
  return x * x;
}

__attribute__ ((constructor)) static void
ctor (void)
{
  global_counter = 1;
}

__attribute__ ((destructor)) static void
dtor (void)
{
  global_counter = 0;
}

int
main (int argc, char **argv)
{
  (void) argv;
  if (argc > 5)
    die (argc);
  return use_st_called (argc) + (int) fib (5) + sum_var (2, 1, 2)
         + weak_fn (argc) + hidden_fn (argc) + protected_fn (argc);
}
