/* bench-util.c -- timing and statistics shared by the ulp benchmarks.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See bench-util.h.  */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-util.h"

double
bench_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

double
bench_quantile (double *v, size_t n, double q)
{
  if (n == 0)
    return 0;
  qsort (v, n, sizeof *v, cmp_double);
  double pos = q * (n - 1);
  size_t i = (size_t) pos;
  if (i + 1 >= n)
    return v[n - 1];
  return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

void
bench_samples_init (struct bench_samples *s, size_t rounds, size_t nvar)
{
  s->rounds = rounds;
  s->nvar = nvar;
  s->v = calloc (rounds * nvar, sizeof *s->v);
  if (!s->v)
    bench_die ("out of memory");
}

void
bench_samples_free (struct bench_samples *s)
{
  free (s->v);
  s->v = NULL;
}

void
bench_cell (struct bench_samples *s, size_t first, const char *key,
            const char *var_name, size_t var, const char *base_name,
            size_t base)
{
  size_t n = s->rounds - first;
  double *own = malloc (n * sizeof *own);
  double *ratio = malloc (n * sizeof *ratio);
  double *delta = malloc (n * sizeof *delta);
  if (!own || !ratio || !delta)
    bench_die ("out of memory");
  for (size_t r = 0; r < n; r++)
    {
      double x = *bench_at (s, first + r, var);
      double b = *bench_at (s, first + r, base);
      own[r] = x;
      ratio[r] = b != 0 ? x / b : 0;
      delta[r] = x - b;
    }
  printf ("CELL %s %s %s %zu %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f %.4f\n",
          key, var_name, base_name, n, bench_quantile (own, n, 0.5),
          bench_quantile (own, n, 0.25), bench_quantile (own, n, 0.75),
          bench_quantile (ratio, n, 0.5), bench_quantile (ratio, n, 0.25),
          bench_quantile (ratio, n, 0.75), bench_quantile (delta, n, 0.5),
          bench_quantile (delta, n, 0.25), bench_quantile (delta, n, 0.75));
  fflush (stdout);
  free (own);
  free (ratio);
  free (delta);
}

void
bench_shuffle (size_t *order, size_t n)
{
  /* A fixed-seed generator of our own, so that the order does not
     depend on the C library's rand.  */
  static uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (size_t i = 0; i < n; i++)
    order[i] = i;
  for (size_t i = n; i > 1; i--)
    {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      size_t j = (size_t) ((state >> 33) % i);
      size_t t = order[i - 1];
      order[i - 1] = order[j];
      order[j] = t;
    }
}

void
bench_die (const char *fmt, ...)
{
  va_list ap;
  fprintf (stderr, "%s: ", program_invocation_short_name);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (1);
}

long
bench_env_long (const char *name, long def)
{
  const char *s = getenv (name);
  if (!s || !*s)
    return def;
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno || *end || v <= 0)
    bench_die ("%s=%s: not a positive number", name, s);
  return v;
}
