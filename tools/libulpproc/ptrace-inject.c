/* ptrace-inject.c -- stop threads of another process and make one of
   them call a function, with ptrace.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See ptrace-inject.h for what this module promises.  How:

   Stopping.  PTRACE_SEIZE does not stop a thread; PTRACE_INTERRUPT
   makes it stop in the kernel's signal code (get_signal), where the
   kernel also decides whether an interrupted system call restarts.
   A thread blocked in a system call shows orig_rax = the call and rax =
   -ERESTARTSYS (and relatives): on resume the kernel rewinds rip by
   two bytes and runs the call again.  A few calls (epoll_wait,
   epoll_pwait, semop, sigtimedwait ...) do not ask for a restart but
   fail with -EINTR as soon as the thread has to stop, and so would tell
   the application a lie after a mere ptrace stop.  For those the stop
   is turned into what the kernel does for a real signal without a
   handler: rax becomes -ERESTARTNOHAND, so the call restarts, unless a
   signal with a handler is delivered on the way out, which then gets
   its -EINTR as it would have anyway.  Only stops we caused are
   treated so: after a SIGSTOP the -EINTR is the application's due.

   The call.  With the thread stopped we save its general registers
   (R), its extended state (X, NT_X86_XSTATE) and its signal mask (M).
   Below the red zone of its stack we write an rt_sigreturn frame
   holding R, X and M, with the return address pointing at the
   process's own `mov $15,%rax; syscall' (glibc's __restore_rt).  The
   thread then starts at the function with orig_rax = -1 (so the kernel
   does not restart the old system call into the function) and every
   signal blocked; we follow it with PTRACE_SYSCALL.  When the function
   returns it enters rt_sigreturn; we see that entry, and instead of
   letting it run we put back M, X and R with the system call skipped,
   interrupt the thread so that it stops once more inside get_signal,
   and there set R exactly as it was, restart codes included.  From
   that stop the kernel restarts the original system call the normal
   way, with its restart block (the rest of a nanosleep) intact, which
   rt_sigreturn would have reset.

   Dying.  If ulp-apply dies while the thread runs the call, the kernel
   detaches it; the call finishes and its return runs rt_sigreturn on
   our frame, which restores R, X and M.  For that case the frame
   emulates the restart itself (rip - 2, rax = the call's number): the
   system call runs again from the start, the one difference from a
   ptrace-less world (a relative timeout starts over).  Each step of the
   ending is ordered so that dying between two steps leaves the thread
   in a state that finishes correctly on its own (see call_finish).
   No trap is ever planted, so nothing can kill the process with
   SIGTRAP.

   Signals.  A signal-delivery stop met while waiting for a thread to
   stop is passed on at once (PTRACE_CONT with the signal): the kernel
   delivers it exactly as it would have, with its siginfo, and the
   thread stops right after for our interrupt.  While the call runs
   every blockable signal is blocked, so what arrives stays pending and
   is delivered after M is back.  Stop signals are passed on (the
   process stops as asked; we finish the call meanwhile, and the kernel
   puts the thread back into the group stop when we detach).  A fault
   in the called code (SIGSEGV and the like, sent by the kernel) is the
   call's, not the application's: the thread is taken back to R, X, M
   and the error reported.  */

#include <config.h>

#include "ptrace-inject.h"

#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <fcntl.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"

#define K_ERESTARTSYS 512
#define K_ERESTARTNOINTR 513
#define K_ERESTARTNOHAND 514
#define K_ERESTART_RESTARTBLOCK 516
#define NR_RT_SIGRETURN 15
#define NR_RESTART_SYSCALL 219
#define NR32_RESTART_SYSCALL 0
#define RED_ZONE 128

/* The kernel's x86-64 signal frame (arch/x86/include/asm/sigframe.h,
   uapi asm/sigcontext.h, asm-generic/ucontext.h).  glibc's ucontext_t
   has the same prefix but a 128-byte sigset; the kernel reads 8.  */
struct k_sigcontext
{
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
  uint16_t cs, gs, fs, ss;
  uint64_t err, trapno, oldmask, cr2;
  uint64_t fpstate;
  uint64_t reserved1[8];
};

