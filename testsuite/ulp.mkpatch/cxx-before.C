/* cxx-before.C -- ulp-mkpatch corpus: C++ (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "cxx.h"

/* A template instance (COMDAT, weak) called from the library.  */
template <typename T> __attribute__ ((noinline)) T
cxx_twice (T x)
{
  return x + x;
}

int
cxx_square::area () const
{
  return side * side;
}

int
cxx_counter::step ()
{
  return ++n;
}

cxx_shape *
cxx_make_square (int side)
{
  return new cxx_square (side);
}

int
cxx_area_of (const cxx_shape *s)
{
  return s->area ();
}

int
cxx_step (cxx_counter *c)
{
  return c->step ();
}

int
cxx_twice_int (int x)
{
  return cxx_twice<int> (x);
}

int
cxx_checked (int x)
{
  if (x < 0)
    throw std::range_error ("negative");
  return x;
}
