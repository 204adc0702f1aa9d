// First unit of the C++ library of the metadata tests.  Both units
// emit the same inline function and template instance; the linker keeps
// one COMDAT copy, and so one record.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

#include "meta.h"

int
meta_a (int x)
{
  return meta_shared_inline (x) + meta_tmax (x, 3) + meta_twice<int> (x);
}
