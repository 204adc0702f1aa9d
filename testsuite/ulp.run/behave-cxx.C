// The C++ program of the behaviour tests.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

#include <cstdio>
#include <stdexcept>

#include "behave-cxx.h"

namespace
{
struct MainInit
{
  MainInit () { bx_log ().push_back ("main static ctor"); }
};
MainInit main_init;
}

int
main ()
{
  try
    {
      std::printf ("div %d\n", bx_checked_div (10, 3));
      std::printf ("div %d\n", bx_checked_div (1, 0));
    }
  catch (const std::domain_error &e)
    {
      std::printf ("caught domain_error: %s\n", e.what ());
    }

  // An exception thrown by the callback unwinds through the library.
  try
    {
      bx_call_through ([] (int x) -> int {
        if (x > 2)
          throw std::out_of_range ("callback");
        return x;
      }, 5);
    }
  catch (const std::out_of_range &e)
    {
      std::printf ("caught out_of_range through the library: %s\n",
                   e.what ());
    }
  std::printf ("through %d\n", bx_call_through ([] (int x) { return x * 10; },
                                                4));

  try
    {
      bx_nested (5);
    }
  catch (const BxError &e)
    {
      std::printf ("caught BxError %d\n", e.code);
    }

  Square s (3);
  Rect r (4, 5);
  std::printf ("area %d\n", bx_total_area ({ &s, &r, &s }));

  for (const std::string &line : bx_log ())
    std::printf ("log: %s\n", line.c_str ());
  return 0;
}
