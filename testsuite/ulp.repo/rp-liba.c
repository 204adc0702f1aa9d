/* rp-liba.c -- librpa.so, the first library the repository tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built twice, with RP_BUILD 1 and 2, so that the two builds have
   different build-ids (and answers 1 and 2).  rp_a is the exported
   boundary; answer_a, which the patches replace, is reached from
   inside the library.  */

#ifndef RP_BUILD
#define RP_BUILD 1
#endif

__attribute__ ((noinline)) static int
answer_a (void)
{
  return RP_BUILD;
}

int
rp_a (void)
{
  return answer_a ();
}