struct k_stack
{
  uint64_t ss_sp;
  int32_t ss_flags;
  int32_t pad;
  uint64_t ss_size;
};

struct k_ucontext
{
  uint64_t uc_flags;
  uint64_t uc_link;
  struct k_stack uc_stack;
  struct k_sigcontext uc_mcontext;
  uint64_t uc_sigmask;
};

struct k_rt_sigframe
{
  uint64_t pretcode;
  struct k_ucontext uc;
  unsigned char info[128];
};

_Static_assert (sizeof (struct k_sigcontext) == 256, "sigcontext");
_Static_assert (offsetof (struct k_ucontext, uc_mcontext) == 40, "uc");
_Static_assert (sizeof (struct k_ucontext) == 304, "ucontext");

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define XSAVE_SW_OFFSET 464
#define XSAVE_HDR_OFFSET 512
#define XSAVE_HDR_END 576
#define XFEATURE_XTILEDATA 18

/* An ss_flags value do_sigaltstack rejects: restore_altstack ignores
   the error, so the thread's alternate signal stack is left alone
   (we cannot read it from outside to put it back).  */
#define SS_FLAGS_KEEP 0x10000

unsigned pt_break;

uint64_t
pt_now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* Waiting.                                                            */
/* ------------------------------------------------------------------ */

/* Tracee events raise SIGCHLD in the tracer; with SIGCHLD blocked,
   sigtimedwait gives a wait with a deadline and no polling.  */
static void
block_sigchld (void)
{
  static bool done;
  if (done)
    return;
  sigset_t s;
  sigemptyset (&s);
  sigaddset (&s, SIGCHLD);
  sigprocmask (SIG_BLOCK, &s, NULL);
  done = true;
}

/* Wait for an event of TID.  1: *STATUS has it; 0: deadline; -1: TID
   is not (any more) our tracee.  */
static int
wait_event (pid_t tid, int *status, uint64_t deadline_ns)
{
  for (;;)
    {
      pid_t r = waitpid (tid, status, __WALL | WNOHANG);
      if (r == tid)
        return 1;
      if (r < 0 && errno != EINTR)
        return -1;
      uint64_t now = pt_now_ns ();
      if (now >= deadline_ns)
        return 0;
      uint64_t left = deadline_ns - now;
      if (left > 10000000)
        left = 10000000;
      struct timespec ts = { 0, (long) left };
      sigset_t s;
      sigemptyset (&s);
      sigaddset (&s, SIGCHLD);
      sigtimedwait (&s, NULL, &ts);
    }
}

/* ------------------------------------------------------------------ */
/* Attaching and stopping.                                             */
/* ------------------------------------------------------------------ */

int
pt_seize (pid_t pid, struct pt_thread *t, struct outcome *oc)
{
  block_sigchld ();
  if (ptrace (PTRACE_SEIZE, t->tid, 0, (void *) PTRACE_O_TRACESYSGOOD) < 0)
    {
      int e = errno;
      if (e == ESRCH)
        {
          t->gone = true;
          return outcome_fail (oc, ULP_EXIT_EXITED, "thread %d exited",
                               (int) t->tid);
        }
      return outcome_fail (oc, e == EPERM ? ULP_EXIT_PERMISSION
                                          : ULP_EXIT_FAIL,
                           "cannot attach to thread %d: %s", (int) t->tid,
                           strerror (e));
    }
  (void) pid;
  t->seized = true;
  return 0;
}

int
pt_interrupt (struct pt_thread *t)
{
  return ptrace (PTRACE_INTERRUPT, t->tid, 0, 0);
}

/* A stop we caused: turn an -EINTR the stop provoked into a restart.  */
static void
fix_eintr (struct pt_thread *t)
{
  struct user_regs_struct r;
  if (ptrace (PTRACE_GETREGS, t->tid, 0, &r) < 0)
    return;
  if ((int64_t) r.orig_rax >= 0 && (int64_t) r.rax == -EINTR
      && !(pt_break & PT_BREAK_EINTR))
    {
      r.rax = (uint64_t) -K_ERESTARTNOHAND;
      if (ptrace (PTRACE_SETREGS, t->tid, 0, &r) == 0)
        t->fixed_eintr = true;
    }
}

