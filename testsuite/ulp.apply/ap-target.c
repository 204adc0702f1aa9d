/* ap-target.c -- the process the ulp-apply tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ap-target [threads=N] [dl=LIBAPDL] [x=LIBAPX] [idle] starts N extra
   idle threads, prints "ready PID" and then (unless idle: then it just
   waits to be killed) serves one command per line on
   its standard input, answering on standard output (one write per line,
   so threads never interleave within a line):

     value          ap_value () -> "value V"
     tid            "tid main TID"
     block          six threads blocked in read, nanosleep (2 s), futex,
                    epoll_wait, accept and poll -> "tid NAME TID" each,
                    then "blocked" once all are inside their calls
     release        wake them -> "done NAME r=R errno=E ms=MS" each,
                    then "released"
     hold / unhold  a thread inside libap (ap_hold) -> "held TID"; then
                    "unheld TID value V" when it returns
     dlhold / dlunhold / dlvalue
                    the same with libapdl.so.1, loaded by dlopen
     fork           a child that calls ap_value every 20 ms and reports
                    "child PID value V" at start and on each change
     exec           execv itself (the environment, LD_PRELOAD included,
                    is kept)
     malloc N       N threads hammer malloc/free and dlopen/dlclose of
                    LIBAPX -> "hammering"; "stats" -> "iterations N"
     avx SECS       the main thread keeps known values in ymm0-ymm15
                    across a nanosleep every 0.5 ms for SECS seconds and
                    checks them -> "avx ok N" or "avx corrupted"
     avxthread SECS the same in a new thread -> "tid avx TID", later
                    "avx ok N" or "avx corrupted"
     rtstorm TID N  a thread sends N queued real-time signals to TID,
                    20 us apart -> "sent N"
     sigcount       "signals usr1=A rt=B" (handled so far)
     exit           exit (0)

   ap-target --tgkill PID TID SIG sends SIG to one thread;
   ap-target --trace PID attaches to PID with ptrace and waits to be
   killed.  */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ap.h"

static char **saved_argv;
static const char *dl_path = "libapdl.so.1";
static const char *x_path = "libapx.so";

static void
say (const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  if (n > (int) sizeof buf - 1)
    n = sizeof buf - 1;
  ssize_t w = write (1, buf, n);
  (void) w;
}

static pid_t
tid (void)
{
  return (pid_t) syscall (SYS_gettid);
}

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static pthread_t
spawn (void *(*fn) (void *), void *arg, size_t stack)
{
  pthread_attr_t a;
  pthread_t t;
  pthread_attr_init (&a);
  if (stack)
    pthread_attr_setstacksize (&a, stack);
  if (pthread_create (&t, &a, fn, arg) != 0)
    {
      say ("error: pthread_create\n");
      exit (2);
    }
  pthread_attr_destroy (&a);
  return t;
}

/* ------------------------------------------------------------------ */
/* Signals.                                                            */
/* ------------------------------------------------------------------ */

static volatile int usr1_count, rt_count;

static void
on_usr1 (int sig)
{
  (void) sig;
  __atomic_add_fetch (&usr1_count, 1, __ATOMIC_RELAXED);
}

static void
on_rt (int sig)
{
  (void) sig;
  __atomic_add_fetch (&rt_count, 1, __ATOMIC_RELAXED);
}

struct storm
{
  pid_t to;
  int n;
};

