// The C++ program of the link tests: uses the classes with thunks of
// ulp.plugin/thunks.C and the exceptions of ulp.plugin/eh.C, so that
// the linked program holds thunks, COMDAT functions, cold landing pads
// and libstdc++ template instances.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

#include <cstdio>
#include <vector>

struct Base2;
struct Derived;
struct Multi;
struct Animal;
int talk (Base2 *);
Derived *make_derived ();
Multi *make_multi ();
Animal *make_cat ();
int catcher (const std::vector<int> &);
int no_throw (int) noexcept;

int
main ()
{
  std::vector<int> v = { 3, -1, 4, -1, 5 };
  std::printf ("catcher %d\n", catcher (v));
  std::printf ("no_throw %d\n", no_throw (7));
  std::printf ("made %d\n", make_derived () != nullptr && make_multi () != nullptr
                               && make_cat () != nullptr);
  return 0;
}
