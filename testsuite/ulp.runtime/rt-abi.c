/* rt-abi.c -- the calling convention survives a patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Argument: the patch rt-pabi.c.  With it applied: more than six integer
   arguments and doubles, structures passed and returned by value,
   varargs, function-pointer equality, backtrace () through a patched
   entry, pthread_cancel of a thread blocked in a patched function,
   pthread_exit inside one; and the patch still unloads once those
   threads are gone.  */

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "rt-lib.h"
#include "rt-test.h"

static int bt_seen;

/* Called by the patched rt_backtrace: is our caller's caller on the
   stack?  */
__attribute__ ((noinline)) static void *
collect (void)
{
  void *frames[32];
  int n = backtrace (frames, 32);
  bt_seen = 0;
  for (int i = 0; i < n; i++)
    {
      Dl_info info;
      if (dladdr (frames[i], &info) && info.dli_sname
          && strcmp (info.dli_sname, "bt_caller") == 0)
        bt_seen |= 1;
      if (dladdr (frames[i], &info) && info.dli_sname
          && strcmp (info.dli_sname, "main") == 0)
        bt_seen |= 2;
    }
  return (void *) 1;
}

__attribute__ ((noinline)) int
bt_caller (void)
{
  int r = rt_backtrace (collect);
  __asm__ volatile ("");
  return r;
}

static void *
cancel_thread (void *arg)
{
  (void) arg;
  return (void *) (intptr_t) rt_cancel_point ();
}

static void *
exit_thread (void *arg)
{
  rt_exit_thread ((int) (intptr_t) arg);
  return NULL;
}

static void
check_calls (const char *when, long many_base, double vsum_base,
             long struct_base)
{
  char what[256];
  long m = rt_many (1, 2, 3, 4, 5, 6, 7, 8, 1.5, 2.25);
  snprintf (what, sizeof what, "%s: more than six arguments", when);
  rt_check (m == many_base + 204 + 15 + 225, what, "%ld", m);

  struct rt_big big = { 10, 20, 30, 40 };
  struct rt_small small = { 5, 7.5f };
  struct rt_big r = rt_struct (big, small);
  snprintf (what, sizeof what, "%s: structures by value", when);
  rt_check (r.a == 15 + struct_base && r.b == 40 && r.c == 29 && r.d == 47,
            what, "%ld %ld %ld %ld", r.a, r.b, r.c, r.d);

  double v = rt_vsum (5, 1, 2.5, 3, 4.25, 5);
  snprintf (what, sizeof what, "%s: varargs", when);
  rt_check (v == vsum_base + 15.75, what, "%g", v);
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    return 2;
  void *f_addr = (void *) rt_f;
  check_calls ("original", 0, 0, 0);
  int f0 = rt_f ();
  int calls0 = rt_calls ();
  rt_check (f0 == 1 && calls0 == 1, "original rt_f", "%d %d", f0, calls0);

  long id = rt_apply (argv[1], "apply the ABI patch");
  if (id < 0)
    return 0;
  check_calls ("patched", 1000000, 1000, 1000);

  int (*fp) (void) = rt_address_of_f ();
  rt_check ((void *) fp == f_addr && (void *) rt_f == f_addr,
            "function pointers: &rt_f is the same in the program and the "
            "library", "%p %p", (void *) fp, f_addr);
  int calls = rt_calls ();
  int via_pointer = fp ();
  int direct = rt_f ();
  int calls_after = rt_calls ();
  rt_check (via_pointer == 7 && direct == 7 && calls_after == calls + 2,
            "function pointers: calls through them run the new version, "
            "which updates the library's variable", "%d %d %d -> %d",
            via_pointer, direct, calls, calls_after);

  int b = bt_caller ();
  rt_check (b == 2 && bt_seen == 3,
            "backtrace () from a replacement shows its callers", "%d %d", b,
            bt_seen);

  pthread_t th;
  pthread_create (&th, NULL, cancel_thread, NULL);
  struct timespec ts = { 0, 20000000 };
  nanosleep (&ts, NULL);
  pthread_cancel (th);
  void *r;
  pthread_join (th, &r);
  rt_check (r == PTHREAD_CANCELED, "pthread_cancel of a thread in a patched "
            "function", "%p", r);

  pthread_create (&th, NULL, exit_thread, (void *) 5);
  pthread_join (th, &r);
  rt_check ((intptr_t) r == 105, "pthread_exit inside a patched function",
            "%ld", (long) (intptr_t) r);

  rt_revert (id, "revert the ABI patch");
  check_calls ("reverted", 0, 0, 0);
  /* pthread_join returns once the thread's user-space exit is done; the
     kernel may list the thread for a moment more, and while it does,
     the runtime cannot tell it from a thread preempted inside the
     patch and keeps the patch.  Each status call looks again.  */
  int unloaded = 0;
  for (int i = 0; i < 5000 && unloaded != 1; i++)
    {
      unloaded = rt_status_count ("\"state\": \"unloaded\"");
      if (unloaded != 1)
        nanosleep (&(struct timespec) { 0, 1000000 }, NULL);
    }
  rt_check (unloaded == 1, "the patch unloads although threads died inside it",
            "%d unloaded", unloaded);
  return 0;
}
