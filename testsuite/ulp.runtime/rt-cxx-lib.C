// rt-cxx-lib.C -- a live-patchable C++ library for the exception tests.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later
//
// rtx_check throws std::runtime_error("old") for a negative argument;
// rtx_call calls back into the program, whose callback may throw
// through it; rtx_version tells which version of the (static) helper
// runs.  The patch rt-cxx-patch.C replaces all three.

#include <stdexcept>

#include "rt-cxx.h"

namespace
{
__attribute__ ((noinline)) int
helper ()
{
  return 1;
}
} // namespace

int
rtx_check (int x)
{
  if (x < 0)
    throw std::runtime_error ("old");
  return x + helper ();
}

int
rtx_call (int (*cb) (int), int x)
{
  int r = cb (x);
  return r + helper ();
}

int
rtx_version ()
{
  return helper ();
}
