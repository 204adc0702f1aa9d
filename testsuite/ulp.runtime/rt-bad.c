/* rt-bad.c -- patches the runtime must refuse, leaving the process as
   it was.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Arguments: triples PATCH CODE MESSAGE.  Each patch must fail with
   exactly that status code and message; afterwards the library must
   behave as before, its code must be byte for byte as before, and no
   patch may be applied.  */

#include "rt-lib.h"
#include "rt-test.h"

int
main (int argc, char **argv)
{
  const unsigned char *code = (const unsigned char *) rt_address_of_f ();
  unsigned char before[64];
  /* The pre-entry area and the entry of rt_f.  */
  memcpy (before, code - 14, sizeof before);
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
      rt_check (id == -1 && e.code == code_want && strcmp (e.message, msg) == 0,
                what, "id %ld, code %d, message \"%s\"", id, e.code,
                e.message);
      snprintf (what, sizeof what, "unchanged after: %s", msg);
      pair = rt_pair ();
      rt_check (pair == 110 && rt_f () == 1
                && memcmp (before, code - 14, sizeof before) == 0
                && ulp_patches (NULL, 0) == 0,
                what, "rt_pair %d, rt_f %d, code %s, %zu patches", pair,
                rt_f (), memcmp (before, code - 14, sizeof before) ? "changed"
                                                                : "same",
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
