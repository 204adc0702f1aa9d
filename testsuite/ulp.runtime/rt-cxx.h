// rt-cxx.h -- interface of rt-cxx-lib.C.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef RT_CXX_H
#define RT_CXX_H

int rtx_check (int x);
int rtx_call (int (*cb) (int), int x);
int rtx_version ();

#endif
