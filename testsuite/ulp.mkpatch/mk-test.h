/* mk-test.h -- checks for the programs of the ulp-mkpatch corpus.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Each corpus program calls its target library, applies the patch
   ulp-mkpatch made (its path is argv[1]) with the runtime's ulp_apply,
   and calls the library again.  Every check prints one line, "PASS:
   what" or "FAIL: what: why", which lib/ulp-mkpatch.exp turns into a
   DejaGnu result; the program exits 0 when it ran to the end.  */

#ifndef MK_TEST_H
#define MK_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ulp.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline bool
mk_check (bool ok, const char *what, const char *why, ...)
{
  if (ok)
    printf ("PASS: %s\n", what);
  else
    {
      va_list ap;
      va_start (ap, why);
      printf ("FAIL: %s: ", what);
      vprintf (why, ap);
      putchar ('\n');
      va_end (ap);
    }
  fflush (stdout);
  return ok;
}

/* Check that the integer ACTUAL is EXPECTED.  */
#define MK_INT(what, actual, expected)                                    \
  do                                                                      \
    {                                                                     \
      long long a_ = (long long) (actual), e_ = (long long) (expected);   \
      mk_check (a_ == e_, what, "got %lld, want %lld", a_, e_);           \
    }                                                                     \
  while (0)

/* Check that the string ACTUAL is EXPECTED.  */
#define MK_STR(what, actual, expected)                                    \
  do                                                                      \
    {                                                                     \
      const char *a_ = (actual), *e_ = (expected);                        \
      mk_check (a_ && strcmp (a_, e_) == 0, what, "got \"%s\", want \"%s\"", \
                a_ ? a_ : "(null)", e_);                                  \
    }                                                                     \
  while (0)

/* Apply the patch PATH; exit when it cannot be.  */
static inline void
mk_apply (const char *path)
{
  struct ulp_error e;
  long id = ulp_apply (path, 0, &e);
  if (!mk_check (id > 0, "the patch applies", "ulp_apply (%s): %s", path,
                 e.message))
    exit (0);
}

#ifdef __cplusplus
}
#endif

#endif /* MK_TEST_H */
