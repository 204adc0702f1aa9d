/* Interface of the behaviour test library.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#ifndef BEHAVE_H
#define BEHAVE_H

#include <setjmp.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bl_big
{
  long v[8];
  char tag[16];
};

struct bl_pair
{
  int a, b;
};

struct bl_mixed
{
  double d;
  int i;
  float f;
};

typedef int (*bl_op) (int, int);

extern int bl_ctor_value;
extern __thread int bl_tls_counter;

int bl_tls_bump (int);
unsigned long bl_ackermann (unsigned long, unsigned long);
int bl_parity (unsigned);
int bl_format (char *, size_t, const char *, ...)
  __attribute__ ((format (printf, 3, 4)));
double bl_sum_doubles (int, ...);
struct bl_big bl_big_scale (struct bl_big, int);
struct bl_pair bl_pair_swap (struct bl_pair);
struct bl_mixed bl_mixed_make (double, int, float);
long bl_many (long, long, long, long, long, long, long, long, long, long,
              double, double, double, double, double, double, double,
              double, double, struct bl_pair, char);
int bl_apply (bl_op, int, int);
bl_op bl_get_op (char);
void bl_sort (int *, size_t, int (*) (const void *, const void *));
void bl_sort_by_abs (int *, size_t);
int bl_jump (int);
void bl_longjmp_to (jmp_buf *, int);

#ifdef __cplusplus
}
#endif

#endif
