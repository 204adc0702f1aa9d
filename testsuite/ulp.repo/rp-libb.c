/* rp-libb.c -- librpb.so, the second library the repository tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built twice, with RP_BUILD 1 and 2, so that the two builds have
   different build-ids (and answers 51 and 52).  rp_b is the exported
   boundary; answer_b, which the patches replace, is reached from
   inside the library.  */

#ifndef RP_BUILD
#define RP_BUILD 1
#endif

__attribute__ ((noinline)) static int
answer_b (void)
{
  return 50 + RP_BUILD;
}

int
rp_b (void)
{
  return answer_b ();
}
