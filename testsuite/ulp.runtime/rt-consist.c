/* rt-consist.c -- each thread sees one universe per call into the library.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Arguments: patches 1, 2 and 3 of rt-lib.c.  Patch 1 turns f_impl and
   g_impl from 1 and 10 into 2 and 20, patch 2 into 3 and 30.  A pair
   f_impl * 100 + g_impl computed inside one call into the library must
   be 110, 220 or 330, never a mix, and must be the one of the universe
   the thread entered the library in:

   - a thread blocked inside the library while patch 1 lands finishes
     its call with old code (110) and gets the new code (220) when it
     enters again;
   - a thread that never leaves the library keeps its universe;
   - a callback into the program that applies a patch and calls back in
     stays in the caller's universe;
   - so does a signal handler, on the thread's stack or on an alternate
     stack above it;
   - after a longjmp out of the library the next entry is an outermost
     one and gets the new code;
   - a thread created inside the library starts in its creator's
     universe;
   - a forked child can patch and revert on its own;
   - threads blocked in three different universes each finish in their
     own, also after the patch of one of them was reverted, which stays
     loaded until that thread left and is then unloaded.  */

#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rt-lib.h"
#include "rt-test.h"

static const char *p1, *p2;

static void
nap (void)
{
  struct timespec ts = { 0, 2000000 };
  nanosleep (&ts, NULL);
}

static bool
wait_for_waiting (int n)
{
  for (int i = 0; i < 5000; i++)
    {
      if (rt_waiting () == n)
        {
          nap ();
          return true;
        }
      nap ();
    }
  return false;
}

static unsigned
pending_of (long id)
{
  struct ulp_patch_info info;
  if (!rt_patch_info (id, &info))
    return 999;
  return info.pending;
}

/* ------------------------------------------------------------------ */

static void *
blocked_thread (void *arg)
{
  int *r = arg;
  r[0] = rt_pair_after_wait ();
  r[1] = rt_pair ();
  return NULL;
}

static void
test_blocked (void)
{
  int r[2] = { 0, 0 };
  pthread_t th;
  pthread_create (&th, NULL, blocked_thread, r);
  rt_check (wait_for_waiting (1), "blocked: thread waits inside", "timeout");
  long id = rt_apply (p1, "blocked: apply p1");
  rt_check (rt_pair () == 220, "blocked: other threads get new code",
            "rt_pair %d", rt_pair ());
  unsigned pend = pending_of (id);
  rt_check (pend == 1, "blocked: the waiting thread is pending", "%u", pend);
  rt_release ();
  pthread_join (th, NULL);
  rt_check (r[0] == 110, "blocked: finishes its call with old+old",
            "pair %d", r[0]);
  rt_check (r[1] == 220, "blocked: new+new after it enters again",
            "pair %d", r[1]);
  pend = pending_of (id);
  rt_check (pend == 0, "blocked: nothing pending after", "%u", pend);
  rt_revert (id, "blocked: revert");
  rt_check (rt_pair () == 110, "blocked: reverted", "rt_pair %d", rt_pair ());
}

/* ------------------------------------------------------------------ */

static volatile int loop_stop, loop_last;
static volatile long loop_mixed, loop_rounds;

static void *
looping_thread (void *arg)
{
  int *r = arg;
  rt_loop_inside (&loop_stop, &loop_last, &loop_mixed, &loop_rounds);
  *r = rt_pair ();
  return NULL;
}

static void
test_never_leaves (void)
{
  int r = 0;
  pthread_t th;
  pthread_create (&th, NULL, looping_thread, &r);
  while (loop_rounds < 1000)
    nap ();
  long id = rt_apply (p1, "never leaves: apply p1");
  long before = loop_rounds;
  for (int i = 0; i < 5000 && loop_rounds < before + 100000; i++)
    nap ();
  rt_check (loop_rounds > before && loop_last == 110 && loop_mixed == 0,
            "never leaves: the looping thread keeps old+old",
            "last %d, mixed %ld, rounds %ld -> %ld", loop_last, loop_mixed,
            before, loop_rounds);
  rt_check (rt_pair () == 220, "never leaves: others get new code",
            "rt_pair %d", rt_pair ());
  unsigned pend = pending_of (id);
  rt_check (pend == 1, "never leaves: it is pending", "%u", pend);
  loop_stop = 1;
  pthread_join (th, NULL);
  rt_check (r == 220, "never leaves: new+new once it left", "pair %d", r);
  rt_revert (id, "never leaves: revert");
}

