// Interface of the C++ behaviour test library.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef BEHAVE_CXX_H
#define BEHAVE_CXX_H

#include <functional>
#include <string>
#include <vector>

std::vector<std::string> &bx_log ();

struct Tracer
{
  std::string name;
  explicit Tracer (const char *);
  ~Tracer ();
};

struct BxError
{
  int code;
  explicit BxError (int c) : code (c) {}
};

int bx_checked_div (int, int);
int bx_call_through (const std::function<int (int)> &, int);
int bx_nested (int);

struct Shape
{
  virtual ~Shape ();
  virtual int area () const = 0;
};

struct Square : Shape
{
  int side;
  explicit Square (int s) : side (s) {}
  int area () const override;
};

struct Rect : Shape
{
  int w, h;
  Rect (int a, int b) : w (a), h (b) {}
  int area () const override;
};

int bx_total_area (const std::vector<const Shape *> &);

#endif
