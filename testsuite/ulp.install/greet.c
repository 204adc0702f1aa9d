/* greet.c -- the library the build-system recipes of ulp.install build.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   consumer.exp builds this file with each of the recipes of the
   manual's "Build systems" section (autotools/, cmake/, meson/,
   make/), each finding ulp through pkg-config alone, and checks that
   the library is live-patchable.  */

#include <stdio.h>

static int count;

void
greet (const char *name)
{
  printf ("Hello, %s! (%d)\n", name, ++count);
}
