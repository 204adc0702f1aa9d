/* run.c -- ulp-apply's jobs over many processes.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   run_jobs sends every process its request first, then collects the
   replies (job.c): the runtimes of all the processes work at the same
   time.  run_all (--all, with a patch file or --repo) finds the
   processes to work on in the one /proc listing (procfs.c) and shares
   them out among --jobs worker processes, each scanning its share and
   running its jobs.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply.h"
#include "objfile.h"
#include "ptrace-inject.h"

/* ------------------------------------------------------------------ */
/* Running the jobs.                                                   */
/* ------------------------------------------------------------------ */

int
run_jobs (const pid_t *pids, size_t npids, struct proc_maps *maps)
{
  struct job *jobs = calloc (npids ? npids : 1, sizeof *jobs);
  if (!jobs)
    return ULP_EXIT_FAIL;
  /* Send every request first, then collect the replies: the runtimes
     of all the processes work at the same time.  */
  uint64_t t0 = pt_now_ns ();
  for (size_t i = 0; i < npids; i++)
    {
      jobs[i].pid = pids[i];
      jobs[i].lock = -1;
      if (maps)
        jobs[i].maps = maps[i];
      job_send (&jobs[i]);
      procfs_maps_free (&jobs[i].maps);
    }
  uint64_t t1 = pt_now_ns ();
  for (size_t i = 0; i < npids; i++)
    if (jobs[i].sent && !jobs[i].done)
      job_receive (&jobs[i]);
  if (verbose && opt.all)
    tool_say (0, "all: send: %.3f ms, receive: %.3f ms", (t1 - t0) / 1e6,
                (pt_now_ns () - t1) / 1e6);
  int status = ULP_EXIT_OK;
  for (size_t i = 0; i < npids; i++)
    {
      if (repo)
        repo_job_summary (&jobs[i]);
      if (jobs[i].status == ULP_EXIT_OK)
        continue;
      status = status == ULP_EXIT_OK || status == jobs[i].status
               ? jobs[i].status : ULP_EXIT_FAIL;
    }
  for (size_t i = 0; i < npids; i++)
    {
      if (jobs[i].opened)
        target_close (&jobs[i].t);
      free (jobs[i].want);
    }
  free (jobs);
  objfile_cache_clear ();
  return status;
}

/* ------------------------------------------------------------------ */
/* --all: the processes to work on.                                    */
/* ------------------------------------------------------------------ */

/* Of the processes CAND[FIRST], CAND[FIRST + STEP], ..., the pids of
   those MATCH accepts, ascending, with their maps in *MAPS (the jobs
   take them over).  */
static pid_t *
scan_processes (process_match_fn match, void *data, const pid_t *cand,
                size_t ncand, size_t first, size_t step, size_t *n,
                struct proc_maps **maps)
{
  size_t cap = 256, k = 0;
  *maps = malloc (cap * sizeof **maps);
  pid_t *v = malloc (cap * sizeof *v);
  if (!v)
    {
      *n = 0;
      return NULL;
    }
  /* CAND is ascending (procfs_pids), and so is what is kept.  */
  for (size_t ci = first; ci < ncand; ci += step)
    {
      pid_t pid = cand[ci];
      struct target t;
      memset (&t, 0, sizeof t);
      t.pid = pid;
      if (procfs_maps (pid, &t.maps) != 0)
        continue;
      if (!*maps || !match (&t, data))
        {
          procfs_maps_free (&t.maps);
          continue;
        }
      if (k == cap)
        {
          pid_t *nv = realloc (v, 2 * cap * sizeof *nv);
          struct proc_maps *nm = realloc (*maps, 2 * cap * sizeof *nm);
          if (nv)
            v = nv;
          if (nm)
            *maps = nm;
          if (!nv || !nm)
            {
              procfs_maps_free (&t.maps);
              break;
            }
          cap *= 2;
        }
      (*maps)[k] = t.maps;
      v[k++] = pid;
    }
  *n = k;
  return v;
}

/* ------------------------------------------------------------------ */
/* --all: worker processes.                                            */
/* ------------------------------------------------------------------ */

/* --all spreads the processes over worker processes, each taking every
   K-th process of /proc: scanning and applying, most of the time goes
   into waiting for the targets' threads to be scheduled (ptrace stops,
   the runtimes' replies), and those waits overlap.  Processes rather
   than threads, because a tracee belongs to the thread that attached
   it and the tools' modules keep caches that are not thread-safe.
   Each worker writes what it has to say into two pipes, and one line
   "found N" into a third; the parent prints the output in pid order
   once all are done, so that it reads as a sequential run's would.  */

