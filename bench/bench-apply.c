/* bench-apply.c -- time ulp-apply against running processes.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Usage:
     bench-apply ULP_APPLY TARGET PATCHDIR ROUNDS NTHREADS...
     bench-apply --all ULP_APPLY TARGET PATCHDIR NPROCS

   The first form starts "TARGET serve N B" (bench-target.c) for each
   thread count N (an argument "N:B" makes B of the N threads busy
   rather than one: on a machine with fewer than B cores, a saturated
   target), and ROUNDS times, for the patches of 1, 100 and 1,000
   functions in PATCHDIR (gen-patch-1.so ...), in shuffled order, runs
   "ULP_APPLY -v PID PATCH" and then "ULP_APPLY -v --revert PID".  It
   records for each run the time from starting ulp-apply to its exit
   (end to end), its own time (the "total" ulp-apply -v reports: from
   its main to the reply, without the start and exit of the process,
   which on a saturated machine wait on the scheduler at the
   launcher's priority), the pause ulp-apply -v reports, and the
   stall: the longest gap the target's busy threads saw during the
   run.  After
   each run it waits, with nothing applied or reverted, for a quiet
   window of the same length and records the longest gap there too:
   what the process would have seen anyway on this machine.

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
#include <time.h>
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

/* The time ulp-apply -v reported in OUT for its step WORD ("pause",
   "total"), in ms, or NAN: the first number with a time unit after the
   word.  */
