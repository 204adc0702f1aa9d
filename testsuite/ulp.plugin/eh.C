// Exceptions: functions that throw, catch and clean up, with their
// landing pads moved to .cold parts at -O2, get patchable entries.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

// { dg-do assemble }
// { dg-final { ulp-entries } }
// { dg-final { ulp-records } }
// { dg-final { ulp-sections } }
// { dg-final { ulp-function {\.cold$} {-O2 -O3} } }

#include <stdexcept>
#include <string>
#include <vector>

struct Guard
{
  int *p;
  explicit Guard (int *q) : p (q) { ++*p; }
  ~Guard () { --*p; }
};

int depth;

int
may_throw (int x)
{
  Guard g (&depth);
  if (x < 0)
    throw std::invalid_argument ("negative: " + std::to_string (x));
  return x * 2;
}

int
catcher (const std::vector<int> &v)
{
  int s = 0;
  for (int x : v)
    {
      try
        {
          s += may_throw (x);
        }
      catch (const std::invalid_argument &e)
        {
          s -= int (std::string (e.what ()).size ());
        }
    }
  return s;
}

int
no_throw (int x) noexcept
{
  return x + depth;
}