/* ------------------------------------------------------------------ */

static long hook_id;

static int
hook_apply_and_reenter (void)
{
  hook_id = rt_apply (p1, "callback: apply p1 inside");
  return rt_pair ();
}

static void
test_callback (void)
{
  int v = rt_pair_around (hook_apply_and_reenter);
  rt_check (v == 110 * 10000 + 110, "callback: the caller's universe is "
            "kept through a callback that calls back in", "got %d", v);
  rt_check (rt_pair () == 220, "callback: new code at the next entry",
            "rt_pair %d", rt_pair ());
  rt_revert (hook_id, "callback: revert");
}

/* ------------------------------------------------------------------ */

static sem_t sig_in, sig_go;
static volatile int sig_result;
static void *altstack;
static const size_t altstack_size = 256 * 1024;
static bool altstack_above;

static void
handler (int sig)
{
  (void) sig;
  sig_result = rt_pair ();
}

static int
hook_signal (void)
{
  sem_post (&sig_in);
  while (sem_wait (&sig_go) != 0)
    ;
  raise (SIGUSR1);
  return 0;
}

static void *
signal_thread (void *arg)
{
  bool alt = arg != NULL;
  if (alt)
    {
      stack_t ss = { .ss_sp = altstack, .ss_size = altstack_size };
      sigaltstack (&ss, NULL);
      int local;
      altstack_above = (uintptr_t) altstack > (uintptr_t) &local;
    }
  return (void *) (intptr_t) rt_pair_around (hook_signal);
}

static void
test_signal (bool alt)
{
  const char *name = alt ? "signal on an alternate stack" : "signal";
  char what[256];
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = alt ? SA_ONSTACK : 0;
  sigaction (SIGUSR1, &sa, NULL);
  sem_init (&sig_in, 0, 0);
  sem_init (&sig_go, 0, 0);
  sig_result = 0;
  pthread_t th;
  pthread_create (&th, NULL, signal_thread, alt ? (void *) 1 : NULL);
  while (sem_wait (&sig_in) != 0)
    ;
  long id = rt_apply (p1, name);
  sem_post (&sig_go);
  void *r;
  pthread_join (th, &r);
  snprintf (what, sizeof what, "%s: the handler stays in the interrupted "
            "call's universe", name);
  rt_check (sig_result == 110 && (intptr_t) r == 110, what,
            "handler %d, call %d", sig_result, (int) (intptr_t) r);
  if (alt)
    rt_check (altstack_above, "signal on an alternate stack: the stack "
              "lies above the thread's frames (the slow path's case)",
              "below");
  snprintf (what, sizeof what, "%s: new code afterwards", name);
  rt_check (rt_pair () == 220, what, "rt_pair %d", rt_pair ());
  rt_revert (id, name);
  signal (SIGUSR1, SIG_DFL);
}

/* ------------------------------------------------------------------ */

static jmp_buf jump_back;
static sem_t jump_ready, jump_go;

static int
hook_jump (void)
{
  longjmp (jump_back, 1);
}

__attribute__ ((noinline)) static void
enter_and_jump (void)
{
  rt_pair_around (hook_jump);
  __asm__ volatile ("");
}

static void *
jumping_thread (void *arg)
{
  (void) arg;
  if (!setjmp (jump_back))
    enter_and_jump ();
  sem_post (&jump_ready);
  while (sem_wait (&jump_go) != 0)
    ;
  return (void *) (intptr_t) rt_pair ();
}

static void
test_longjmp (void)
{
  sem_init (&jump_ready, 0, 0);
  sem_init (&jump_go, 0, 0);
  pthread_t th;
  pthread_create (&th, NULL, jumping_thread, NULL);
  while (sem_wait (&jump_ready) != 0)
    ;
  long id = rt_apply (p1, "longjmp: apply p1");
  sem_post (&jump_go);
  void *r;
  pthread_join (th, &r);
  rt_check ((intptr_t) r == 220, "longjmp out of a callback: the next entry "
            "is outermost and gets new code", "pair %d", (int) (intptr_t) r);
  rt_revert (id, "longjmp: revert");
}

/* ------------------------------------------------------------------ */

static long spawn_id;

static int
hook_spawn (void)
{
  spawn_id = rt_apply (p1, "thread created in the library: apply p1");
  return 0;
}

