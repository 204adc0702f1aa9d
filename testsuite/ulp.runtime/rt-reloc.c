/* rt-reloc.c -- a patch with relocation entries (rt-preloc.c).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "rt-lib.h"
#include "rt-test.h"

int
main (int argc, char **argv)
{
  if (argc != 2)
    return 2;
  rt_f ();
  rt_f ();
  int calls = rt_calls ();
  long id = rt_apply (argv[1], "apply a patch with relocations");
  if (id < 0)
    return 0;
  int c = rt_calls ();
  rt_check (c == calls + 1000, "PC-relative load of a static variable "
            "(R_X86_64_PC32)", "%d, want %d", c, calls + 1000);
  int g = rt_g ();
  rt_check (g == 1001, "call of a static function (R_X86_64_PLT32)", "%d",
            g);
  int f = rt_f ();
  c = rt_calls ();
  rt_check (f == 3000 && c == calls + 1010,
            "pointer to a static variable (R_X86_64_64)", "%d %d", f, c);
  rt_revert (id, "revert");
  rt_check (rt_g () == 10 && rt_f () == 1, "reverted", "%d", rt_g ());
  return 0;
}
