/* bench-apply.c -- time ulp-apply against running processes.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Usage:
     bench-apply ULP_APPLY TARGET PATCHDIR ROUNDS NTHREADS...
     bench-apply --all ULP_APPLY TARGET PATCHDIR NPROCS

   The first form starts "TARGET serve N" (bench-target.c) for each
   thread count N, and ROUNDS times, for the patches of 1, 100 and 1,000
   functions in PATCHDIR (gen-patch-1.so ...), in shuffled order, runs
   "ULP_APPLY -v PID PATCH" and then "ULP_APPLY -v --revert PID".  It
   records for each run the time from starting ulp-apply to its exit
   (end to end), the pause ulp-apply -v reports, and the longest stall
   the target's busy thread saw during the run, against the longest in a
   window of the same length just before (what the process would have
   seen anyway on this machine).

   The second form starts NPROCS "TARGET idle" processes and times
   "ULP_APPLY --all PATCH" for three one-function patches, stacked.

   Both print CELL lines (bench-util.h); a figure ulp-apply does not
   report is printed as "NA KEY VARIANT why".  */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-util.h"

/* The last line of ulp-apply's output that names a failure.  */
static void
failure_line (const char *out, char *buf, size_t size)
{
  const char *best = out;
  for (const char *p = out; *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1
                                                     : p + strlen (p))
    if (strncmp (p, "ulp-apply:", 10) == 0 && !strstr (p, " ms"))
      best = p;
  size_t n = strcspn (best, "\n");
  if (n >= size)
    n = size - 1;
  memcpy (buf, best, n);
  buf[n] = '\0';
}

struct target
{
  pid_t pid;
  FILE *in, *out;
};

/* Every target started and not yet stopped, killed at exit so that a
   failed run leaves no process behind (--all would find it later).  */
#define MAX_TARGETS 1024
static pid_t live[MAX_TARGETS];

static void
kill_live (void)
{
  for (int i = 0; i < MAX_TARGETS; i++)
    if (live[i] > 0)
      kill (live[i], SIGKILL);
}

static void
track (pid_t pid, pid_t old)
{
  for (int i = 0; i < MAX_TARGETS; i++)
    if (live[i] == old)
      {
        live[i] = pid;
        return;
      }
}

static void
start_target (struct target *t, char *const argv[])
{
  int to[2], from[2];
  if (pipe (to) != 0 || pipe (from) != 0)
    bench_die ("pipe: %s", strerror (errno));
  t->pid = fork ();
  if (t->pid < 0)
    bench_die ("fork: %s", strerror (errno));
  if (t->pid == 0)
    {
      dup2 (to[0], 0);
      dup2 (from[1], 1);
      close (to[0]);
      close (to[1]);
      close (from[0]);
      close (from[1]);
      execv (argv[0], argv);
      fprintf (stderr, "bench-apply: cannot run %s: %s\n", argv[0],
               strerror (errno));
      _exit (127);
    }
  track (t->pid, 0);
  close (to[0]);
  close (from[1]);
  t->in = fdopen (to[1], "w");
  t->out = fdopen (from[0], "r");
  char line[64];
  if (!fgets (line, sizeof line, t->out) || strcmp (line, "READY\n") != 0)
    bench_die ("%s did not start", argv[0]);
}

static void
stop_target (struct target *t)
{
  fclose (t->in);
  kill (t->pid, SIGTERM);
  waitpid (t->pid, NULL, 0);
  track (0, t->pid);
  fclose (t->out);
}

/* Run ARGV; return its wall time in ms and its output in OUT, or -1
   when it fails (OUT then says why).  */
static double
run_tool (char *const argv[], char *out, size_t size)
{
  int p[2];
  if (pipe (p) != 0)
    bench_die ("pipe: %s", strerror (errno));
  double t0 = bench_now_ns ();
  pid_t pid = fork ();
  if (pid < 0)
    bench_die ("fork: %s", strerror (errno));
  if (pid == 0)
    {
      dup2 (p[1], 1);
      dup2 (p[1], 2);
      close (p[0]);
      close (p[1]);
      execv (argv[0], argv);
      _exit (127);
    }
  close (p[1]);
  size_t n = 0;
  ssize_t k;
  while ((k = read (p[0], out + n, size - 1 - n)) > 0
         || (k < 0 && errno == EINTR))
    if (k > 0)
      n += k;
  out[n] = '\0';
  close (p[0]);
  int status;
  waitpid (pid, &status, 0);
  double t1 = bench_now_ns ();
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "bench-apply: %s", argv[0]);
      for (int i = 1; argv[i]; i++)
        fprintf (stderr, " %s", argv[i]);
      fprintf (stderr, ": failed (status %#x):\n%s\n", status, out);
      return -1;
    }
  return (t1 - t0) / 1e6;
}

