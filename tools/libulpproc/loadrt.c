/* loadrt.c -- load the ulp runtime into a process that has none, and
   start the runtime's worker thread in a process whose runtime has
   none yet.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   One thread of the process is made to call dlopen, or
   ulp_control_start (ptrace-inject.c makes and undoes the call).
   dlopen takes the dynamic loader's locks, calls malloc, and runs
   libulp's constructors; ulp_control_start creates the worker thread
   (pthread_create: the stack cache lock, malloc).  Two things could
   then deadlock, and the mechanism rules both out:

   - Another thread holds one of those locks and cannot let go.  Here
     no other thread is stopped: only the chosen thread is attached, and
     the others run on during the whole call, so whatever they hold they
     release.  (Lock order is not a concern: these locks are taken
     loader first, then malloc or the stack cache, by glibc itself.)

   - The chosen thread itself holds one of them: it was stopped inside
     malloc, inside the loader, inside pthread_create or fork, or in a
     signal handler that interrupted one of them.  Its locks would never
     be released while it runs our call.  So a thread is chosen only
     when neither its instruction pointer nor any word of its stack
     points into the dynamic loader's code, into the part of libc that
     malloc's code occupies (from the end of the exported function
     before malloc's group to the start of the one after: malloc.c's
     static functions live there), or into pthread_create, fork,
     _Fork or dl_iterate_phdr.  Scanning every stack word is
     conservative: a stale value can only make a thread look busy, and
     a thread that holds such a lock always has a frame there, whose
     return address is on its stack (a signal frame saves the
     interrupted instruction pointer on the stack too).  Since a thread
     that sleeps between two calls of malloc always has stale values,
     a hit is checked again on the live frames, unwound from CFI with
     libdwfl (frames_safe), where the stack unwinds to its end.  A thread whose
     instruction pointer is anywhere else in libc must be blocked in a
     system call that waits (read, futex, poll ...): libc code that runs
     may be in the middle of something we cannot see.  When no thread
     qualifies, all are let go for a moment and the search starts
     again, until the deadline.

   The call runs with every signal blocked except glibc's SIGSETXID
   (setuid in another thread waits until every thread has handled it,
   while holding the stack cache lock that pthread_create needs), and
   it needs room on the thread's stack (128 KiB).  */

#include <config.h>

#include "loadrt.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <elfutils/libdwfl.h>

#include "mailbox.h"
#include "migrate.h"
#include "ptrace-inject.h"

#define STACK_ROOM (128 * 1024)
#define STACK_SCAN (512 * 1024)

struct range
{
  uint64_t lo, hi;
};

struct ranges
{
  struct range v[16];
  size_t n;
  uint64_t libc_lo, libc_hi;   /* libc's code, for the PC rule.  */
};

static void
add_range (struct ranges *r, uint64_t lo, uint64_t hi)
{
  if (lo < hi && r->n < sizeof r->v / sizeof r->v[0])
    r->v[r->n++] = (struct range) { lo, hi };
}

static bool
in_ranges (const struct ranges *r, uint64_t a)
{
  for (size_t i = 0; i < r->n; i++)
    if (a >= r->v[i].lo && a < r->v[i].hi)
      return true;
  return false;
}