static void *
storm_main (void *arg)
{
  struct storm *s = arg;
  struct timespec ts = { 0, 20000 };
  for (int i = 0; i < s->n; i++)
    {
      syscall (SYS_tgkill, getpid (), s->to, SIGRTMIN + 3);
      nanosleep (&ts, NULL);
    }
  say ("sent %d\n", s->n);
  free (s);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Idle threads.                                                       */
/* ------------------------------------------------------------------ */

static void *
idle_main (void *arg)
{
  (void) arg;
  for (;;)
    pause ();
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Blocked system calls.                                               */
/* ------------------------------------------------------------------ */

static int p_read[2], p_epoll[2], p_poll[2], ep, ls, ls_port;
static uint32_t fw;

enum
{
  B_READ,
  B_NANOSLEEP,
  B_FUTEX,
  B_EPOLL,
  B_ACCEPT,
  B_POLL,
  B_N
};
static const char *const b_names[B_N] = { "read", "nanosleep", "futex",
                                          "epoll_wait", "accept", "poll" };
static pid_t b_tids[B_N];
static pthread_t b_threads[B_N];

static void *
blocked_main (void *arg)
{
  int which = (int) (intptr_t) arg;
  __atomic_store_n (&b_tids[which], tid (), __ATOMIC_RELEASE);
  double t0 = now_ms ();
  long r = -1;
  char c;
  struct epoll_event ev;
  struct pollfd pfd = { p_poll[0], POLLIN, 0 };
  struct timespec two = { 2, 0 };
  errno = 0;
  switch (which)
    {
    case B_READ:
      r = read (p_read[0], &c, 1);
      break;
    case B_NANOSLEEP:
      r = nanosleep (&two, NULL);
      break;
    case B_FUTEX:
      r = syscall (SYS_futex, &fw, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
      break;
    case B_EPOLL:
      r = epoll_wait (ep, &ev, 1, -1);
      break;
    case B_ACCEPT:
      r = accept (ls, NULL, NULL);
      if (r >= 0)
        {
          close ((int) r);
          r = 0;
        }
      break;
    case B_POLL:
      r = poll (&pfd, 1, -1);
      break;
    }
  int e = r < 0 ? errno : 0;
  say ("done %s r=%ld errno=%d ms=%.0f\n", b_names[which], r, e,
       now_ms () - t0);
  return NULL;
}

/* Whether thread T is blocked in a system call (/proc says its
   number).  */
static int
in_syscall (pid_t t)
{
  char path[64], buf[256];
  snprintf (path, sizeof path, "/proc/self/task/%d/syscall", (int) t);
  FILE *f = fopen (path, "r");
  if (!f)
    return 0;
  int ok = fgets (buf, sizeof buf, f) && buf[0] >= '0' && buf[0] <= '9';
  fclose (f);
  return ok;
}

static void
block (void)
{
  if (pipe (p_read) || pipe (p_epoll) || pipe (p_poll))
    exit (2);
  ep = epoll_create1 (0);
  struct epoll_event ev = { .events = EPOLLIN };
  epoll_ctl (ep, EPOLL_CTL_ADD, p_epoll[0], &ev);
  ls = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = { .sin_family = AF_INET };
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  socklen_t sl = sizeof sa;
  if (bind (ls, (struct sockaddr *) &sa, sizeof sa) || listen (ls, 4)
      || getsockname (ls, (struct sockaddr *) &sa, &sl))
    exit (2);
  ls_port = sa.sin_port;
  for (int i = 0; i < B_N; i++)
    b_threads[i] = spawn (blocked_main, (void *) (intptr_t) i, 0);
  for (int i = 0; i < B_N; i++)
    {
      while (!__atomic_load_n (&b_tids[i], __ATOMIC_ACQUIRE)
             || !in_syscall (b_tids[i]))
        usleep (1000);
      say ("tid %s %d\n", b_names[i], (int) b_tids[i]);
    }
  say ("blocked\n");
}

static void
release (void)
{
  char c = 'x';
  if (write (p_read[1], &c, 1) != 1 || write (p_epoll[1], &c, 1) != 1
      || write (p_poll[1], &c, 1) != 1)
    exit (2);
  __atomic_store_n (&fw, 1, __ATOMIC_RELEASE);
  syscall (SYS_futex, &fw, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
  int s = socket (AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = ls_port };
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (s, (struct sockaddr *) &sa, sizeof sa))
    exit (2);
  for (int i = 0; i < B_N; i++)
    pthread_join (b_threads[i], NULL);
  close (s);
  say ("released\n");
}

/* ------------------------------------------------------------------ */
/* Threads inside the libraries.                                       */
/* ------------------------------------------------------------------ */

static int hold_pipe[2], dlhold_pipe[2];
static void *dl_handle;
static int (*p_apdl_value) (void);
static int (*p_apdl_hold) (int, void (*) (void));

static void
inside (void)
{
  say ("held %d\n", (int) tid ());
}

static void
dl_inside (void)
{
  say ("dlheld %d\n", (int) tid ());
}

static void *
hold_main (void *arg)
{
  (void) arg;
  int v = ap_hold (hold_pipe[0], inside);
  say ("unheld %d value %d\n", (int) tid (), v);
  for (;;)
    pause ();
  return NULL;
}

static void
load_dl (void)
{
  if (dl_handle)
    return;
  dl_handle = dlopen (dl_path, RTLD_NOW);
  if (!dl_handle)
    {
      say ("error: %s\n", dlerror ());
      exit (2);
    }
  p_apdl_value = (int (*) (void)) dlsym (dl_handle, "apdl_value");
  p_apdl_hold = (int (*) (int, void (*) (void))) dlsym (dl_handle,
                                                          "apdl_hold");
}

static void *
dlhold_main (void *arg)
{
  (void) arg;
  int v = p_apdl_hold (dlhold_pipe[0], dl_inside);
  say ("dlunheld %d value %d\n", (int) tid (), v);
  for (;;)
    pause ();
  return NULL;
}

/* ------------------------------------------------------------------ */
/* fork, malloc and dlopen hammering.                                  */
/* ------------------------------------------------------------------ */

static void
child_loop (void)
{
  int last = -1;
  struct timespec ts = { 0, 20000000 };
  for (;;)
    {
      int v = ap_value ();
      if (v != last)
        say ("child %d value %d\n", (int) getpid (), v);
      last = v;
      nanosleep (&ts, NULL);
    }
}

static long iterations;

static void *
hammer_main (void *arg)
{
  unsigned seed = (unsigned) (uintptr_t) arg;
  for (long i = 0;; i++)
    {
      size_t n = rand_r (&seed) % 4096 + 1;
      char *p = malloc (n);
      if (p)
        p[n - 1] = 1;
      void *q = malloc (rand_r (&seed) % 200000 + 1);
      free (p);
      free (q);
      if (i % 8 == 0)
        {
          void *h = dlopen (x_path, RTLD_NOW);
          if (!h)
            {
              say ("error: %s\n", dlerror ());
              exit (2);
            }
          dlclose (h);
        }
      __atomic_add_fetch (&iterations, 1, __ATOMIC_RELAXED);
    }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Live vector registers.                                              */
/* ------------------------------------------------------------------ */

/* Keep PAT in ymm0-ymm15 while sleeping 0.5 ms ITERS times; after each
   sleep compare all sixteen with PAT (through OUT, with general
   registers).  Returns 0, or the iteration that found a difference.  */
static long
avx_loop (long iters)
{
  static unsigned char pat[16 * 32] __attribute__ ((aligned (32)));
  unsigned char out[16 * 32] __attribute__ ((aligned (32)));
  unsigned seed = (unsigned) now_ms ();
  for (size_t i = 0; i < sizeof pat; i++)
    pat[i] = (unsigned char) (rand_r (&seed) | 1);
  struct timespec ts = { 0, 500000 };
  long left = iters;
  long bad;
  __asm__ volatile (
    ".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
    "vmovdqu \\r*32(%[pat]), %%ymm\\r\n\t"
    ".endr\n"
    "1:\n\t"
    "movl $35, %%eax\n\t"        /* nanosleep */
    "movq %[ts], %%rdi\n\t"
    "xorl %%esi, %%esi\n\t"
    "syscall\n\t"
    ".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
    "vmovdqu %%ymm\\r, \\r*32(%[out])\n\t"
    ".endr\n\t"
    "xorl %%edx, %%edx\n"
    "2:\n\t"
    "movq (%[out],%%rdx,8), %%rax\n\t"
    "cmpq (%[pat],%%rdx,8), %%rax\n\t"
    "jne 3f\n\t"
    "incq %%rdx\n\t"
    "cmpq $64, %%rdx\n\t"
    "jne 2b\n\t"
    "decq %[left]\n\t"
    "jnz 1b\n\t"
    "xorl %%eax, %%eax\n\t"
    "jmp 4f\n"
    "3:\n\t"
    "movq %[left], %%rax\n"
    "4:\n\t"
    "vzeroupper"
    : "=&a" (bad), [left] "+r" (left)
    : [pat] "r" (pat), [out] "r" (out), [ts] "r" (&ts)
    : "rcx", "rdx", "rdi", "rsi", "r11", "memory", "cc",
      "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
      "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
  return bad ? iters - bad + 1 : 0;
}

static void
avx (long secs)
{
  if (!__builtin_cpu_supports ("avx"))
    {
      say ("avx unsupported\n");
      return;
    }
  long iters = secs * 1000 * 2;
  long bad = avx_loop (iters);
  if (bad)
    say ("avx corrupted at %ld\n", bad);
  else
    say ("avx ok %ld\n", iters);
}

static void *
avx_thread (void *arg)
{
  say ("tid avx %d\n", (int) tid ());
  avx ((long) (intptr_t) arg);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Helpers run as separate processes.                                  */
/* ------------------------------------------------------------------ */

static int
helper (int argc, char **argv)
{
  if (strcmp (argv[1], "--tgkill") == 0 && argc == 5)
    return syscall (SYS_tgkill, atoi (argv[2]), atoi (argv[3]),
                    atoi (argv[4])) != 0;
  if (strcmp (argv[1], "--trace") == 0 && argc == 3)
    {
      pid_t pid = atoi (argv[2]);
      if (ptrace (PTRACE_SEIZE, pid, 0, 0) != 0)
        {
          perror ("ptrace");
          return 1;
        }
      say ("tracing %d\n", (int) pid);
      for (;;)
        {
          int st;
          if (waitpid (pid, &st, __WALL) < 0)
            pause ();
        }
    }
  fprintf (stderr, "ap-target: bad helper arguments\n");
  return 2;
}

int
main (int argc, char **argv)
{
  saved_argv = argv;
  if (argc > 1 && argv[1][0] == '-')
    return helper (argc, argv);
  int nthreads = 0;
  int serve = 1;
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "idle") == 0)
      serve = 0;
    else
    if (strncmp (argv[i], "threads=", 8) == 0)
      nthreads = atoi (argv[i] + 8);
    else if (strncmp (argv[i], "dl=", 3) == 0)
      dl_path = argv[i] + 3;
    else if (strncmp (argv[i], "x=", 2) == 0)
      x_path = argv[i] + 2;

  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_flags = SA_RESTART;
  sa.sa_handler = on_usr1;
  sigaction (SIGUSR1, &sa, NULL);
  sa.sa_handler = on_rt;
  sigaction (SIGRTMIN + 3, &sa, NULL);
  if (pipe (hold_pipe) || pipe (dlhold_pipe))
    return 2;

  for (int i = 0; i < nthreads; i++)
    spawn (idle_main, NULL, 64 * 1024);

  say ("ready %d\n", (int) getpid ());
  if (!serve)
    for (;;)
      pause ();
  char line[256];
  while (fgets (line, sizeof line, stdin))
    {
      char cmd[32] = "";
      long a = 0, b = 0;
      sscanf (line, "%31s %ld %ld", cmd, &a, &b);
      char x = 'x';
      if (strcmp (cmd, "value") == 0)
        say ("value %d\n", ap_value ());
      else if (strcmp (cmd, "tid") == 0)
        say ("tid main %d\n", (int) tid ());
      else if (strcmp (cmd, "block") == 0)
        block ();
      else if (strcmp (cmd, "release") == 0)
        release ();
      else if (strcmp (cmd, "hold") == 0)
        spawn (hold_main, NULL, 0);
      else if (strcmp (cmd, "unhold") == 0)
        {
          if (write (hold_pipe[1], &x, 1) != 1)
            return 2;
        }
      else if (strcmp (cmd, "dlvalue") == 0)
        {
          load_dl ();
          say ("dlvalue %d\n", p_apdl_value ());
        }
      else if (strcmp (cmd, "dlhold") == 0)
        {
          load_dl ();
          spawn (dlhold_main, NULL, 0);
        }
      else if (strcmp (cmd, "dlunhold") == 0)
        {
          if (write (dlhold_pipe[1], &x, 1) != 1)
            return 2;
        }
      else if (strcmp (cmd, "fork") == 0)
        {
          /* The child reports only after "forked": the tests read the
             two lines in that order.  */
          int order[2];
          if (pipe (order) != 0)
            {
              say ("error: pipe: %s\n", strerror (errno));
              continue;
            }
          pid_t c = fork ();
          if (c == 0)
            {
              char b;
              close (order[1]);
              while (read (order[0], &b, 1) < 0 && errno == EINTR)
                ;
              close (order[0]);
              child_loop ();
            }
          close (order[0]);
          say ("forked %d\n", (int) c);
          if (write (order[1], "", 1) < 0)
            say ("error: write: %s\n", strerror (errno));
          close (order[1]);
        }
      else if (strcmp (cmd, "exec") == 0)
        {
          execv ("/proc/self/exe", saved_argv);
          say ("error: exec: %s\n", strerror (errno));
        }
      else if (strcmp (cmd, "malloc") == 0)
        {
          for (long i = 0; i < a; i++)
            spawn (hammer_main, (void *) (uintptr_t) (i + 1), 0);
          say ("hammering\n");
        }
      else if (strcmp (cmd, "stats") == 0)
        say ("iterations %ld\n", __atomic_load_n (&iterations,
                                                  __ATOMIC_RELAXED));
      else if (strcmp (cmd, "avx") == 0)
        avx (a);
      else if (strcmp (cmd, "avxthread") == 0)
        spawn (avx_thread, (void *) (intptr_t) a, 0);
      else if (strcmp (cmd, "rtstorm") == 0)
        {
          struct storm *s = malloc (sizeof *s);
          s->to = (pid_t) a;
          s->n = (int) b;
          spawn (storm_main, s, 0);
        }
      else if (strcmp (cmd, "sigcount") == 0)
        say ("signals usr1=%d rt=%d\n", usr1_count, rt_count);
      else if (strcmp (cmd, "exit") == 0)
        exit (0);
      else
        say ("error: unknown command %s\n", cmd);
    }
  return 0;
}