/* The pause ulp-apply -v reported in OUT, in ms, or NAN: the first
   number with a time unit after the word "pause".  */
static double
reported_pause (const char *out)
{
  for (const char *p = out; (p = strcasestr (p, "pause")); p++)
    {
      const char *eol = strchr (p, '\n');
      if (!eol)
        eol = p + strlen (p);
      for (const char *q = p + 5; q < eol; q++)
        if (isdigit ((unsigned char) *q))
          {
            char *end;
            double v = strtod (q, &end);
            while (*end == ' ')
              end++;
            if (strncmp (end, "ms", 2) == 0)
              return v;
            if (strncmp (end, "us", 2) == 0 || strncmp (end, "µs", 3) == 0)
              return v / 1e3;
            if (strncmp (end, "ns", 2) == 0)
              return v / 1e6;
            if (*end == 's')
              return v * 1e3;
            q = end;
          }
    }
  return NAN;
}

/* Ask the target for its longest stall in [T0, T1] and before.  */
static void
stalls (struct target *t, double t0, double t1, double *during,
        double *before)
{
  fprintf (t->in, "%.0f %.0f\n", t0, t1);
  fflush (t->in);
  kill (t->pid, SIGUSR1);
  if (fscanf (t->out, " GAP %lf %lf", during, before) != 2)
    bench_die ("the target did not report its stalls");
  *during /= 1e3;
  *before /= 1e3;
}

static void
print_cells (const char *what, int n, const char *size,
             struct bench_samples *total, struct bench_samples *pause,
             struct bench_samples *stall, size_t s, int have_pause)
{
  char key[96], var[64], before[64];
  snprintf (var, sizeof var, "%dthreads", n);
  snprintf (before, sizeof before, "%dthreads-before", n);
  snprintf (key, sizeof key, "%s-total-ms@%s", what, size);
  bench_cell (total, 0, key, var, s, var, s);
  snprintf (key, sizeof key, "%s-pause-ms@%s", what, size);
  if (have_pause)
    bench_cell (pause, 0, key, var, s, var, s);
  else
    printf ("NA %s %s ulp-apply -v did not report a pause\n", key, var);
  snprintf (key, sizeof key, "%s-stall-ms@%s", what, size);
  bench_cell (stall, 0, key, var, 2 * s, before, 2 * s + 1);
}