static void
test_spawn (void)
{
  int v = rt_spawn_pair (hook_spawn);
  rt_check (v == 110, "thread created in the library starts in its "
            "creator's universe", "pair %d", v);
  rt_check (rt_pair () == 220, "thread created in the library: new code "
            "afterwards", "rt_pair %d", rt_pair ());
  rt_revert (spawn_id, "thread created in the library: revert");
}

/* ------------------------------------------------------------------ */

static void
test_fork (void)
{
  long id = rt_apply (p1, "fork: apply p1");
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      int bad = 0;
      struct ulp_error e;
      if (rt_pair () != 220)
        bad |= 1;
      long id2 = ulp_apply (p2, 0, &e);
      if (id2 < 0 || rt_pair () != 330)
        bad |= 2;
      if (ulp_revert (id2, 0, &e) != 0 || rt_pair () != 220)
        bad |= 4;
      if (ulp_revert (id, 0, &e) != 0 || rt_pair () != 110)
        bad |= 8;
      _exit (bad);
    }
  int status = -1;
  waitpid (pid, &status, 0);
  rt_check (WIFEXITED (status) && WEXITSTATUS (status) == 0,
            "fork: the child sees the patch, applies and reverts its own",
            "status %#x", status);
  rt_check (rt_pair () == 220, "fork: the parent is unaffected",
            "rt_pair %d", rt_pair ());
  rt_revert (id, "fork: revert");
}

/* ------------------------------------------------------------------ */

static void
test_stacked (void)
{
  int ra[2] = { 0, 0 }, rb[2] = { 0, 0 }, rc[2] = { 0, 0 };
  pthread_t a, b, c;
  pthread_create (&a, NULL, blocked_thread, ra);
  rt_check (wait_for_waiting (1), "stacked: A waits in universe 1",
            "timeout");
  long id1 = rt_apply (p1, "stacked: apply p1");
  pthread_create (&b, NULL, blocked_thread, rb);
  rt_check (wait_for_waiting (2), "stacked: B waits in p1's universe",
            "timeout");
  long id2 = rt_apply (p2, "stacked: apply p2");
  pthread_create (&c, NULL, blocked_thread, rc);
  rt_check (wait_for_waiting (3), "stacked: C waits in p2's universe",
            "timeout");
  rt_check (pending_of (id1) == 1 && pending_of (id2) == 2,
            "stacked: pending threads per patch", "p1 %u, p2 %u",
            pending_of (id1), pending_of (id2));

  /* Revert the middle patch while C runs in its universe.  */
  rt_revert (id2, "stacked: revert p2");
  rt_check (rt_pair () == 220, "stacked: p1's code after reverting p2",
            "rt_pair %d", rt_pair ());
  rt_check (rt_status_count ("\"state\": \"reverted\"") == 1,
            "stacked: p2 stays loaded while C is in its universe",
            "%d reverted", rt_status_count ("\"state\": \"reverted\""));
  rt_release ();
  rt_release ();
  rt_release ();
  pthread_join (a, NULL);
  pthread_join (b, NULL);
  pthread_join (c, NULL);
  rt_check (ra[0] == 110 && rb[0] == 220 && rc[0] == 330,
            "stacked: each thread finished in its own universe",
            "A %d, B %d, C %d", ra[0], rb[0], rc[0]);
  rt_check (ra[1] == 220 && rb[1] == 220 && rc[1] == 220,
            "stacked: each thread then got p1's code",
            "A %d, B %d, C %d", ra[1], rb[1], rc[1]);
  rt_check (rt_status_count ("\"state\": \"reverted\"") == 0,
            "stacked: p2 unloaded once C left", "%d still reverted",
            rt_status_count ("\"state\": \"reverted\""));
  rt_revert (id1, "stacked: revert p1");
  rt_check (rt_pair () == 110, "stacked: original again", "rt_pair %d",
            rt_pair ());
}

int
main (int argc, char **argv)
{
  if (argc < 3)
    return 2;
  p1 = argv[1];
  p2 = argv[2];
  /* An alternate stack mapped before the signal test's thread exists,
     so that it lies above that thread's stack.  */
  altstack = mmap (NULL, altstack_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  test_blocked ();
  test_never_leaves ();
  test_callback ();
  test_signal (false);
  test_signal (true);
  test_longjmp ();
  test_spawn ();
  test_fork ();
  test_stacked ();
  rt_check (ulp_patches (NULL, 0) == 0
            && rt_status_count ("\"state\": \"unloaded\"") > 0
            && rt_status_count ("\"state\": \"reverted\"") == 0,
            "everything unloaded at the end", "%zu applied",
            ulp_patches (NULL, 0));
  return 0;
}
