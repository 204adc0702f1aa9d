/* bench-stat.c -- medians and paired ratios of measurements taken by
   separate processes.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Some comparisons need a process per measurement (SQLite workload
   runs, compilations, malloc with and without the runtime preloaded).
   run-bench.sh runs the variants alternately and feeds this program
   lines "ROUND VARIANT VALUE" on standard input; it prints the CELL
   lines of bench-util.h for every variant against BASE, pairing values
   by round (rounds missing a variant are left out of that pairing).

   Usage: bench-stat KEY BASE < samples

   With --time CMD ARGS..., instead runs CMD and prints "CPU USER SYS
   WALL" in seconds: the CPU time of CMD and all its children (the
   compiler's cc1, not only the driver).  */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-util.h"

#define MAX_VARIANTS 16
#define MAX_ROUNDS 4096

static char *names[MAX_VARIANTS];
static size_t nnames;

static size_t
variant (const char *name)
{
  for (size_t i = 0; i < nnames; i++)
    if (strcmp (names[i], name) == 0)
      return i;
  if (nnames == MAX_VARIANTS)
    bench_die ("too many variants");
  names[nnames] = strdup (name);
  return nnames++;
}

static int
time_command (char **argv)
{
  double t0 = bench_now_ns ();
  pid_t pid = fork ();
  if (pid < 0)
    bench_die ("fork failed");
  if (pid == 0)
    {
      execvp (argv[0], argv);
      bench_die ("cannot run %s", argv[0]);
    }
  int status;
  struct rusage ru;
  if (wait4 (pid, &status, 0, &ru) != pid)
    bench_die ("wait4 failed");
  double t1 = bench_now_ns ();
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    bench_die ("%s failed", argv[0]);
  printf ("CPU %.3f %.3f %.3f\n",
          ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
          ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, (t1 - t0) / 1e9);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc > 2 && strcmp (argv[1], "--time") == 0)
    return time_command (argv + 2);
  if (argc != 3)
    bench_die ("usage: bench-stat KEY BASE < samples");
  const char *key = argv[1];
  size_t base = variant (argv[2]);

  static double v[MAX_ROUNDS][MAX_VARIANTS];
  static unsigned char have[MAX_ROUNDS][MAX_VARIANTS];
  char line[512];
  while (fgets (line, sizeof line, stdin))
    {
      long round;
      char name[128];
      double value;
      if (sscanf (line, "%ld %127s %lf", &round, name, &value) != 3)
        continue;
      if (round < 0 || round >= MAX_ROUNDS)
        bench_die ("round %ld out of range", round);
      size_t k = variant (name);
      v[round][k] = value;
      have[round][k] = 1;
    }

  for (size_t k = 0; k < nnames; k++)
    {
      /* The rounds that have both K and BASE.  */
      struct bench_samples s;
      size_t n = 0;
      for (size_t r = 0; r < MAX_ROUNDS; r++)
        n += have[r][k] && have[r][base];
      if (n == 0)
        continue;
      bench_samples_init (&s, n, 2);
      n = 0;
      for (size_t r = 0; r < MAX_ROUNDS; r++)
        if (have[r][k] && have[r][base])
          {
            *bench_at (&s, n, 0) = v[r][k];
            *bench_at (&s, n, 1) = v[r][base];
            n++;
          }
      bench_cell (&s, 0, key, names[k], 0, names[base], 1);
      bench_samples_free (&s);
    }
  return 0;
}
