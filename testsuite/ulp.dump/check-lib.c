/* check-lib.c -- a library for ulp-dump --check-boundary (check.exp).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   check.map exports cb_api, cb_second, cb_ifunc (an indirect function)
   and cb_plain (from check-plain.c, compiled without the plugin) in
   version V1, and makes cb_local, of default visibility, local.  */

int cb_local (int);

int
cb_api (int x)
{
  return x + 1;
}

int
cb_second (int x)
{
  return cb_api (x) * 2;
}

int
cb_local (int x)
{
  return x - 1;
}

static int
cb_ifunc_impl (int x)
{
  return x * 3;
}

static int (*resolve_cb_ifunc (void)) (int)
{
  return cb_ifunc_impl;
}

int cb_ifunc (int) __attribute__ ((ifunc ("resolve_cb_ifunc")));
