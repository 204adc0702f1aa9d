// Functions both units of the C++ metadata library emit, out of line,
// in COMDAT groups.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef META_H
#define META_H

__attribute__ ((noinline)) inline int
meta_shared_inline (int x)
{
  return x * 7 + 1;
}

template <typename T>
__attribute__ ((noinline)) T
meta_tmax (T a, T b)
{
  return a > b ? a : b;
}

template <typename T>
__attribute__ ((noinline)) T
meta_twice (T a)
{
  return a + a;
}

#endif
