// boundary-box.h -- a class that C++ passes and returns by invisible
// reference, for boundary.exp.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

#ifndef BOUNDARY_BOX_H
#define BOUNDARY_BOX_H

extern int box_live;

/* Inline, so compiled into every user and tracked nowhere; having them
   at all makes the ABI pass Box by invisible reference.  */
struct Box
{
  int value;
  Box (int v) : value (v) { box_live++; }
  Box (const Box &o) : value (o.value) { box_live++; }
  ~Box () { box_live--; }
};

Box cxx_make_box (int v, void (*cb) (void *), void *arg);
int cxx_take_box (Box b, void (*cb) (void *), void *arg);

/* Multiple inheritance: a call of Both::right or of Both's destructor
   through a Right pointer goes through a this-adjusting thunk, an
   exported function of its own.  */
struct Left
{
  virtual ~Left ();
  virtual int left (void (*cb) (void *), void *arg);
  int l = 1;
};

struct Right
{
  virtual ~Right ();
  virtual int right (void (*cb) (void *), void *arg);
  int r = 2;
};

struct Both : Left, Right
{
  Both ();
  ~Both () override;
  int right (void (*cb) (void *), void *arg) override;
};

extern int both_live;
Right *cxx_make_both ();

#endif
