/* --gc-sections: the unused function is removed together with its
   record; the used ones keep theirs.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdio.h>

#ifdef GC_SHARED
# define MAYBE_HIDDEN __attribute__ ((visibility ("hidden")))
#else
# define MAYBE_HIDDEN
#endif

__attribute__ ((noinline)) int
gc_used_leaf (int x)
{
  return x * 3 + 1;
}

__attribute__ ((noinline)) int
gc_used_caller (int x)
{
  return gc_used_leaf (x) + 2;
}

MAYBE_HIDDEN __attribute__ ((noinline)) int
gc_unused_function (int x)
{
  return x * x * x - 7;
}

MAYBE_HIDDEN int
gc_unused_too (int x)
{
  return gc_unused_function (x) + 1;
}

#ifndef GC_SHARED
int
main (int argc, char **argv)
{
  (void) argv;
  printf ("%d\n", gc_used_caller (argc));
  return 0;
}
#endif
