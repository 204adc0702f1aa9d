/* init.c -- the runtime's start-up and its lock.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The constructor only finds the live-patchable objects and installs
   the slow path into each: a process that is never patched behaves as
   without libulp (no thread, no signal handler, no malloc wrapper; the
   pthread_create wrapper passes calls straight on until a patch is
   applied).  Every API call takes one lock, which the slow path never
   takes.  fork handlers, registered at the first API call, keep the
   lock usable in a child forked while another thread held it.  The
   patches the configuration or the environment names for processes
   that start with the runtime are applied last (startup-patches.c).  */

#include <config.h>

#include <libelf.h>
#include <pthread.h>
#include <unistd.h>

#include "startup-patches.h"
#include "ulp-runtime.h"

int ulp_patching_started;

static pthread_mutex_t api_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;
static pid_t lock_pid;

static void
prepare (void)
{
  pthread_mutex_lock (&api_lock);
}

static void
parent (void)
{
  pthread_mutex_unlock (&api_lock);
}

static void
child (void)
{
  pthread_mutex_unlock (&api_lock);
}

static void
register_fork_handlers (void)
{
  pthread_atfork (prepare, parent, child);
}

/* The thread holding API_LOCK, or 0: the runtime can be re-entered on
   the same thread through a constructor that dlopen runs under the
   lock (ulp_object_loaded).  */
static int lock_owner;

bool
ulp_lock_held_by_self (void)
{
  return __atomic_load_n (&lock_owner, __ATOMIC_RELAXED) == ulp_gettid ();
}

void
ulp_lock (void)
{
  pthread_once (&fork_once, register_fork_handlers);
  pthread_mutex_lock (&api_lock);
  __atomic_store_n (&lock_owner, ulp_gettid (), __ATOMIC_RELAXED);
  ulp_code_session_begin ();
  elf_version (EV_CURRENT);
  ulp_objects_scan ();
  pid_t pid = getpid ();
  if (pid != lock_pid)
    {
      /* First call, or first in a forked child.  */
      for (struct ulp_obj *h = ulp_objects (); h; h = h->next)
        if (h->o && h->pid != pid)
          ulp_threads_after_fork (h);
      lock_pid = pid;
    }
}

void
ulp_unlock (void)
{
  ulp_code_session_end ();
  __atomic_store_n (&lock_owner, 0, __ATOMIC_RELAXED);
  pthread_mutex_unlock (&api_lock);
}

__attribute__ ((constructor)) static void
ulp_init (void)
{
  ulp_stub_init ();
  elf_version (EV_CURRENT);
  pthread_mutex_lock (&api_lock);
  ulp_objects_scan ();
  lock_pid = getpid ();
  pthread_mutex_unlock (&api_lock);
  /* Patches named for processes that start with the runtime.  */
  ulp_startup_patches ();
}
