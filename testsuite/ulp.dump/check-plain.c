/* check-plain.c -- an exported function compiled without the plugin
   (check.exp): no ulp record, so no tracked entry.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

int cb_local (int);

int
cb_plain (int x)
{
  return cb_local (x) + 7;
}
