/* fptr-main.c -- ulp-mkpatch corpus: calls through pointers stored before the patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

typedef int (*fptr_fn) (int);
fptr_fn fptr_get (void);
int fptr_dispatch (int);

int
main (int argc, char **argv)
{
  fptr_fn f = fptr_get ();
  MK_INT ("fptr: before the patch", f (1), 101);
  mk_apply (argv[1]);
  MK_INT ("fptr: a pointer taken before the patch calls the new code",
          f (1), 201);
  MK_INT ("fptr: a pointer in the library's data calls the new code",
          fptr_dispatch (1), 201);
  mk_check (fptr_get () == f, "fptr: the function's address is unchanged",
            "%p, want %p", (void *) fptr_get (), (void *) f);
  return 0;
}
