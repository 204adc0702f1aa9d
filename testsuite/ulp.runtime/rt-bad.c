/* rt-bad.c -- patches the runtime must refuse, leaving the process as
   it was.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Arguments: triples PATCH CODE MESSAGE.  Each patch must fail with
   exactly that status code and message (a MESSAGE starting with
   "glob:" is the fnmatch pattern after it, for a message that holds an
   address); afterwards the library must behave as before, the code of
   the functions the patches name must be byte for byte as before, and
   no patch may be applied.  */

#include <fnmatch.h>

#include "rt-lib.h"
#include "rt-test.h"

/* The functions the refused patches name (rt-bad-fn, rt-bad-excluded
   and rt-bad-ref replace f_impl and g_impl besides the function or
   reference that is refused), and rt_f, which none names.  */
#define NCODE 4
static const char *const code_names[NCODE]
  = { "rt_f", "f_impl", "g_impl", "rt_excluded" };

static const unsigned char *
code_at (int i)
{
  switch (i)
    {
    case 0:
      return (const unsigned char *) rt_address_of_f ();
    case 1:
    case 2:
      return (const unsigned char *) rt_address_of_impl (i - 1);
    default:
      return (const unsigned char *) (void *) rt_excluded;
    }
}

int
main (int argc, char **argv)
{
  unsigned char before[NCODE][64];
  /* The pre-entry area, the entry and the start of each body.  */
  for (int k = 0; k < NCODE; k++)
    memcpy (before[k], code_at (k) - 14, sizeof before[k]);
  int pair = rt_pair ();
  rt_check (pair == 110, "bad patches: library before", "rt_pair %d", pair);

  for (int i = 1; i + 2 < argc; i += 3)
    {
      const char *path = argv[i];
      int code_want = atoi (argv[i + 1]);
      const char *msg = argv[i + 2];
      struct ulp_error e;
      char what[512];
      snprintf (what, sizeof what, "refused: %s", msg);
      long id = ulp_apply (path, 0, &e);
      bool same = strncmp (msg, "glob:", 5) == 0
                    ? fnmatch (msg + 5, e.message, 0) == 0
                    : strcmp (e.message, msg) == 0;
      rt_check (id == -1 && e.code == code_want && same,
                what, "id %ld, code %d, message \"%s\"", id, e.code,
                e.message);
      snprintf (what, sizeof what, "unchanged after: %s", msg);
      pair = rt_pair ();
      const char *changed = NULL;
      for (int k = 0; k < NCODE && !changed; k++)
        if (memcmp (before[k], code_at (k) - 14, sizeof before[k]) != 0)
          changed = code_names[k];
      rt_check (pair == 110 && rt_f () == 1 && rt_g () == 10
                && rt_excluded () == 5 && !changed
                && ulp_patches (NULL, 0) == 0,
                what, "rt_pair %d, rt_f %d, rt_g %d, rt_excluded %d, code of "
                "%s changed, %zu patches", pair, rt_f (), rt_g (),
                rt_excluded (), changed ? changed : "none",
                ulp_patches (NULL, 0));
    }

  /* API misuse.  */
  struct ulp_error e;
  rt_check (ulp_revert (0, 0, &e) == -1 && e.code == ULP_E_NO_PATCH
            && strcmp (e.message, "no patch is applied") == 0,
            "revert with nothing applied", "%d %s", e.code, e.message);
  rt_check (ulp_revert (42, 0, &e) == -1 && e.code == ULP_E_NO_PATCH
            && strcmp (e.message, "no applied patch with id 42") == 0,
            "revert of an unknown id", "%d %s", e.code, e.message);
  rt_check (ulp_revert_name ("nope", 0, &e) == -1 && e.code == ULP_E_NO_PATCH
            && strcmp (e.message, "no applied patch named nope") == 0,
            "revert of an unknown name", "%d %s", e.code, e.message);
  rt_check (ulp_apply (NULL, 0, &e) == -1 && e.code == ULP_E_INVAL,
            "apply without a path", "%d %s", e.code, e.message);
  rt_check (ulp_apply (argv[0], 7, NULL) == -1, "apply with bad flags and "
            "no error structure", "accepted");
  return 0;
}
