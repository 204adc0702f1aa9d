// det-templates.C -- C++ source for ulp.plugin/determinism.exp.
//
// Copyright (C) 2026 The ulp authors.
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Template instances (COMDAT functions with long mangled names),
// member functions, virtual functions and their thunks, lambdas and
// exceptions: many functions and strings, created and finished over a
// compilation in which the collector runs many times.  No standard
// headers: with collection at every opportunity a compiler's time
// grows with its heap, and the library headers would make it minutes.

namespace det
{
  template <typename T, int N>
  struct box
  {
    T values[N];
    T sum () const
    {
      T s = T ();
      for (int i = 0; i < N; i++)
        s += values[i];
      return s;
    }
    virtual ~box () {}
    virtual T first () const { return values[0]; }
  };

  template <typename T>
  T
  twice (T x)
  {
    return x + x;
  }

  struct not_found
  {
    const char *what;
  };

  template <typename K, typename V, int N>
  struct table
  {
    K keys[N];
    V vals[N];
    V lookup (K k) const
    {
      for (int i = 0; i < N; i++)
        if (keys[i] == k)
          return vals[i];
      throw not_found{ "det::table::lookup" };
    }
  };

  struct base
  {
    virtual ~base () {}
    virtual int value () const = 0;
  };

  struct other
  {
    virtual ~other () {}
    virtual int more () const { return 2; }
  };

  template <int N>
  struct derived : base, other
  {
    int value () const override { return N; }
    int more () const override { return N + 1; }
  };
}

#define DET_INST(n)                                                   \
  int det_use##n (int x)                                              \
  {                                                                   \
    det::box<int, n> b{};                                             \
    b.values[0] = x;                                                  \
    det::derived<n> d;                                                \
    det::other &o = d;                                                \
    det::table<long, int, n> t{};                                     \
    t.keys[0] = x;                                                    \
    t.vals[0] = n;                                                    \
    auto f = [x] (int y) { return det::twice (x + y); };             \
    try                                                               \
      {                                                               \
        return b.sum () + b.first () + d.value () + o.more ()         \
          + t.lookup (x + 1) + f (n)                                  \
          + static_cast<int> (det::twice<double> (n));                \
      }                                                               \
    catch (const det::not_found &e)                                   \
      {                                                               \
        return *e.what;                                               \
      }                                                               \
  }

DET_INST (1) DET_INST (2) DET_INST (3) DET_INST (4) DET_INST (5)
DET_INST (6)
