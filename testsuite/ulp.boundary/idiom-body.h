/* idiom-body.h -- the code of the C idiom libraries (idiom.exp).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every C idiom library runs the same code (idiom.h) and differs only
   in how it exports it.  Before including this, a library defines
   IDIOM_RUN and IDIOM_SECOND, the names it defines its entry and its
   second public function under, and may define IDIOM_DEF, what goes in
   front of their definitions; it declares idiom_calls.  */

#ifndef IDIOM_DEF
#define IDIOM_DEF
#endif

int idiom_helper_b (void);

static int __attribute__ ((noinline))
helper_a (void)
{
  idiom_calls++;
  return VAL_A;
}

/* An internal function of default visibility, as libxml2 has many.  */
int __attribute__ ((noinline))
idiom_helper_b (void)
{
  idiom_calls++;
  return VAL_B;
}

IDIOM_DEF int
IDIOM_SECOND (void)
{
  idiom_calls++;
  return VAL_SECOND;
}

IDIOM_DEF int
IDIOM_RUN (idiom_cb cb, void *arg, int *out)
{
  out[0] = helper_a ();
  out[1] = IDIOM_SECOND ();
  cb (arg);
  out[2] = idiom_helper_b ();
  out[3] = IDIOM_SECOND ();
  out[4] = helper_a ();
  return IDIOM_NVALS;
}
