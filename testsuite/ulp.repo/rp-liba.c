/* rp-liba.c -- librpa.so, the first library the repository tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built twice, with RP_BUILD 1 and 2, so that the two builds have
   different build-ids (and answers 1 and 2).  rp_a is the exported
   boundary; answer_a, which the patches replace, is reached from
   inside the library.  rp_a_pair calls answer_a and other_a (7) in one
   entry into the library: a patch that replaces both, upgraded to one
   that replaces only answer_a, must give each call both old or both
   new functions.  */

#ifndef RP_BUILD
#define RP_BUILD 1
#endif

__attribute__ ((noinline)) static int
answer_a (void)
{
  return RP_BUILD;
}

__attribute__ ((noinline)) static int
other_a (void)
{
  return 7;
}

int
rp_a (void)
{
  return answer_a ();
}

int
rp_a_pair (void)
{
  return answer_a () * 10000 + other_a ();
}
