/* rt-exp-plain.c -- an exported function compiled without the plugin:
   a thread entering the library through it is not tracked.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int exp_api (void);
int exp_plain (void);

int
exp_plain (void)
{
  return exp_api () + 100;
}