static void
unsafe_ranges (struct target *t, struct ranges *r)
{
  memset (r, 0, sizeof *r);
  add_range (r, t->ldso_lo, t->ldso_hi);
  struct objfile *c = t->libc;
  uint64_t b = t->libc_bias;
  static const char *const malloc_group[] = {
    "malloc", "free", "calloc", "realloc", "memalign", "aligned_alloc",
    "posix_memalign", "valloc", "pvalloc", "malloc_usable_size",
    "malloc_trim", "mallopt", "mallinfo", "mallinfo2", "malloc_stats",
    "malloc_info", "__libc_malloc", "__libc_free", "__libc_calloc",
    "__libc_realloc", "__libc_memalign", "__libc_valloc", "__libc_pvalloc",
    "__libc_mallopt", "__libc_mallinfo", NULL
  };
  uint64_t lo, hi, before, after;
  if (objfile_dynsym_span (c, malloc_group, &lo, &hi))
    {
      objfile_dynsym_neighbours (c, lo, hi, &before, &after);
      /* The function before the group may be long; its start is a
         safe lower bound for where malloc's statics begin.  */
      add_range (r, b + (before ? before : lo),
                 b + (after != UINT64_MAX ? after : hi));
    }
  static const char *const single[] = {
    "pthread_create", "fork", "_Fork", "dl_iterate_phdr", NULL
  };
  for (const char *const *n = single; *n; n++)
    {
      uint64_t size = 0, v = objfile_dynsym (c, *n, &size);
      if (v)
        add_range (r, b + v, b + v + (size ? size : 1));
    }
  objfile_text_span (c, &r->libc_lo, &r->libc_hi);
  r->libc_lo += b;
  r->libc_hi += b;
}

/* System calls a thread waits in without holding anything of libc's
   (the locks it may be waiting for are found on its stack).  */
