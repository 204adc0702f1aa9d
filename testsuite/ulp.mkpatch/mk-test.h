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
#include <time.h>

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

/* Programs patched from outside by ulp-apply synchronise with the test
   through files in the directory DIR: they create DIR/ready when their
   state is made, wait for DIR/applied, and create DIR/done at the end
   (lib/ulp-mkpatch.exp, ulp_mk_live).  */

static inline void
mk_touch (const char *dir, const char *name)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen (path, "w");
  if (f)
    fclose (f);
}

/* Wait up to two minutes for DIR/NAME.  */
static inline bool
mk_wait_for (const char *dir, const char *name)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  for (int i = 0; i < 12000; i++)
    {
      FILE *f = fopen (path, "r");
      if (f)
        {
          fclose (f);
          return true;
        }
      struct timespec ts = { 0, 10 * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  return false;
}

/* Say the state is made, and wait until the patch is applied.  */
static inline void
mk_live_wait (const char *dir)
{
  mk_touch (dir, "ready");
  if (!mk_check (mk_wait_for (dir, "applied"), "ulp-apply patched the "
                 "running process", "no word from the test"))
    exit (0);
}

#ifdef __cplusplus
}
#endif

#endif /* MK_TEST_H */
