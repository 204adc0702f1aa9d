/* bench-util.h -- timing and statistics shared by the ulp benchmarks.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every benchmark compares variants (a plain build and ulp builds, or
   one process state against another) measured side by side: one round
   runs each variant once, in an order shuffled per round, and a
   comparison is the median over rounds of the ratio (and difference)
   of two variants in the same round.  Pairing by round cancels most of
   the slow drift of a loaded machine; the median and the quartiles
   show what is left.  Results are printed as one machine-readable line
   per figure, which run-bench.sh turns into the table:

     CELL KEY VARIANT BASE N MEDIAN Q1 Q3 RATIO RQ1 RQ3 DELTA DQ1 DQ3

   KEY names the row, VARIANT the measured variant, BASE the variant it
   is compared with (itself for the base row); N is the number of
   rounds, MEDIAN Q1 Q3 the variant's own figure, RATIO and DELTA the
   per-round ratio VARIANT/BASE and difference VARIANT-BASE.  */

#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic time in nanoseconds.  */
double bench_now_ns (void);

/* The Q quantile (0..1) of the N values at V, by linear interpolation;
   V is sorted in place.  */
double bench_quantile (double *v, size_t n, double q);

/* A table of samples: ROUNDS rounds of NVAR variants.  */
struct bench_samples
{
  size_t rounds, nvar;
  double *v; /* v[round * nvar + variant].  */
};

void bench_samples_init (struct bench_samples *s, size_t rounds,
                         size_t nvar);
void bench_samples_free (struct bench_samples *s);
static inline double *
bench_at (struct bench_samples *s, size_t round, size_t var)
{
  return &s->v[round * s->nvar + var];
}

/* Print the CELL line comparing variant VAR with variant BASE over the
   rounds FIRST.. of S (earlier rounds are the warm-up).  */
void bench_cell (struct bench_samples *s, size_t first, const char *key,
                 const char *var_name, size_t var, const char *base_name,
                 size_t base);

/* Fill ORDER with a permutation of 0..N-1, different each call
   (deterministic: the benchmarks are repeatable run to run).  */
void bench_shuffle (size_t *order, size_t n);

/* Die with "PROGRAM: message".  */
void bench_die (const char *fmt, ...)
  __attribute__ ((noreturn, format (printf, 1, 2)));

/* The number in environment variable NAME, or DEFAULT.  */
long bench_env_long (const char *name, long def);

#endif /* BENCH_UTIL_H */