static bool
waiting_syscall (long nr)
{
  static const long ok[] = {
    0, 1, 7, 17, 19, 23, 34, 35, 42, 43, 44, 45, 46, 47, 61, 70, 72, 73,
    128, 130, 202, 208, 220, 230, 232, 243, 247, 270, 271, 281, 288, 441
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (ok[i] == nr)
      return true;
  return false;
}

static uint64_t
stack_limit (pid_t pid)
{
  char path[64], buf[4096];
  snprintf (path, sizeof path, "/proc/%d/limits", (int) pid);
  if (procfs_read (path, buf, sizeof buf) < 0)
    return 8u << 20;
  const char *p = strstr (buf, "Max stack size");
  if (!p)
    return 8u << 20;
  p += strlen ("Max stack size");
  while (*p == ' ')
    p++;
  if (strncmp (p, "unlimited", 9) == 0)
    return UINT64_MAX;
  return strtoull (p, NULL, 10);
}

/* The frames of a stopped thread, unwound from CFI.  */
#define MAX_FRAMES 1024

struct unwound
{
  const struct ranges *r;
  size_t n;
  bool unsafe;           /* a frame is in an unsafe range.  */
  bool cut;              /* too many frames, or one unreadable inside.  */
};

static int
unwound_frame (Dwfl_Frame *f, void *arg)
{
  struct unwound *u = arg;
  Dwarf_Addr pc;
  bool activation;
  if (!dwfl_frame_pc (f, &pc, &activation))
    {
      u->cut = true;
      return DWARF_CB_ABORT;
    }
  if (!activation)
    pc--;
  if (in_ranges (u->r, pc))
    {
      u->unsafe = true;
      return DWARF_CB_ABORT;
    }
  if (++u->n == MAX_FRAMES)
    {
      u->cut = true;
      return DWARF_CB_ABORT;
    }
  return DWARF_CB_OK;
}

/* Whether the return addresses of stopped thread TID, unwound from the
   CFI of the objects (D), stay out of R: 1 yes, 0 no, -1 when the stack
   cannot be unwound to its end.  Unlike the scan of every stack word
   this sees no stale values, which a thread that sleeps between calls
   of malloc (a loop around fopen and nanosleep) always has.  */
static int
frames_safe (Dwfl *d, pid_t tid, const struct ranges *r)
{
  struct unwound u = { r, 0, false, false };
  int rc = dwfl_getthread_frames (d, tid, unwound_frame, &u);
  if (u.unsafe)
    return 0;
  /* rc is 0 once the outermost frame (glibc marks it in the CFI of
     _start and clone3) was reached; anything else leaves frames
     unseen.  */
  if (u.cut || rc != 0)
    return -1;
  return 1;
}

/* libdwfl for T's process, made at the first need (*D, NULL when it
   cannot be made: *TRIED says it was tried).  */
struct lazy_dwfl
{
  Dwfl *d;
  bool tried;
};

static Dwfl *
lazy_dwfl (struct target *t, struct lazy_dwfl *ld)
{
  if (!ld->tried)
    {
      struct outcome ignore;
      ld->tried = true;
      ld->d = migrate_dwfl (t->pid, &ignore);
    }
  return ld->d;
}

/* Whether the stopped thread T may run dlopen.  *WHY says why not.
   Every word of its stack is looked at first, which is quick; when one
   points into an unsafe range, it may be a stale value, so the stack is
   unwound from CFI (LD) and the live frames alone decide, where that
   works.  */
static bool
safe_point (struct target *t, struct lazy_dwfl *ld, struct pt_thread *th,
            const struct ranges *r, const char **why)
{
  struct pt_where w;
  if (pt_where (th, &w) < 0)
    {
      *why = "cannot read its registers";
      return false;
    }
  if (in_ranges (r, w.rip))
    {
      *why = "it is inside malloc, the loader or thread creation";
      return false;
    }
  if (w.rip >= r->libc_lo && w.rip < r->libc_hi
      && !(w.syscall >= 0 && waiting_syscall (w.syscall)))
    {
      *why = "it is running libc code";
      return false;
    }
  const struct proc_map *m = procfs_map_at (&t->maps, w.rsp);
  if (!m || !m->w)
    {
      *why = "its stack is not in a writable mapping";
      return false;
    }
  uint64_t room = w.rsp - m->start;
  if (strcmp (m->path, "[stack]") == 0)
    {
      uint64_t lim = stack_limit (t->pid);
      uint64_t used = m->end - w.rsp;
      room = lim > used ? lim - used : 0;
    }
  if (room < STACK_ROOM)
    {
      *why = "too little room on its stack";
      return false;
    }
  uint64_t end = m->end - w.rsp > STACK_SCAN ? w.rsp + STACK_SCAN : m->end;
  size_t len = (end - (w.rsp & ~(uint64_t) 7)) / 8;
  uint64_t *words = malloc (len * 8 + 8);
  if (!words)
    {
      *why = "out of memory";
      return false;
    }
  bool ok = true;
  if (target_read (t, w.rsp & ~(uint64_t) 7, words, len * 8) < 0)
    {
      *why = "cannot read its stack";
      ok = false;
    }
  bool words_hit = false;
  for (size_t i = 0; ok && i < len; i++)
    if (in_ranges (r, words[i]))
      {
        *why = "a frame of malloc, the loader or thread creation is on "
               "its stack";
        ok = false;
        words_hit = true;
      }
  free (words);
  if (!ok && words_hit)
    {
      Dwfl *d = lazy_dwfl (t, ld);
      if (d && frames_safe (d, th->tid, r) == 1)
        return true;
    }
  return ok;
}

/* After the dlopen: wait until the runtime's mailbox is published (its
   constructor ran).  */
static int
wait_runtime (struct target *t, uint64_t deadline, struct outcome *oc)
{
  for (;;)
    {
      if (target_refresh (t, oc) < 0)
        return -1;
      target_find_runtime (t, oc);
      struct ulp_control hdr;
      if (t->has_runtime && mailbox_published (t, &hdr, oc) == 0)
        return 0;
      if (pt_now_ns () >= deadline)
        {
          if (!t->has_runtime)
            return outcome_fail (oc, ULP_EXIT_FAIL, "dlopen of the runtime "
                                 "failed in the process");
          return -1;
        }
      struct timespec ts = { 0, 200000 };
      nanosleep (&ts, NULL);
    }
}

/* -1 with *OC when T's process exited, or exec'ed: the address space
   T was opened on (its maps, its memory file) is gone, and nothing
   found in it applies to the new image.  0 while it runs on.  */
static int
exec_or_exit (struct target *t, struct outcome *oc)
{
  if (!target_alive (t))
    return outcome_fail (oc, ULP_EXIT_EXITED, "the process exited");
  unsigned char probe;
  if (target_read (t, t->restorer, &probe, 1) < 0
      && (errno == ESRCH || errno == EIO))
    return outcome_fail (oc, ULP_EXIT_EXITED, "the process exec'ed");
  return 0;
}

static void
choose_end (Dwfl *d)
{
  if (d)
    dwfl_end (d);
}

/* Stop one thread of T at a safe point (safe_point) into *TH, trying
   every thread in turn until DEADLINE_NS.  WHAT names the call in the
   message when none qualifies.  */
static int
choose_thread (struct target *t, const struct ranges *r, const char *what,
               uint64_t deadline_ns, struct pt_thread *th,
               struct loadrt_times *tm, struct outcome *oc)
{
  const char *why = "no thread";
  struct lazy_dwfl ld = { NULL, false };
  for (;;)
    {
      pid_t *tids;
      size_t n;
      int e = procfs_tasks (t->pid, &tids, &n);
      if (e)
        {
          choose_end (ld.d);
          return outcome_fail (oc, ULP_EXIT_EXITED, "the process exited");
        }
      /* The main thread first: it has the largest stack.  */
      for (size_t i = 0; i < n; i++)
        if (tids[i] == t->pid && i > 0)
          {
            tids[i] = tids[0];
            tids[0] = t->pid;
          }
      bool found = false;
      size_t stopped = 0;
      for (size_t i = 0; i < n && !found; i++)
        {
          memset (th, 0, sizeof *th);
          th->tid = tids[i];
          if (pt_seize (t->pid, th, oc) < 0)
            {
              if (th->gone)
                continue;
              free (tids);
              choose_end (ld.d);
              if (oc->status == ULP_EXIT_PERMISSION)
                return target_seize_denied (t, th->tid, oc);
              return -1;
            }
          tm->tries++;
          pt_interrupt (th);
          if (pt_wait_stop (t->pid, th, deadline_ns, oc) < 0)
            {
              pt_detach (th);
              free (tids);
              choose_end (ld.d);
              return -1;
            }
          if (!th->gone && !th->group_stop
              && safe_point (t, &ld, th, r, &why))
            found = true;
          else
            {
              stopped += th->group_stop;
              pt_detach (th);
            }
        }
      free (tids);
      if (!found && n > 0 && stopped == n)
        {
          /* No thread can run a call until the process is continued:
             say so now rather than at the timeout.  */
          choose_end (ld.d);
          return outcome_fail (oc, ULP_EXIT_FAIL, "the process is stopped "
                               "(SIGSTOP or similar): cannot %s until it is "
                               "continued", what);
        }
      if (found)
        {
          choose_end (ld.d);
          return 0;
        }
      int gone = exec_or_exit (t, oc);
      if (gone < 0 || pt_now_ns () >= deadline_ns)
        {
          choose_end (ld.d);
          if (gone < 0)
            return -1;
          return outcome_fail (oc, ULP_EXIT_TIMEOUT, "no thread reached a "
                               "point where it can %s safely (last seen: "
                               "%s)", what, why);
        }
      struct timespec ts = { 0, 2000000 };
      nanosleep (&ts, NULL);
    }
}

/* Make one thread of T, chosen at a safe point, call FN (ARG0, ARG1),
   with DATA (DATA_LEN bytes, or none) copied to its stack and passed
   as the first argument instead of ARG0.  */
static int
call_at_safe_point (struct target *t, const char *what, uint64_t fn,
                    uint64_t arg1, const char *data, uint64_t deadline_ns,
                    void (*test_hook) (const char *), struct loadrt_times *tm,
                    struct outcome *oc)
{
  if (target_find_ldso (t, oc) < 0 || target_find_libc (t, oc) < 0)
    return -1;
  struct ranges r;
  unsafe_ranges (t, &r);

  uint64_t t0 = pt_now_ns ();
  struct pt_thread th;
  if (choose_thread (t, &r, what, deadline_ns, &th, tm, oc) < 0)
    return -1;
  uint64_t t1 = pt_now_ns ();
  tm->choose = t1 - t0;
  tm->thread = th.tid;
  if (test_hook)
    test_hook ("chosen");

  struct pt_call c;
  memset (&c, 0, sizeof c);
  c.fn = fn;
  c.args[1] = arg1;
  if (data)
    {
      c.data = data;
      c.data_len = strlen (data) + 1;
      c.data_arg = 0;
    }
  c.restorer = t->restorer;
  c.mem_fd = t->mem_fd;
  /* Bit N-1 is signal N; SIGSETXID is glibc's second real-time signal
     (SIGRTMIN - 1 as applications see it).  */
  c.call_mask = ~(uint64_t) 0 & ~(1ull << (33 - 1));
  c.deadline_ns = deadline_ns;
  c.abandon_on_timeout = false;
  c.test_hook = test_hook;
  uint64_t t2 = pt_now_ns ();
  int called = pt_call (t->pid, &th, &c, oc);
  tm->call = pt_now_ns () - t2;
  pt_detach (&th);
  tm->pause = pt_now_ns () - t1;
  return called;
}

int
loadrt_load (struct target *t, const char *runtime, uint64_t deadline_ns,
             void (*test_hook) (const char *), struct loadrt_times *tm,
             struct outcome *oc)
{
  memset (tm, 0, sizeof *tm);
  if (runtime[0] != '/')
    return outcome_fail (oc, ULP_EXIT_USAGE, "the runtime must be given as "
                         "an absolute file name");
  /* The process opens the file in its own mount namespace.  */
  char there[4200];
  struct stat here_st, there_st;
  snprintf (there, sizeof there, "/proc/%d/root%s", (int) t->pid, runtime);
  if (stat (runtime, &here_st) < 0)
    return outcome_fail (oc, ULP_EXIT_FAIL, "%s: %s", runtime,
                         strerror (errno));
  if (stat (there, &there_st) < 0 || there_st.st_ino != here_st.st_ino
      || there_st.st_dev != here_st.st_dev)
    return outcome_fail (oc, ULP_EXIT_FAIL, "%s is not the same file in the "
                         "process's mount namespace", runtime);
  if (target_find_dlopen (t, oc) < 0
      || call_at_safe_point (t, "load the runtime", t->dlopen,
                             RTLD_NOW | RTLD_NODELETE, runtime, deadline_ns,
                             test_hook, tm, oc) < 0)
    return -1;
  return wait_runtime (t, deadline_ns, oc);
}

int
loadrt_start_worker (struct target *t, uint64_t deadline_ns,
                     void (*test_hook) (const char *),
                     struct loadrt_times *tm, struct outcome *oc)
{
  memset (tm, 0, sizeof *tm);
  if (!t->start)
    return outcome_fail (oc, ULP_EXIT_NO_RUNTIME, "the ulp runtime is loaded "
                         "but its worker thread is not running");
  if (call_at_safe_point (t, "start the runtime's worker", t->start, 0,
                          NULL, deadline_ns, test_hook, tm, oc) < 0)
    return -1;
  /* ulp_control_start waits for the new worker to publish its id, but
     not forever: a process stopped meanwhile (SIGSTOP) holds the worker
     before it does.  Wait for it, and say when the process is stopped.  */
  struct ulp_control hdr;
  for (;;)
    {
      if (mailbox_published (t, &hdr, oc) < 0)
        return -1;
      if (hdr.worker_tid != 0)
        return mailbox_check (t, &hdr, oc);
      struct proc_status st;
      if (procfs_status (t->pid, 0, &st) == 0 && st.state == 'T')
        return outcome_fail (oc, ULP_EXIT_FAIL, "the process is stopped "
                             "(SIGSTOP or similar): continue it first");
      if (pt_now_ns () >= deadline_ns)
        return mailbox_check (t, &hdr, oc);
      struct timespec ts = { 0, 1000000 };
      nanosleep (&ts, NULL);
    }
}
