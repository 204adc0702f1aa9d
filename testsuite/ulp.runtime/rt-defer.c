/* rt-defer.c -- a library left unarmed while its process has one
   thread, armed when the first other thread is created from inside it
   (defer.exp).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Argument: patch 1 of rt-lib.c.  The program starts single-threaded
   with the runtime linked: the library stays unarmed, since no thread
   can enter it unseen.  Its first thread is created by the library
   itself (rt_spawn_pair), while the main thread is inside; the runtime
   arms the library then, and the main thread, finding itself inside
   on its own stack, gives the new thread its universe.  A patch
   applied while both are inside changes neither's call: the new thread
   computes with the old code; after it, calls take the new code.
   Prints PASS and FAIL lines.  */

#include <pthread.h>
#include <unistd.h>

#include "rt-lib.h"
#include "rt-test.h"

static const char *p1;
static long id;

static int
hook (void)
{
  id = rt_apply (p1, "applied while the first thread runs inside");
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    return 2;
  p1 = argv[1];
  rt_check (rt_pair () == 110, "old code before any thread", "rt_pair %d",
            rt_pair ());
  rt_check (rt_status_count ("\"armed\": false") == 1
            && rt_status_count ("\"armed\": true") == 0,
            "one thread: the library is not armed", "%d armed",
            rt_status_count ("\"armed\": true"));
  int v = rt_spawn_pair (hook);
  rt_check (rt_status_count ("\"armed\": true") == 1,
            "the first thread created: the library is armed", "%d armed",
            rt_status_count ("\"armed\": true"));
  rt_check (v == 110, "the first thread, created inside the library, "
            "computes in its creator's universe", "pair %d", v);
  rt_check (rt_pair () == 220, "new code afterwards", "rt_pair %d",
            rt_pair ());
  rt_check (id > 0 && rt_revert (id, "revert"), "revert", "id %ld", id);
  rt_check (rt_pair () == 110, "old code after the revert", "rt_pair %d",
            rt_pair ());
  return 0;
}