int
pt_wait_stop (pid_t pid, struct pt_thread *t, uint64_t deadline_ns,
              struct outcome *oc)
{
  (void) pid;
  for (;;)
    {
      int st;
      int r = wait_event (t->tid, &st, deadline_ns);
      if (r == 0)
        return outcome_fail (oc, ULP_EXIT_TIMEOUT,
                             "thread %d did not stop in time", (int) t->tid);
      if (r < 0 || WIFEXITED (st) || WIFSIGNALED (st))
        {
          t->gone = true;
          t->seized = false;
          return 0;
        }
      if (!WIFSTOPPED (st))
        continue;
      int sig = WSTOPSIG (st), event = st >> 16;
      if (event == PTRACE_EVENT_STOP)
        {
          t->stopped = true;
          t->group_stop = sig != SIGTRAP;
          if (!t->group_stop)
            fix_eintr (t);
          return 0;
        }
      if (sig == (SIGTRAP | 0x80) || event != 0)
        {
          /* Not ours to handle here; let it run to the interrupt.  */
          ptrace (PTRACE_CONT, t->tid, 0, 0);
          continue;
        }
      /* A signal on its way to the application: deliver it now.  The
         interrupt is still pending and stops the thread next.  */
      ptrace (PTRACE_CONT, t->tid, 0, (void *) (long) sig);
    }
}

/* Reap T if it died as our tracee: an exited traced thread stays a
   zombie until its tracer waits for it, and an exec in another thread
   waits for that (de_thread).  */
static void
reap (struct pt_thread *t)
{
  for (int i = 0; i < 100; i++)
    {
      int st;
      pid_t r = waitpid (t->tid, &st, __WALL | WNOHANG);
      if (r == t->tid && (WIFEXITED (st) || WIFSIGNALED (st)))
        break;
      if (r < 0)
        break;
      struct timespec ts = { 0, 1000000 };
      nanosleep (&ts, NULL);
    }
  t->gone = true;
  t->seized = t->stopped = false;
}

void
pt_detach (struct pt_thread *t)
{
  if (!t->seized || t->gone)
    return;
  if (!t->stopped)
    {
      /* PTRACE_DETACH needs a stopped tracee.  */
      if (pt_interrupt (t) == 0)
        {
          struct outcome oc;
          pt_wait_stop (0, t, pt_now_ns () + 2000000000u, &oc);
        }
    }
  if (!t->gone && ptrace (PTRACE_DETACH, t->tid, 0, 0) < 0 && errno == ESRCH)
    reap (t);
  t->seized = t->stopped = false;
}

static bool
known (const struct pt_thread *v, size_t n, pid_t tid)
{
  for (size_t i = 0; i < n; i++)
    if (v[i].tid == tid)
      return true;
  return false;
}

int
pt_stop_all (pid_t pid, struct pt_thread **threads, size_t *n,
             uint64_t deadline_ns, struct outcome *oc)
{
  struct pt_thread *v = NULL;
  size_t k = 0, cap = 0;
  for (int round = 0;; round++)
    {
      pid_t *tids;
      size_t ntids;
      int e = procfs_tasks (pid, &tids, &ntids);
      if (e)
        {
          pt_detach_all (v, k);
          free (v);
          return outcome_fail (oc, e == ESRCH ? ULP_EXIT_EXITED
                                              : ULP_EXIT_FAIL,
                               e == ESRCH ? "the process exited"
                                          : "cannot list threads: %s",
                               strerror (e));
        }
      size_t first_new = k;
      for (size_t i = 0; i < ntids; i++)
        {
          if (known (v, k, tids[i]))
            continue;
          if (k == cap)
            {
              cap = cap ? 2 * cap : 64;
              struct pt_thread *nv = realloc (v, cap * sizeof *nv);
              if (!nv)
                {
                  free (tids);
                  pt_detach_all (v, k);
                  free (v);
                  return outcome_fail (oc, ULP_EXIT_FAIL, "out of memory");
                }
              v = nv;
            }
          memset (&v[k], 0, sizeof v[k]);
          v[k].tid = tids[i];
          if (pt_seize (pid, &v[k], oc) < 0)
            {
              if (v[k].gone)
                continue;   /* It exited: nothing to stop.  */
              free (tids);
              pt_detach_all (v, k);
              free (v);
              return -1;
            }
          k++;
        }
      free (tids);
      if (k == first_new)
        break;
      /* Interrupt all the new ones first, then wait: they stop in
         parallel.  */
      for (size_t i = first_new; i < k; i++)
        if (pt_interrupt (&v[i]) < 0)
          v[i].gone = true;
      for (size_t i = first_new; i < k; i++)
        if (!v[i].gone && pt_wait_stop (pid, &v[i], deadline_ns, oc) < 0)
          {
            pt_detach_all (v, k);
            free (v);
            return -1;
          }
      /* A thread that was still running may have made a new one: list
         again until a listing shows no new thread.  */
    }
  *threads = v;
  *n = k;
  return 0;
}

