/* mg-patch.c -- the live patch of libmg.so.1: helper returns 2, and
   holder reports 2 when it is released.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -fplugin-arg-ulp-patch; RT_BUILD_ID names the target's
   build (the .exp passes it).  */

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_PATCH_INFO ("mg", "helper returns 2");

int helper_v2 (void) __attribute__ ((ulp_replace ("helper")));
int holder_v2 (int fd, int quiesce) __attribute__ ((ulp_replace ("holder")));

extern int ulp_quiescent (void) __attribute__ ((weak));

int
helper_v2 (void)
{
  return 2;
}

/* The patch's own function, no version of anything: holder_v2 jumps
   to it (a sibling call), so that a thread blocked here has no frame of
   holder_v2 on its stack, only code that goes away with the patch.  */
__attribute__ ((noinline)) static int
hold_here (int fd, int quiesce)
{
  char c;
  if (quiesce)
    {
      printf ("quiescent %d\n", ulp_quiescent ? ulp_quiescent () : -2);
      fflush (stdout);
    }
  printf ("holding\n");
  fflush (stdout);
  while (read (fd, &c, 1) < 0 && errno == EINTR)
    ;
  return 2;
}

int
holder_v2 (int fd, int quiesce)
{
  return hold_here (fd, quiesce);
}
