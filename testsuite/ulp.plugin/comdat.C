// C++ inline, template and class member functions, emitted in COMDAT
// groups, get patchable entries like any other function; so do the
// constructor and destructor variants (and their aliases), the static
// initialisation function and lambdas.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

// { dg-do assemble }
// { dg-final { ulp-entries } }
// { dg-final { ulp-records } }
// { dg-final { ulp-sections } }
// { dg-final { scan-assembler {\.(push)?section\s+\.ulp_meta,"[a-zA-Z]*G[a-zA-Z]*",@progbits,[^,]+,_Z5twiceIiET_S0_,comdat} {-O0} } }
// { dg-final { ulp-function {^_Z5twiceIiET_S0_$} {-O0} } }
// { dg-final { ulp-function {^_ZN7Counter4bumpEv$} {-O0} } }
// { dg-final { ulp-function {^_GLOBAL__sub_I_} } }

#include <algorithm>
#include <string>
#include <vector>

template <typename T>
T
twice (T x)
{
  return x + x;
}

inline int
inline_helper (int x)
{
  return x * 11;
}

struct Counter
{
  int n;
  Counter () : n (0) {}
  ~Counter () { n = -1; }
  int bump () { return ++n; }
  virtual int value () const { return n; }
};

static Counter global_counter;
static std::string greeting = "hello";

int
use_templates (int x)
{
  return twice (x) + int (twice (1.5)) + inline_helper (x)
         + global_counter.bump ();
}

int
sort_and_sum (std::vector<int> &v)
{
  std::sort (v.begin (), v.end (), [] (int a, int b) { return a > b; });
  int s = 0;
  std::for_each (v.begin (), v.end (), [&s] (int x) { s += x; });
  return s + int (greeting.size ());
}

int
make_counter ()
{
  Counter c;
  c.bump ();
  return c.value ();
}