void
pt_detach_all (struct pt_thread *threads, size_t n)
{
  for (size_t i = 0; i < n; i++)
    pt_detach (&threads[i]);
}

int
pt_where (struct pt_thread *t, struct pt_where *w)
{
  struct user_regs_struct r;
  if (ptrace (PTRACE_GETREGS, t->tid, 0, &r) < 0)
    return -1;
  w->rip = r.rip;
  w->rsp = r.rsp;
  w->syscall = (int64_t) r.orig_rax >= 0 ? (long) r.orig_rax : -1;
  w->rax = (int64_t) r.rax;
  return 0;
}

/* ------------------------------------------------------------------ */
/* The call.                                                           */
/* ------------------------------------------------------------------ */

/* Size of the XSAVE image holding the components XFEAT, from CPUID.  */
static uint32_t
xsave_size (uint64_t xfeat)
{
  uint32_t end = XSAVE_HDR_END;
  for (unsigned i = 2; i < 63; i++)
    if (xfeat & (1ull << i))
      {
        unsigned a, b, c, d;
        __cpuid_count (0xd, i, a, b, c, d);
        if (a && b + a > end)
          end = b + a;
      }
  return end;
}

/* The saved state of the thread that makes the call.  */
struct saved
{
  struct user_regs_struct regs;   /* R, with -EINTR made a restart.  */
  unsigned char *xstate;          /* X, as NT_X86_XSTATE gave it.  */
  size_t xstate_len;
  bool xstate_full;               /* X is XSAVE, not FXSAVE only.  */
  uint64_t mask;                  /* M.  */
};

static int
save_state (struct pt_thread *t, struct saved *s, struct outcome *oc)
{
  if (ptrace (PTRACE_GETREGS, t->tid, 0, &s->regs) < 0)
    return outcome_fail (oc, ULP_EXIT_FAIL, "cannot read the registers of "
                         "thread %d: %s", (int) t->tid, strerror (errno));
  if ((int64_t) s->regs.orig_rax >= 0 && (int64_t) s->regs.rax == -EINTR
      && !t->group_stop && !(pt_break & PT_BREAK_EINTR))
    {
      s->regs.rax = (uint64_t) -K_ERESTARTNOHAND;
      t->fixed_eintr = true;
    }
  s->xstate_len = 16384;
  s->xstate = calloc (1, s->xstate_len);
  if (!s->xstate)
    return outcome_fail (oc, ULP_EXIT_FAIL, "out of memory");
  struct iovec io = { s->xstate, s->xstate_len };
  if (ptrace (PTRACE_GETREGSET, t->tid, (void *) NT_X86_XSTATE, &io) == 0)
    {
      s->xstate_len = io.iov_len;
      s->xstate_full = true;
    }
  else
    {
      /* No XSAVE: the FXSAVE image is all there is.  */
      if (ptrace (PTRACE_GETFPREGS, t->tid, 0, s->xstate) < 0)
        return outcome_fail (oc, ULP_EXIT_FAIL, "cannot read the FPU state "
                             "of thread %d: %s", (int) t->tid,
                             strerror (errno));
      s->xstate_len = 512;
      s->xstate_full = false;
    }
  if (ptrace (PTRACE_GETSIGMASK, t->tid, (void *) sizeof s->mask, &s->mask)
      < 0)
    return outcome_fail (oc, ULP_EXIT_FAIL, "cannot read the signal mask of "
                         "thread %d: %s", (int) t->tid, strerror (errno));
  return 0;
}

