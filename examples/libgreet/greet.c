/* greet.c -- libgreet, the ulp example library.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Compiled with the ulp plugin (see examples/Makefile.am), so each
   function below gets a patchable entry and a metadata record.  The
   functions are chosen to show the kinds of record ulp-dump prints: an
   exported function, a static helper that GCC inlines (it appears in
   its caller's inline list), and a function excluded from patching
   with the ulp_exclude attribute.  */

#include <stdio.h>

#include "greet.h"

/* Number of greetings so far.  Kept in the library so that a patched
   greet must preserve it, as live patches have to preserve state.  */
static int calls;

/* Static, small and called once: GCC inlines it, which the record of
   greet_message lists.  */
static const char *
salutation (void)
{
  return "Hello";
}

const char *
greet_message (void)
{
  return salutation ();
}

void
greet (const char *name)
{
  calls++;
  printf ("%s, %s! (greeting #%d)\n", greet_message (), name, calls);
  fflush (stdout);
}

/* A trivial accessor nobody will ever need to patch: excluded, so it
   has no patchable entry (its record says ULP_F_EXCLUDED).  */
__attribute__ ((ulp_exclude)) int
greet_count (void)
{
  return calls;
}
