// The C++ library of the behaviour tests: exceptions thrown through
// and from library functions, static constructors, virtual calls.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "behave-cxx.h"

std::vector<std::string> &
bx_log ()
{
  static std::vector<std::string> log;
  return log;
}

namespace
{
struct LibInit
{
  LibInit () { bx_log ().push_back ("lib static ctor"); }
};
LibInit lib_init;
}

Tracer::Tracer (const char *n) : name (n)
{
  bx_log ().push_back ("enter " + name);
}

Tracer::~Tracer ()
{
  bx_log ().push_back ("leave " + name);
}

int
bx_checked_div (int a, int b)
{
  Tracer t ("div");
  if (b == 0)
    throw std::domain_error ("division by zero");
  return a / b;
}

int
bx_call_through (const std::function<int (int)> &f, int x)
{
  Tracer t ("through");
  return f (x) + 1;
}

int
bx_nested (int depth)
{
  Tracer t ("nested");
  if (depth == 0)
    throw BxError (42);
  try
    {
      return bx_nested (depth - 1);
    }
  catch (const std::runtime_error &)
    {
      return -1;
    }
}

Shape::~Shape () {}

int
Square::area () const
{
  return side * side;
}

int
Rect::area () const
{
  return w * h;
}

int
bx_total_area (const std::vector<const Shape *> &shapes)
{
  int s = 0;
  for (const Shape *p : shapes)
    s += p->area ();
  return s;
}