static int
put_xstate (struct pt_thread *t, struct saved *s)
{
  if (s->xstate_full)
    {
      struct iovec io = { s->xstate, s->xstate_len };
      return ptrace (PTRACE_SETREGSET, t->tid, (void *) NT_X86_XSTATE, &io);
    }
  return ptrace (PTRACE_SETFPREGS, t->tid, 0, s->xstate);
}

/* Put the thread back to R, X, M (the call is dropped).  */
static int
restore_all (struct pt_thread *t, struct saved *s)
{
  int r = 0;
  r |= ptrace (PTRACE_SETSIGMASK, t->tid, (void *) sizeof s->mask, &s->mask);
  r |= put_xstate (t, s);
  r |= ptrace (PTRACE_SETREGS, t->tid, 0, &s->regs);
  return r;
}

/* How the thread resumes its interrupted system call without the
   kernel's help: rip back onto the `syscall' (or `int $0x80') and rax
   the call's number, or restart_syscall when RESTART_BLOCK_OK (the
   kernel's restart block is still intact).  INSN holds the two bytes
   before rip.  */
static void
emulate_restart (struct user_regs_struct *r, const unsigned char insn[2],
                 bool restart_block_ok)
{
  if ((int64_t) r->orig_rax < 0)
    return;
  bool sys64 = insn[0] == 0x0f && insn[1] == 0x05;
  bool sys32 = insn[0] == 0xcd && insn[1] == 0x80;
  if (!sys64 && !sys32)
    return;
  switch (-(int64_t) r->rax)
    {
    case K_ERESTARTSYS:
    case K_ERESTARTNOINTR:
    case K_ERESTARTNOHAND:
      r->rax = r->orig_rax;
      r->rip -= 2;
      break;
    case K_ERESTART_RESTARTBLOCK:
      r->rax = !restart_block_ok ? r->orig_rax
               : sys64 ? NR_RESTART_SYSCALL : NR32_RESTART_SYSCALL;
      r->rip -= 2;
      break;
    default:
      break;
    }
  r->orig_rax = (uint64_t) -1;
}

static int
mem_write (int fd, uint64_t addr, const void *buf, size_t len)
{
  return pwrite (fd, buf, len, (off_t) addr) == (ssize_t) len ? 0 : -1;
}

static int
mem_read (int fd, uint64_t addr, void *buf, size_t len)
{
  return pread (fd, buf, len, (off_t) addr) == (ssize_t) len ? 0 : -1;
}

/* Build the frame below the red zone.  Returns the address of its
   return-address slot (the stack pointer for the call), 0 on
   failure.  *DATA_ADDR gets where C->DATA went.  */