static double
reported_ms (const char *out, const char *word)
{
  size_t wl = strlen (word);
  for (const char *p = out; (p = strcasestr (p, word)); p++)
    {
      const char *eol = strchr (p, '\n');
      if (!eol)
        eol = p + strlen (p);
      for (const char *q = p + wl; q < eol; q++)
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

/* The longest gap, in ms, the target's busy threads saw in [T0, T1]
   (ns).  */
static double
stall (struct target *t, double t0, double t1)
{
  fprintf (t->in, "%.0f %.0f\n", t0, t1);
  fflush (t->in);
  kill (t->pid, SIGUSR1);
  double us;
  if (fscanf (t->out, " GAP %lf", &us) != 1)
    bench_die ("the target did not report its stalls");
  return us / 1e3;
}

/* Record in *DURING the stall of a run over [T0, T1], then wait for a
   quiet window of the same length, in which nothing is applied, and
   record its stall in *QUIET.  */
static void
stalls (struct target *t, double t0, double t1, double *during,
        double *quiet)
{
  *during = stall (t, t0, t1);
  /* Leave the target a moment to settle after the report.  */
  usleep (1000);
  double q0 = bench_now_ns ();
  struct timespec ts = { (time_t) ((t1 - t0) / 1e9),
                         (long) fmod (t1 - t0, 1e9) };
  while (nanosleep (&ts, &ts) != 0 && errno == EINTR)
    ;
  *quiet = stall (t, q0, bench_now_ns ());
}

/* The samples of one operation (apply or revert) over the rounds, for
   the patches of 1, 100 and 1,000 functions.  */
struct op_samples
{
  struct bench_samples total;  /* end to end.  */
  struct bench_samples own;    /* ulp-apply -v's "total": from its main
                                  to the reply, without the start and
                                  exit of the process.  */
  struct bench_samples pause;  /* ulp-apply -v's "pause".  */
  struct bench_samples stall;  /* the target's, and its quiet window's. */
  int have_own, have_pause;
};

static void
op_init (struct op_samples *o, long rounds)
{
  bench_samples_init (&o->total, rounds, 3);
  bench_samples_init (&o->own, rounds, 3);
  bench_samples_init (&o->pause, rounds, 3);
  bench_samples_init (&o->stall, rounds, 6);
  o->have_own = o->have_pause = 1;
}

static void
op_free (struct op_samples *o)
{
  bench_samples_free (&o->total);
  bench_samples_free (&o->own);
  bench_samples_free (&o->pause);
  bench_samples_free (&o->stall);
}

/* Run ulp-apply ARGV against target T as round R of size S, recording
   into O; 0, or -1 when it failed (OUT then says why).  */
static int
op_run (struct target *t, char *const argv[], struct op_samples *o, long r,
        size_t s, char *out, size_t size)
{
  double t0 = bench_now_ns ();
  double ms = run_tool (argv, out, size);
  double t1 = bench_now_ns ();
  if (ms < 0)
    return -1;
  *bench_at (&o->total, r, s) = ms;
  double v = reported_ms (out, "total");
  if (isnan (v))
    o->have_own = 0;
  *bench_at (&o->own, r, s) = v;
  v = reported_ms (out, "pause");
  if (isnan (v))
    o->have_pause = 0;
  *bench_at (&o->pause, r, s) = v;
  stalls (t, t0, t1, bench_at (&o->stall, r, 2 * s),
          bench_at (&o->stall, r, 2 * s + 1));
  usleep (5000);
  return 0;
}

static void
print_cells (const char *what, const char *var, const char *size,
             struct op_samples *o, size_t s)
{
  char key[96], quiet[80];
  snprintf (quiet, sizeof quiet, "%s-quiet", var);
  snprintf (key, sizeof key, "%s-total-ms@%s", what, size);
  bench_cell (&o->total, 0, key, var, s, var, s);
  snprintf (key, sizeof key, "%s-own-ms@%s", what, size);
  if (o->have_own)
    bench_cell (&o->own, 0, key, var, s, var, s);
  else
    printf ("NA %s %s ulp-apply -v did not report its total\n", key, var);
  snprintf (key, sizeof key, "%s-pause-ms@%s", what, size);
  if (o->have_pause)
    bench_cell (&o->pause, 0, key, var, s, var, s);
  else
    printf ("NA %s %s ulp-apply -v did not report a pause\n", key, var);
  snprintf (key, sizeof key, "%s-stall-ms@%s", what, size);
  bench_cell (&o->stall, 0, key, var, 2 * s, quiet, 2 * s + 1);
}

static void
threads_bench (char *tool, char *target, const char *dir, long rounds,
               const char *spec)
{
  int n, busy = 1;
  char colon;
  if (sscanf (spec, "%d%c%d", &n, &colon, &busy) < 1 || n < 1 || busy < 1
      || busy > n)
    bench_die ("bad thread count %s (N or N:BUSY)", spec);
  char nbuf[16], bbuf[16], var[64];
  snprintf (nbuf, sizeof nbuf, "%d", n);
  snprintf (bbuf, sizeof bbuf, "%d", busy);
  if (busy == 1)
    snprintf (var, sizeof var, "%dthreads", n);
  else
    snprintf (var, sizeof var, "%dthreads-%dbusy", n, busy);
  char *targv[] = { target, "serve", nbuf, bbuf, NULL };
  struct target t;
  start_target (&t, targv);
  char pidbuf[16];
  snprintf (pidbuf, sizeof pidbuf, "%d", (int) t.pid);

  static const char *const sizes[3] = { "1", "100", "1000" };
  char paths[3][4096];
  for (int s = 0; s < 3; s++)
    snprintf (paths[s], sizeof paths[s], "%s/gen-patch-%s.so", dir,
              sizes[s]);
  struct op_samples apply, revert;
  op_init (&apply, rounds);
  op_init (&revert, rounds);
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
          if (op_run (&t, aargv, &apply, r, s, out, sizeof out) < 0)
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
          char *rargv[] = { tool, "-v", "--revert", pidbuf, NULL };
          if (op_run (&t, rargv, &revert, r, s, out, sizeof out) < 0)
            {
              failure_line (out, failed[s], sizeof failed[s]);
              if (kill (t.pid, 0) != 0)
                bench_die ("the target died: %s", failed[s]);
              continue;
            }
        }
    }
  stop_target (&t);
  for (size_t s = 0; s < 3; s++)
    {
      if (failed[s][0])
        {
          printf ("NA apply-total-ms@%s %s %s\n", sizes[s], var,
                  failed[s]);
          continue;
        }
      print_cells ("apply", var, sizes[s], &apply, s);
      print_cells ("revert", var, sizes[s], &revert, s);
    }
  op_free (&apply);
  op_free (&revert);
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
               "NTHREADS[:NBUSY]... | --all ULP_APPLY TARGET PATCHDIR NPROCS");
  long rounds = atol (argv[4]);
  for (int i = 5; i < argc; i++)
    threads_bench (argv[1], argv[2], argv[3], rounds, argv[i]);
  return 0;
}
