/* cxx-main.C -- ulp-mkpatch corpus: C++ member, virtual and template
   functions, and exceptions through new code.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"
#include "cxx.h"

static int
checked_throws (int x)
{
  try
    {
      cxx_checked (x);
    }
  catch (const std::range_error &e)
    {
      return strcmp (e.what (), "negative value") == 0 ? 2 : 1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  /* Objects made before the patch: their vtables are the target's.  */
  cxx_shape *sq = cxx_make_square (3);
  cxx_counter c;
  MK_INT ("cxx: virtual function before the patch", cxx_area_of (sq), 9);
  MK_INT ("cxx: member function before the patch", cxx_step (&c), 1);
  MK_INT ("cxx: template instance before the patch", cxx_twice_int (4), 8);
  MK_INT ("cxx: exception before the patch", checked_throws (-1), 1);
  mk_apply (argv[1]);
  MK_INT ("cxx: the virtual function is new for an old object",
          cxx_area_of (sq), 10);
  MK_INT ("cxx: and through the vtable from here", sq->area (), 10);
  MK_INT ("cxx: the member function is new and keeps the object's state",
          cxx_step (&c), 3);
  MK_INT ("cxx: the template instance is new", cxx_twice_int (4), 9);
  MK_INT ("cxx: an exception thrown by new code is caught",
          checked_throws (-1), 2);
  MK_INT ("cxx: the new code returns normally", cxx_checked (5), 10);
  delete sq;
  return 0;
}
