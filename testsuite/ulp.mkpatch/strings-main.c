/* strings-main.c -- ulp-mkpatch corpus: changed, new and existing string literals.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include "mk-test.h"

const char *strings_greeting (void);
const char *strings_name (int);

int
main (int argc, char **argv)
{
  MK_STR ("strings: before the patch", strings_greeting (), "hello");
  const char *one = strings_name (1), *zero = strings_name (0);
  mk_apply (argv[1]);
  MK_STR ("strings: a changed literal", strings_greeting (), "hello, world");
  MK_STR ("strings: a new literal", strings_name (2), "two");
  mk_check (strings_name (1) == one && strings_name (0) == zero,
            "strings: existing literals are the target's, not copies",
            "%p %p, want %p %p", (void *) strings_name (1),
            (void *) strings_name (0), (void *) one, (void *) zero);
  return 0;
}
