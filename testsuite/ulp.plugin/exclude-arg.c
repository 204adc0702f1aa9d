/* -fplugin-arg-ulp-exclude=NAME,NAME excludes functions by assembler
   name, like the ulp_exclude attribute.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

/* { dg-do assemble } */
/* { dg-options "-fplugin-arg-ulp-exclude=skip_me,skip_me_too" } */
/* { dg-final { ulp-entries -exclude {skip_me skip_me_too} } } */
/* { dg-final { ulp-records -exclude {skip_me skip_me_too} } } */
/* { dg-final { ulp-sections } } */
/* { dg-final { ulp-function {^skip_me_too$} } } */

int skip_me (int x) { return x - 1; }
int keep_me (int x) { return x + 1; }
int skip_me_too (int x) { return skip_me (x) * keep_me (x); }
int skip_me_not (int x) { return x * 2; }
