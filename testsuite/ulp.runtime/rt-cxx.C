// rt-cxx.C -- C++ exceptions through patched functions.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Argument: the patch rt-cxx-patch.C.  An exception thrown by a
// replacement, and one thrown by a callback through a replacement,
// reach the program's handler; the boundary code's cleanups run (the
// thread's depth is 0 again, so it is not seen as inside the library);
// and an exception thrown through the library while a patch lands does
// not leave the thread stuck in the old universe.

#include <stdexcept>
#include <string>

#include "rt-cxx.h"
#include "rt-test.h"

static int
throwing_callback (int x)
{
  throw x;
}

static long hook_id;
static const char *patch;

static int
apply_then_throw (int x)
{
  hook_id = rt_apply (patch, "exception after applying in a callback");
  throw x + 1;
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    return 2;
  patch = argv[1];
  std::string what;
  try
    {
      rtx_check (-1);
    }
  catch (const std::runtime_error &e)
    {
      what = e.what ();
    }
  rt_check (what == "old", "original throws", "%s", what.c_str ());

  long id = rt_apply (patch, "apply the C++ patch");
  rt_check (rtx_version () == 2 && rtx_check (5) == 7, "patched",
            "%d %d", rtx_version (), rtx_check (5));
  what.clear ();
  try
    {
      rtx_check (-1);
    }
  catch (const std::runtime_error &e)
    {
      what = e.what ();
    }
  rt_check (what == "new", "an exception thrown by a replacement",
            "%s", what.c_str ());
  int caught = 0;
  try
    {
      rtx_call (throwing_callback, 42);
    }
  catch (int v)
    {
      caught = v;
    }
  rt_check (caught == 42, "an exception through a replacement", "%d",
            caught);
  rt_check (rt_status_count ("\"depth\": 0") == 1
            && rt_status_count ("\"depth\": 1") == 0,
            "the cleanups ran: the thread is outside the library", "");
  rt_revert (id, "revert the C++ patch");
  rt_check (rtx_version () == 1, "reverted", "%d", rtx_version ());

  // Apply inside a callback, then throw out through the library: the
  // next call is outermost and gets the new code.
  caught = 0;
  try
    {
      rtx_call (apply_then_throw, 1);
    }
  catch (int v)
    {
      caught = v;
    }
  rt_check (caught == 2 && rtx_version () == 2,
            "after an exception out of the library the next call gets the "
            "new code", "%d %d", caught, rtx_version ());
  rt_revert (hook_id, "revert again");
  rt_check (ulp_patches (NULL, 0) == 0
            && rt_status_count ("\"state\": \"reverted\"") == 0,
            "everything unloaded", "");
  return 0;
}
