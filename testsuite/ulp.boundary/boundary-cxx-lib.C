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

// A class passed and returned by invisible reference (it has a copy
// constructor and a destructor): the entry forwards the hidden pointers
// as they are.
#include "boundary-box.h"

int box_live;

extern "C++" Box
cxx_make_box (int v, void (*cb) (void *), void *arg)
{
  cb (arg);
  return Box (v * 2);
}

extern "C++" int
cxx_take_box (Box b, void (*cb) (void *), void *arg)
{
  cb (arg);
  return b.value + 1;
}

Left::~Left () {}
int Left::left (void (*cb) (void *), void *arg) { cb (arg); return l; }
Right::~Right () {}
int Right::right (void (*cb) (void *), void *arg) { cb (arg); return r; }

int both_live;

Both::Both () { both_live++; }
Both::~Both () { both_live--; }

int
Both::right (void (*cb) (void *), void *arg)
{
  cb (arg);
  return r + l + 40;
}

Right *
cxx_make_both ()
{
  return new Both;
}