static void
threads_bench (char *tool, char *target, const char *dir, long rounds, int n)
{
  char nbuf[16];
  snprintf (nbuf, sizeof nbuf, "%d", n);
  char *targv[] = { target, "serve", nbuf, NULL };
  struct target t;
  start_target (&t, targv);
  char pidbuf[16];
  snprintf (pidbuf, sizeof pidbuf, "%d", (int) t.pid);

  static const char *const sizes[3] = { "1", "100", "1000" };
  char paths[3][4096];
  for (int s = 0; s < 3; s++)
    snprintf (paths[s], sizeof paths[s], "%s/gen-patch-%s.so", dir,
              sizes[s]);
  struct bench_samples at, ap, as, rt, rp, rs;
  bench_samples_init (&at, rounds, 3);
  bench_samples_init (&ap, rounds, 3);
  bench_samples_init (&as, rounds, 6);
  bench_samples_init (&rt, rounds, 3);
  bench_samples_init (&rp, rounds, 3);
  bench_samples_init (&rs, rounds, 6);
  int apply_pause = 1, revert_pause = 1;
  char failed[3][512] = { "", "", "" };
  static char out[65536];
  size_t order[3];
  for (long r = 0; r < rounds; r++)
    {
      bench_shuffle (order, 3);
      for (int k = 0; k < 3; k++)
        {
          size_t s = order[k];
          if (failed[s][0])
            continue;
          char *aargv[] = { tool, "-v", pidbuf, paths[s], NULL };
          double t0 = bench_now_ns ();
          double ms = run_tool (aargv, out, sizeof out);
          double t1 = bench_now_ns ();
          if (ms < 0)
            {
              /* Leave the size out from now on; revert in case the
                 patch went in all the same.  */
              failure_line (out, failed[s], sizeof failed[s]);
              char *rargv[] = { tool, "--revert", pidbuf, paths[s], NULL };
              run_tool (rargv, out, sizeof out);
              if (kill (t.pid, 0) != 0)
                bench_die ("the target died: %s", failed[s]);
              continue;
            }
          *bench_at (&at, r, s) = ms;
          double p = reported_pause (out);
          if (isnan (p))
            apply_pause = 0;
          *bench_at (&ap, r, s) = p;
          stalls (&t, t0, t1, bench_at (&as, r, 2 * s),
                  bench_at (&as, r, 2 * s + 1));
          usleep (5000);

          char *rargv[] = { tool, "-v", "--revert", pidbuf, NULL };
          t0 = bench_now_ns ();
          ms = run_tool (rargv, out, sizeof out);
          t1 = bench_now_ns ();
          if (ms < 0)
            {
              failure_line (out, failed[s], sizeof failed[s]);
              if (kill (t.pid, 0) != 0)
                bench_die ("the target died: %s", failed[s]);
              continue;
            }
          *bench_at (&rt, r, s) = ms;
          p = reported_pause (out);
          if (isnan (p))
            revert_pause = 0;
          *bench_at (&rp, r, s) = p;
          stalls (&t, t0, t1, bench_at (&rs, r, 2 * s),
                  bench_at (&rs, r, 2 * s + 1));
          usleep (5000);
        }
    }
  stop_target (&t);
  for (size_t s = 0; s < 3; s++)
    {
      if (failed[s][0])
        {
          printf ("NA apply-total-ms@%s %dthreads %s\n", sizes[s], n,
                  failed[s]);
          continue;
        }
      print_cells ("apply", n, sizes[s], &at, &ap, &as, s, apply_pause);
      print_cells ("revert", n, sizes[s], &rt, &rp, &rs, s, revert_pause);
    }
}

static void
all_bench (char *tool, char *target, const char *dir, int nprocs)
{
  struct target *t = calloc (nprocs, sizeof *t);
  char *targv[] = { target, "idle", NULL };
  for (int i = 0; i < nprocs; i++)
    start_target (&t[i], targv);
  static const char *const names[3] = { "gen-patch-1", "gen-patch-1b",
                                        "gen-patch-1c" };
  struct bench_samples s;
  bench_samples_init (&s, 3, 1);
  static char out[1 << 20];
  for (int k = 0; k < 3; k++)
    {
      char path[4096];
      snprintf (path, sizeof path, "%s/%s.so", dir, names[k]);
      char *argv[] = { tool, "--all", path, NULL };
      double ms = run_tool (argv, out, sizeof out);
      if (ms < 0)
        {
          char why[512];
          failure_line (out, why, sizeof why);
          printf ("NA all-ms@%d %dprocs %s\n", nprocs, nprocs, why);
          for (int i = 0; i < nprocs; i++)
            stop_target (&t[i]);
          free (t);
          return;
        }
      *bench_at (&s, k, 0) = ms;
    }
  for (int i = 0; i < nprocs; i++)
    stop_target (&t[i]);
  char key[64], var[64];
  snprintf (key, sizeof key, "all-ms@%d", nprocs);
  snprintf (var, sizeof var, "%dprocs", nprocs);
  bench_cell (&s, 0, key, var, 0, var, 0);
  free (t);
}

int
main (int argc, char **argv)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  signal (SIGPIPE, SIG_IGN);
  atexit (kill_live);
  if (argc == 6 && strcmp (argv[1], "--all") == 0)
    {
      all_bench (argv[2], argv[3], argv[4], atoi (argv[5]));
      return 0;
    }
  if (argc < 6)
    bench_die ("usage: bench-apply ULP_APPLY TARGET PATCHDIR ROUNDS "
               "NTHREADS... | --all ULP_APPLY TARGET PATCHDIR NPROCS");
  long rounds = atol (argv[4]);
  for (int i = 5; i < argc; i++)
    threads_bench (argv[1], argv[2], argv[3], rounds, atoi (argv[i]));
  return 0;
}
