/* rt-exp-lib.c -- a library with an export the plugin never saw
   (exports.exp): rt-exp-plain.c, compiled without the plugin, defines
   exp_plain.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int exp_api (void);
int exp_second (void);

int
exp_api (void)
{
  return 1;
}

int
exp_second (void)
{
  return exp_api () + 10;
}