static uint64_t
write_frame (const struct saved *s, const struct pt_call *c,
             const unsigned char insn[2], uint64_t *data_addr)
{
  uint64_t top = s->regs.rsp - RED_ZONE;
  uint64_t data = (top - c->data_len) & ~(uint64_t) 15;
  uint64_t xsize = 512, magic_len = 0, xfeat = 0;
  if (s->xstate_full)
    {
      uint64_t xcr0, bv;
      memcpy (&xcr0, s->xstate + XSAVE_SW_OFFSET, 8);
      memcpy (&bv, s->xstate + XSAVE_HDR_OFFSET, 8);
      xfeat = xcr0;
      /* AMX tile data is in a thread's signal frames only once it asked
         for it; include it only when it is in use.  */
      if (!(bv & (1ull << XFEATURE_XTILEDATA)))
        xfeat &= ~(1ull << XFEATURE_XTILEDATA);
      xsize = xsave_size (xfeat);
      if (xsize > s->xstate_len)
        xsize = s->xstate_len;
      magic_len = 4;
    }
  uint64_t fp = (data - xsize - magic_len) & ~(uint64_t) 63;
  uint64_t slot = ((fp - sizeof (struct k_rt_sigframe) - 16)
                   & ~(uint64_t) 15) + 8;
  size_t len = top - slot;
  unsigned char *buf = calloc (1, len);
  if (!buf)
    return 0;

  struct k_rt_sigframe *f = (struct k_rt_sigframe *) buf;
  f->pretcode = c->restorer;
  f->uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
  f->uc.uc_stack.ss_flags = SS_FLAGS_KEEP;
  struct user_regs_struct r = s->regs;
  /* Without us, rt_sigreturn resets the restart block: restart the
     call itself.  */
  emulate_restart (&r, insn, false);
  struct k_sigcontext *sc = &f->uc.uc_mcontext;
  sc->r8 = r.r8;
  sc->r9 = r.r9;
  sc->r10 = r.r10;
  sc->r11 = r.r11;
  sc->r12 = r.r12;
  sc->r13 = r.r13;
  sc->r14 = r.r14;
  sc->r15 = r.r15;
  sc->rdi = r.rdi;
  sc->rsi = r.rsi;
  sc->rbp = r.rbp;
  sc->rbx = r.rbx;
  sc->rdx = r.rdx;
  sc->rax = r.rax;
  sc->rcx = r.rcx;
  sc->rsp = r.rsp;
  sc->rip = r.rip;
  sc->eflags = r.eflags;
  sc->cs = (uint16_t) r.cs;
  sc->ss = (uint16_t) r.ss;
  sc->fpstate = fp;
  f->uc.uc_sigmask = s->mask;

  unsigned char *x = buf + (fp - slot);
  memcpy (x, s->xstate, xsize);
  if (s->xstate_full)
    {
      uint32_t sw[12] = { 0 };
      sw[0] = FP_XSTATE_MAGIC1;
      sw[1] = (uint32_t) (xsize + magic_len);
      memcpy (&sw[2], &xfeat, 8);
      sw[4] = (uint32_t) xsize;
      memcpy (x + XSAVE_SW_OFFSET, sw, sizeof sw);
      uint32_t m2 = FP_XSTATE_MAGIC2;
      memcpy (x + xsize, &m2, 4);
    }
  else
    memset (x + XSAVE_SW_OFFSET, 0, 48);
  if (c->data_len)
    memcpy (buf + (data - slot), c->data, c->data_len);

  int w = mem_write (c->mem_fd, slot, buf, len);
  free (buf);
  if (w < 0)
    return 0;
  *data_addr = data;
  return slot;
}

static void
hook (const struct pt_call *c, const char *point)
{
  if (c->test_hook)
    c->test_hook (point);
}

/* The call returned into rt_sigreturn (syscall-entry stop).  Put the
   thread back.  Each step leaves a thread that finishes correctly if
   we die right after it: until the registers are set, rt_sigreturn
   would still run and restore everything; after, the system call is
   skipped and the thread resumes R with the restart emulated; after
   the last step the kernel restarts the call itself.  */
static int
call_finish (pid_t pid, struct pt_thread *t, struct saved *s,
             const unsigned char insn[2], const struct pt_call *c,
             struct outcome *oc)
{
  hook (c, "returned");
  if (ptrace (PTRACE_SETSIGMASK, t->tid, (void *) sizeof s->mask, &s->mask)
      < 0
      || (!(pt_break & PT_BREAK_XSTATE) && put_xstate (t, s) < 0))
    goto lost;
  struct user_regs_struct skip = s->regs;
  emulate_restart (&skip, insn, true);
  skip.orig_rax = (uint64_t) -1;
  if (ptrace (PTRACE_SETREGS, t->tid, 0, &skip) < 0)
    goto lost;
  hook (c, "skipped");
  /* Stop once more in get_signal, where a restart is decided.  */
  if (pt_interrupt (t) < 0 || ptrace (PTRACE_CONT, t->tid, 0, 0) < 0)
    goto lost;
  t->stopped = false;
  for (;;)
    {
      int st;
      int r = wait_event (t->tid, &st, pt_now_ns () + 2000000000u);
      if (r == 0)
        return outcome_fail (oc, ULP_EXIT_TIMEOUT, "thread %d did not stop "
                             "after the call", (int) t->tid);
      if (r < 0 || WIFEXITED (st) || WIFSIGNALED (st))
        goto lost;
      if (!WIFSTOPPED (st))
        continue;
      int sig = WSTOPSIG (st);
      if ((st >> 16) == PTRACE_EVENT_STOP)
        break;
      /* Not expected before the trap; pass it on.  */
      ptrace (PTRACE_CONT, t->tid, 0,
              (void *) (long) (sig == (SIGTRAP | 0x80) ? 0 : sig));
    }
  t->stopped = true;
  hook (c, "trapped");
  if (ptrace (PTRACE_SETREGS, t->tid, 0, &s->regs) < 0)
    goto lost;
  (void) pid;
  return 0;
lost:
  /* Killed meanwhile (an exec in another thread kills it): reap it, or
     the exec waits for it as long as we live.  */
  reap (t);
  return outcome_fail (oc, ULP_EXIT_EXITED, "thread %d exited during the "
                       "call", (int) t->tid);
}

