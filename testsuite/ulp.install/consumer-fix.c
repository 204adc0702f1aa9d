/* consumer.c -- the fixed consumer library of ulp.install.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   consumer.c with consumer_value returning 2: consumer.exp compiles it
   as orig/consumer.c was, into fixed/consumer.o, and makes the patch
   with the installed ulp-mkpatch.  */

static int calls;

int
consumer_value (void)
{
  calls++;
  return 2;
}

int
consumer_calls (void)
{
  return calls;
}
