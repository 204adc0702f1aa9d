// boundary-cxx-lib.C -- a C++ library for boundary.exp: exceptions
// thrown through its boundary-tracked functions.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

#include <stdexcept>

extern "C" void
cxx_call (void (*cb) (void *), void *arg)
{
  cb (arg);
}

extern "C" void
cxx_throw (int depth)
{
  if (depth == 0)
    throw std::runtime_error ("thrown in the library");
  cxx_throw (depth - 1);
}
