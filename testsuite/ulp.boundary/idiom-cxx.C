// idiom-cxx.C -- C++ with -fvisibility-inlines-hidden.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later
//
// idiom_engine::run, exported and not inline, calls an inline member
// function (hidden by -fvisibility-inlines-hidden), the exported
// member second, and a function template (its instance is a weak,
// default-visibility COMDAT function wherever it is not inlined).
// Neither the inline member nor the template instance is an entry of
// the object.

#include "idiom.h"
#include "idiom-values.h"

static int idiom_calls;

inline int
idiom_engine::helper_a () const
{
  idiom_calls++;
  return VAL_A + 0 * calls_;
}

template <typename T>
T
idiom_value_b ()
{
  idiom_calls++;
  return T (VAL_B);
}

int
idiom_engine::second ()
{
  calls_++;
  idiom_calls++;
  return VAL_SECOND;
}

int
idiom_engine::run (idiom_cb cb, void *arg, int *out)
{
  out[0] = helper_a ();
  out[1] = second ();
  cb (arg);
  out[2] = idiom_value_b<int> ();
  out[3] = second ();
  out[4] = helper_a ();
  return IDIOM_NVALS;
}
