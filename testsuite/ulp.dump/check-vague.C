/* check-vague.C -- a C++ library that exports an inline member
   function and a template instance (no -fvisibility-inlines-hidden, at
   -O0 both are emitted out of line, weak and COMDAT), for check.exp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

struct cv_box
{
  int v;
  int get () const { return v; }
};

template <typename T>
T
cv_twice (T x)
{
  return x + x;
}

int
cv_api (int x)
{
  cv_box b = { x };
  return cv_twice (b.get ());
}
