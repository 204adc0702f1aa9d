// Second unit of the C++ library of the metadata tests.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

#include "meta.h"

int
meta_b (int x)
{
  return meta_shared_inline (x + 1) * meta_tmax (x, 5) - meta_twice<int> (x);
}
