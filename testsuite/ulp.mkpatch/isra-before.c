/* isra-before.c -- ulp-mkpatch corpus: a change that alters what IPA-SRA
   does to a static function (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

struct isra_pair
{
  int a, b, c[8];
};

/* IPA-SRA passes isra_weight only the field it reads
   (isra_weight.isra.0 (int)); its callers pass that field.  */
static __attribute__ ((noinline)) int
isra_weight (const struct isra_pair *p, int unused)
{
  (void) unused;
  return p->a * 3;
}

int
isra_api (int a, int b)
{
  struct isra_pair p = { a, b, { 0 } };
  return isra_weight (&p, 5) + 1;
}

int
isra_other (int a)
{
  struct isra_pair p = { a, 100, { 0 } };
  return isra_weight (&p, 6) * 2;
}
