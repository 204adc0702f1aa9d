// Virtual and multiple inheritance: the this-adjusting thunks GCC
// emits for secondary bases, covariant-return thunks and the virtual
// functions themselves all get patchable entries.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later

// { dg-do assemble }
// { dg-final { ulp-entries } }
// { dg-final { ulp-records } }
// { dg-final { ulp-sections } }
// { dg-final { ulp-function {^_ZThn[0-9]+_N7Derived5speakEv$} } }
// { dg-final { ulp-function {^_ZTv0_n[0-9]+_N5Multi4nameEv$} } }
// { dg-final { ulp-function {^_ZTch[0-9a-z_]+N3Cat4selfEv$} } }

struct Base1
{
  virtual ~Base1 () {}
  virtual int id () const { return 1; }
};

struct Base2
{
  virtual ~Base2 () {}
  virtual int speak () { return 2; }
};

struct Derived : Base1, Base2
{
  int id () const override { return 3; }
  int speak () override { return 4; }
};

struct VBase
{
  virtual ~VBase () {}
  virtual const char *name () { return "vbase"; }
};

struct Left : virtual VBase
{
};

struct Right : virtual VBase
{
};

struct Multi : Left, Right
{
  const char *name () override { return "multi"; }
};

struct Animal
{
  virtual ~Animal () {}
  virtual Animal *self () { return this; }
};

struct Cat : Base2, Animal
{
  Cat *self () override { return this; }
};

int
talk (Base2 *b)
{
  return b->speak ();
}

Derived *
make_derived ()
{
  return new Derived;
}

Multi *
make_multi ()
{
  return new Multi;
}

Animal *
make_cat ()
{
  return new Cat;
}