struct worker
{
  pid_t pid;
  int fd[3];           /* stdout, stderr and result pipes; -1 at EOF.  */
  char *buf[3];
  size_t len[3], cap[3];
};

/* The pid a line of output is about ("PID N: ..." after an optional
   program name), or 0.  */
static long
line_pid (const char *line)
{
  const char *p = strstr (line, "PID ");
  if (!p || (p != line && strncmp (line, program_name, strlen (program_name))
                          != 0))
    return 0;
  return strtol (p + 4, NULL, 10);
}

struct out_line
{
  long pid;
  size_t seq;
  const char *text;
  size_t len;
};

static int
cmp_out_line (const void *a, const void *b)
{
  const struct out_line *x = a, *y = b;
  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Print the lines of the KIND buffers of the NW workers to F, by the
   pid they are about.  */
static void
print_sorted (struct worker *w, size_t nw, int kind, FILE *f)
{
  size_t n = 0, cap = 64;
  struct out_line *v = malloc (cap * sizeof *v);
  for (size_t i = 0; v && i < nw; i++)
    for (size_t off = 0; off < w[i].len[kind];)
      {
        const char *line = w[i].buf[kind] + off;
        const char *nl = memchr (line, '\n', w[i].len[kind] - off);
        size_t len = nl ? (size_t) (nl - line) + 1 : w[i].len[kind] - off;
        if (n == cap)
          {
            struct out_line *nv = realloc (v, 2 * cap * sizeof *nv);
            if (!nv)
              break;
            v = nv;
            cap *= 2;
          }
        char save = line[len - 1];
        ((char *) line)[len - 1] = '\0';
        v[n] = (struct out_line) { line_pid (line), n, line, len };
        ((char *) line)[len - 1] = save;
        n++;
        off += len;
      }
  if (!v)
    return;
  qsort (v, n, sizeof *v, cmp_out_line);
  for (size_t i = 0; i < n; i++)
    {
      fwrite (v[i].text, 1, v[i].len, f);
      if (v[i].text[v[i].len - 1] != '\n')
        fputc ('\n', f);
    }
  fflush (f);
  free (v);
}

/* Read what worker W wrote to its pipe J; false once that pipe is
   done with (end of file, an error, or no memory left to keep it).  */
static bool
worker_read (struct worker *w, int j)
{
  if (w->len[j] + 4096 > w->cap[j])
    {
      size_t cap = w->cap[j] ? 2 * w->cap[j] : 8192;
      char *nb = realloc (w->buf[j], cap);
      if (!nb)
        goto done;
      w->buf[j] = nb;
      w->cap[j] = cap;
    }
  ssize_t r = read (w->fd[j], w->buf[j] + w->len[j], w->cap[j] - w->len[j]);
  if (r > 0)
    {
      w->len[j] += (size_t) r;
      return true;
    }
  if (r < 0 && errno == EINTR)
    return true;
done:
  close (w->fd[j]);
  w->fd[j] = -1;
  return false;
}

/* The body of worker K of NW.  */
static void __attribute__ ((noreturn))
worker_run (process_match_fn match, void *data, const pid_t *cand,
            size_t ncand, size_t k, size_t nw, int result_fd)
{
  size_t n;
  struct proc_maps *maps = NULL;
  uint64_t t0 = pt_now_ns ();
  pid_t *pids = scan_processes (match, data, cand, ncand, k, nw, &n, &maps);
  if (verbose)
    tool_say (0, "all: worker %zu: scan: %.3f ms (%zu of %zu processes)", k,
                (pt_now_ns () - t0) / 1e6, n, (ncand + nw - 1 - k) / nw);
  int status = pids || n == 0 ? run_jobs (pids, n, maps) : ULP_EXIT_FAIL;
  fflush (stdout);
  fflush (stderr);
  dprintf (result_fd, "found %zu\n", n);
  _exit (status);
}

/* Start NW workers over the NCAND processes CAND, into W; how many
   started.  */
static size_t
start_workers (struct worker *w, size_t nw, process_match_fn match,
               void *data, const pid_t *cand, size_t ncand)
{
  fflush (stdout);
  fflush (stderr);
  size_t started = 0;
  for (size_t k = 0; k < nw; k++)
    {
      int p[3][2];
      int made = 0;
      for (; made < 3; made++)
        if (pipe2 (p[made], O_CLOEXEC) < 0)
          break;
      pid_t c = made == 3 ? fork () : -1;
      if (c == 0)
        {
          dup2 (p[0][1], STDOUT_FILENO);
          dup2 (p[1][1], STDERR_FILENO);
          for (int i = 0; i < 3; i++)
            close (p[i][0]);
          worker_run (match, data, cand, ncand, k, nw, p[2][1]);
        }
      for (int i = 0; i < made; i++)
        close (p[i][1]);
      if (c < 0)
        {
          for (int i = 0; i < made; i++)
            close (p[i][0]);
          tool_error ("cannot start a worker process: %s", strerror (errno));
          break;
        }
      w[started].pid = c;
      for (int i = 0; i < 3; i++)
        w[started].fd[i] = p[i][0];
      started++;
    }
  return started;
}

/* Collect everything the STARTED workers W write; show progress on a
   terminal.  */
static void
collect_output (struct worker *w, size_t started)
{
  bool progress = isatty (STDERR_FILENO) && !quiet;
  size_t done_workers = 0;
  struct pollfd *pfd = calloc (3 * started + 1, sizeof *pfd);
  size_t *owner = calloc (3 * started + 1, sizeof *owner);
  for (;;)
    {
      size_t np = 0;
      for (size_t i = 0; pfd && owner && i < started; i++)
        for (int j = 0; j < 3; j++)
          if (w[i].fd[j] >= 0)
            {
              owner[np] = 3 * i + j;
              pfd[np++] = (struct pollfd) { w[i].fd[j], POLLIN, 0 };
            }
      if (np == 0 || (poll (pfd, np, -1) < 0 && errno != EINTR))
        break;
      for (size_t q = 0; q < np; q++)
        if (pfd[q].revents && !worker_read (&w[owner[q] / 3], owner[q] % 3)
            && owner[q] % 3 == 2)
          {
            done_workers++;
            if (progress)
              tool_progress ("all: %zu of %zu workers done", done_workers,
                             started);
          }
    }
  free (owner);
  /* Only when memory ran out: let the workers see a closed pipe rather
     than block on a full one.  */
  for (size_t i = 0; i < started; i++)
    for (int j = 0; j < 3; j++)
      if (w[i].fd[j] >= 0)
        close (w[i].fd[j]);
  if (progress)
    fprintf (stderr, "\r\033[K");
  free (pfd);
}

/* Wait for the STARTED workers W; the exit status of them all, with the
   number of processes they found added to *FOUND.  */
static int
reap_workers (struct worker *w, size_t started, size_t *found)
{
  int status = ULP_EXIT_OK;
  for (size_t i = 0; i < started; i++)
    {
      int st;
      while (waitpid (w[i].pid, &st, 0) < 0 && errno == EINTR)
        ;
      int ws = WIFEXITED (st) ? WEXITSTATUS (st) : ULP_EXIT_FAIL;
      if (!WIFEXITED (st))
        tool_error ("all: worker process %d died (signal %d)", (int) w[i].pid,
                    WIFSIGNALED (st) ? WTERMSIG (st) : 0);
      if (ws != ULP_EXIT_OK)
        status = status == ULP_EXIT_OK || status == ws ? ws : ULP_EXIT_FAIL;
      size_t f;
      if (w[i].len[2] < w[i].cap[2])
        {
          w[i].buf[2][w[i].len[2]] = '\0';
          if (sscanf (w[i].buf[2], "found %zu", &f) == 1)
            *found += f;
        }
    }
  return status;
}

int
run_all (process_match_fn match, void *data, size_t *found)
{
  *found = 0;
  size_t ncand;
  pid_t *cand;
  int e = procfs_pids (&cand, &ncand);
  if (e)
    {
      tool_error ("cannot list the processes in /proc: %s", strerror (e));
      return ULP_EXIT_FAIL;
    }
  size_t nw = opt.jobs;
  if (nw > ncand)
    nw = ncand ? ncand : 1;
  struct worker *w = calloc (nw, sizeof *w);
  if (!w)
    {
      free (cand);
      return ULP_EXIT_FAIL;
    }
  size_t started = start_workers (w, nw, match, data, cand, ncand);
  collect_output (w, started);
  int status = reap_workers (w, started, found);
  if (started != nw)
    status = ULP_EXIT_FAIL;
  print_sorted (w, started, 0, stdout);
  print_sorted (w, started, 1, stderr);
  if (verbose)
    tool_say (0, "all: %zu processes in %.3f ms (%zu workers)", *found,
                (pt_now_ns () - program_start) / 1e6, started);
  for (size_t i = 0; i < started; i++)
    for (int j = 0; j < 3; j++)
      free (w[i].buf[j]);
  free (w);
  free (cand);
  return status;
}
