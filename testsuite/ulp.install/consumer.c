/* consumer.c -- a library made live-patchable with an installed ulp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp.install/consumer.exp compiles this file with nothing but what
   pkg-config says about the installed ulp (-specs=$(pkg-config
   --variable=specs ulp)), as a user's build would.  consumer_value is
   what the patch (consumer-fix.c) changes.  */

static int calls;

int
consumer_value (void)
{
  calls++;
  return 1;
}

int
consumer_calls (void)
{
  return calls;
}
