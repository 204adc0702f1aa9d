/* cxx.h -- ulp-mkpatch corpus: the C++ library's interface.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#ifndef CXX_H
#define CXX_H

#include <stdexcept>

struct cxx_shape
{
  virtual ~cxx_shape () {}
  virtual int area () const = 0;
};

struct cxx_square : cxx_shape
{
  int side;
  explicit cxx_square (int s) : side (s) {}
  int area () const override;   /* a virtual function */
};

class cxx_counter
{
  int n = 0;
public:
  int step ();                  /* a member function */
  int value () const { return n; }
};

cxx_shape *cxx_make_square (int side);
int cxx_area_of (const cxx_shape *s);
int cxx_step (cxx_counter *c);
int cxx_twice_int (int x);
/* Throws std::range_error for negative X: unwinding through new code.  */
int cxx_checked (int x);

#endif
