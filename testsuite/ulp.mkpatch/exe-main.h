/* exe-main.h -- the main function of the exe-before.c and exe-after.c
   programs of the ulp-mkpatch corpus.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -DEXE_SELF and linked with libulp.so, the program applies
   the patch named by its argument to itself with ulp_apply, then
   reverts it.  Otherwise the runtime is not linked, and the argument is
   the directory through which the program waits for ulp-apply
   --load-runtime to patch it from outside (mk-test.h), with a worker
   thread waiting inside a changed function meanwhile.  */

#ifndef EXE_MAIN_H
#define EXE_MAIN_H

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mk-test.h"

int exe_answer (void);
const char *exe_name (int);
int exe_get (void);
int exe_step (int);
int exe_wait_then_step (int);

#ifdef EXE_SELF
/* Apply, and return the patch's id.  */
static inline long
exe_apply (const char *path)
{
  struct ulp_error e;
  long id = ulp_apply (path, 0, &e);
  if (!mk_check (id > 0, "the patch applies", "ulp_apply (%s): %s", path,
                 e.message))
    exit (0);
  return id;
}

/* Revert patch ID: the old code runs again, on the same variable.  */
static inline void
exe_revert (long id)
{
  struct ulp_error e;
  if (mk_check (ulp_revert (id, 0, &e) == 0, "the patch reverts",
                "ulp_revert: %s", e.message))
    {
      MK_INT ("the old code runs again", exe_answer (), 1092);
      MK_STR ("and returns its own strings", exe_name (2), "two");
    }
}
#define EXE_START_WORKER() ((void) 0)
#define EXE_WAIT(arg) long id_ = exe_apply (arg)
#define EXE_DONE(arg) exe_revert (id_)
#else
/* The worker of the live mode: blocked inside exe_wait_then_step while
   the patch lands.  */
static int exe_pipe[2];
static int exe_worker_result;
static pthread_t exe_worker_thread;
static volatile pid_t exe_worker_tid;

static void *
exe_worker (void *arg)
{
  (void) arg;
  exe_worker_tid = (pid_t) syscall (SYS_gettid);
  exe_worker_result = exe_wait_then_step (exe_pipe[0]);
  return NULL;
}

/* Wait until the worker is blocked in its read (system call 0).  */
static inline bool
exe_worker_waiting (void)
{
  for (int i = 0; i < 12000; i++)
    {
      char path[64], buf[32] = "";
      snprintf (path, sizeof path, "/proc/self/task/%d/syscall",
                (int) exe_worker_tid);
      FILE *f = exe_worker_tid ? fopen (path, "r") : NULL;
      if (f)
        {
          bool in_read = fgets (buf, sizeof buf, f) && buf[0] == '0'
                         && buf[1] == ' ';
          fclose (f);
          if (in_read)
            return true;
        }
      struct timespec ts = { 0, 10 * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  return false;
}

/* The worker is inside exe_wait_then_step, in the program's code,
   before the patch lands: ulp-apply pins it to the old universe and,
   the old exe_wait_then_step being on its stack, cannot move it on.
   When it goes on, it calls exe_step: the old one, 1 (+1 for the 'x'),
   since one call never mixes old and new code; a new exe_step there
   would make 101.  The main thread, with no changed function on its
   stack, is moved on at once (the checks above).  */
static inline void
exe_live_done (const char *dir)
{
  if (write (exe_pipe[1], "x", 1) == 1)
    {
      pthread_join (exe_worker_thread, NULL);
      MK_INT ("a thread inside a changed function keeps the old code",
              exe_worker_result, 2);
    }
  MK_INT ("a call from the main thread afterwards is new", exe_step (0),
          100);
  mk_touch (dir, "done");
}
#define EXE_START_WORKER()                                                \
  do                                                                      \
    {                                                                     \
      if (pipe (exe_pipe) != 0                                            \
          || pthread_create (&exe_worker_thread, NULL, exe_worker,         \
                             NULL) != 0                                   \
          || !exe_worker_waiting ())                                      \
        return 2;                                                         \
    }                                                                     \
  while (0)
#define EXE_WAIT(arg) mk_live_wait (arg)
#define EXE_DONE(arg) exe_live_done (arg)
#endif

#define EXE_MAIN                                                          \
  int main (int argc, char **argv)                                        \
  {                                                                       \
    if (argc != 2)                                                        \
      return 2;                                                           \
    EXE_START_WORKER ();                                                  \
    MK_INT ("before the patch", exe_answer (), 41);                       \
    MK_STR ("a static table before the patch", exe_name (1), "one");     \
    EXE_WAIT (argv[1]);                                                   \
    /* 2 * 42 + 7, and 1000 when the patch's &exe_twice is the          \
       program's.  */                                                     \
    MK_INT ("the new code reaches the program's functions and data",      \
            exe_answer (), 1091);                                         \
    MK_INT ("unchanged code sees the same variable", exe_get (), 1091);   \
    MK_STR ("the new code calls the C library with its own string",       \
            exe_name (2), "name-two");                                    \
    EXE_DONE (argv[1]);                                                   \
    return 0;                                                             \
  }
#endif