/* Point the stopped thread T, whose state is S, at C->FN with the
   frame at SLOT (C->DATA at DATA_ADDR), and let it run, following its
   system calls.  On failure the thread is back to S.  */
static int
start_call (struct pt_thread *t, struct saved *s, const struct pt_call *c,
            uint64_t slot, uint64_t data_addr, struct outcome *oc)
{
  struct user_regs_struct r = s->regs;
  r.rip = c->fn;
  r.rsp = slot;
  r.rdi = c->args[0];
  r.rsi = c->args[1];
  r.rdx = c->args[2];
  r.rcx = c->args[3];
  r.r8 = c->args[4];
  r.r9 = c->args[5];
  if (c->data_arg >= 0 && c->data_arg < 6)
    {
      unsigned long long *a[6] = { &r.rdi, &r.rsi, &r.rdx,
                                   &r.rcx, &r.r8, &r.r9 };
      *a[c->data_arg] = data_addr;
    }
  /* Not back into the interrupted system call: into the function.
     Either of these alone stops the kernel's restart from rewinding
     rip by two bytes into the bytes before the function.  */
  if (!(pt_break & PT_BREAK_ORIG_RAX))
    {
      r.rax = 0;
      r.orig_rax = (uint64_t) -1;
    }
  /* The ABI wants DF clear at a call; no single-stepping.  */
  r.eflags &= ~(uint64_t) (0x400 | 0x100);
  if (ptrace (PTRACE_SETREGS, t->tid, 0, &r) < 0)
    return outcome_fail (oc, ULP_EXIT_FAIL, "cannot set the registers of "
                         "thread %d: %s", (int) t->tid, strerror (errno));
  /* The mask after the registers: dying in between leaves a call that
     runs with the thread's own mask and restores it, never a thread
     with signals blocked for good.  */
  uint64_t mask = c->call_mask | s->mask;
  if (ptrace (PTRACE_SETSIGMASK, t->tid, (void *) sizeof mask, &mask) < 0)
    {
      restore_all (t, s);
      return outcome_fail (oc, ULP_EXIT_FAIL, "cannot set the signal mask of "
                           "thread %d: %s", (int) t->tid, strerror (errno));
    }
  hook (c, "set");
  if (ptrace (PTRACE_SYSCALL, t->tid, 0, 0) < 0)
    {
      restore_all (t, s);
      return outcome_fail (oc, ULP_EXIT_FAIL, "cannot resume thread %d: %s",
                           (int) t->tid, strerror (errno));
    }
  t->stopped = false;
  hook (c, "running");
  return 0;
}

/* Whether the system-call-entry stop T is in is the called function's
   return into rt_sigreturn on our frame at SLOT (and not a system call
   the function makes, or one of a signal handler).  */
static bool
returned_p (struct pt_thread *t, const struct pt_call *c, uint64_t slot)
{
  /* Zeroed first: valgrind does not know that the kernel fills it, and
     would call every test of it undefined.  */
  struct __ptrace_syscall_info si;
  memset (&si, 0, sizeof si);
  return ptrace (PTRACE_GET_SYSCALL_INFO, t->tid, (void *) sizeof si, &si) > 0
         && si.op == PTRACE_SYSCALL_INFO_ENTRY
         && si.entry.nr == NR_RT_SIGRETURN
         && si.instruction_pointer == c->restorer + 9
         && si.stack_pointer == slot + 8;
}

