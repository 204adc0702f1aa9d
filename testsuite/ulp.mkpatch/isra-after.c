/* isra-after.c -- ulp-mkpatch corpus: a change that alters what IPA-SRA
   does to a static function (after).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

struct isra_pair
{
  int a, b, c[8];
};

/* Now it reads a second field and its second parameter: the clone IPA-SRA
   makes takes other arguments, so its callers, whose source is the same,
   are compiled to other code and must be replaced too.  */
static __attribute__ ((noinline)) int
isra_weight (const struct isra_pair *p, int unused)
{
  return p->a * 3 + p->b + unused;
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