/* The deadline of call C passed while thread T (state S) runs it.  */
static int
call_timed_out (pid_t pid, struct pt_thread *t, struct saved *s,
                const struct pt_call *c, struct outcome *oc)
{
  if (!c->abandon_on_timeout)
    /* Let it finish on its own: the frame restores it.  */
    return outcome_fail (oc, ULP_EXIT_TIMEOUT, "the call in thread %d did "
                         "not return in time; it finishes on its own",
                         (int) t->tid);
  if (pt_interrupt (t) == 0)
    {
      struct outcome o2;
      pt_wait_stop (pid, t, pt_now_ns () + 2000000000u, &o2);
      if (t->stopped)
        restore_all (t, s);
    }
  return outcome_fail (oc, ULP_EXIT_TIMEOUT, "the call in thread %d did not "
                       "return in time", (int) t->tid);
}

/* Thread T (state S) stopped for signal SIG during the call.  A fault
   of the called code fails the call (-1 with *OC, the thread taken back
   to S); any other signal is delivered (0).  */
static int
call_signal (struct pt_thread *t, struct saved *s, int sig,
             struct outcome *oc)
{
  siginfo_t si;
  memset (&si, 0, sizeof si);
  ptrace (PTRACE_GETSIGINFO, t->tid, 0, &si);
  if ((sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE
       || sig == SIGTRAP)
      && si.si_code > 0)
    {
      /* The called code faulted: not the application's signal.  */
      t->stopped = true;
      restore_all (t, s);
      return outcome_fail (oc, ULP_EXIT_FAIL, "the call in thread %d "
                           "faulted (%s at %#llx); the thread was put back "
                           "as it was", (int) t->tid, strsignal (sig),
                           (unsigned long long) (uintptr_t) si.si_addr);
    }
  /* A stop signal, or one the call left unblocked: deliver it.  */
  ptrace (PTRACE_SYSCALL, t->tid, 0, (void *) (long) sig);
  return 0;
}

/* Follow thread T running call C until the function returns into our
   frame at SLOT, then put the thread back (call_finish).  */
static int
follow_call (pid_t pid, struct pt_thread *t, struct saved *s,
             const unsigned char insn[2], const struct pt_call *c,
             uint64_t slot, struct outcome *oc)
{
  for (;;)
    {
      int st;
      int w = wait_event (t->tid, &st, c->deadline_ns);
      if (w == 0)
        return call_timed_out (pid, t, s, c, oc);
      if (w < 0 || WIFEXITED (st) || WIFSIGNALED (st))
        {
          if (w < 0)
            reap (t);
          t->gone = true;
          t->seized = false;
          return outcome_fail (oc, ULP_EXIT_EXITED, "thread %d exited "
                               "during the call", (int) t->tid);
        }
      if (!WIFSTOPPED (st))
        continue;
      int sig = WSTOPSIG (st), event = st >> 16;
      if (sig == (SIGTRAP | 0x80))
        {
          if (returned_p (t, c, slot))
            {
              t->stopped = true;
              return call_finish (pid, t, s, insn, c, oc);
            }
          ptrace (PTRACE_SYSCALL, t->tid, 0, 0);
          continue;
        }
      if (event != 0)
        {
          /* A group stop (PTRACE_EVENT_STOP; or a stray interrupt), or
             another event: the call goes on; the kernel stops the
             thread again when we detach if the process is still
             stopped.  */
          ptrace (PTRACE_SYSCALL, t->tid, 0, 0);
          continue;
        }
      if (call_signal (t, s, sig, oc) < 0)
        return -1;
    }
}

int
pt_call (pid_t pid, struct pt_thread *t, const struct pt_call *c,
         struct outcome *oc)
{
  struct saved s;
  memset (&s, 0, sizeof s);
  int ret = -1;
  if (save_state (t, &s, oc) < 0)
    goto out;

  unsigned char insn[2] = { 0, 0 };
  if ((int64_t) s.regs.orig_rax >= 0)
    mem_read (c->mem_fd, s.regs.rip - 2, insn, 2);

  uint64_t data_addr = 0;
  uint64_t slot = write_frame (&s, c, insn, &data_addr);
  if (!slot)
    {
      outcome_fail (oc, ULP_EXIT_FAIL, "cannot write to the stack of "
                    "thread %d", (int) t->tid);
      goto out;
    }
  hook (c, "frame");
  if (start_call (t, &s, c, slot, data_addr, oc) == 0)
    ret = follow_call (pid, t, &s, insn, c, slot, oc);
out:
  free (s.xstate);
  return ret;
}
