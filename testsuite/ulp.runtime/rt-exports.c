/* rt-exports.c -- the runtime counts the exports that are not tracked.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Argument: the patch rt-exp-p.c.  libulpexp.so exports exp_api and
   exp_second (tracked) and exp_plain (compiled without the plugin).
   Before the object's first patch the runtime's status does not know
   (null); once the patch is applied it says 1, naming exp_plain.  Then
   the program prints "ready PID" and waits for a line on standard
   input, so that exports.exp can run ulp-status on it.  */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt-test.h"

int exp_api (void);
int exp_second (void);
int exp_plain (void);

/* The runtime's "untracked_exports" of libulpexp.so: the count, -1 for
   null, -2 when the object or the field is missing; its examples into
   NAMES.  */
static long
untracked (char *names, size_t size)
{
  char *s = ulp_status_json ();
  long n = -2;
  names[0] = '\0';
  const char *o = s ? strstr (s, "\"soname\": \"libulpexp.so\"") : NULL;
  const char *u = o ? strstr (o, "\"untracked_exports\": ") : NULL;
  if (u)
    {
      u += strlen ("\"untracked_exports\": ");
      if (strncmp (u, "null", 4) == 0)
        n = -1;
      else
        n = strtol (u, NULL, 10);
      const char *x = strstr (u, "\"untracked_examples\": [");
      const char *end = x ? strchr (x, ']') : NULL;
      if (x && end && n >= 0)
        {
          x += strlen ("\"untracked_examples\": [");
          snprintf (names, size, "%.*s", (int) (end - x), x);
        }
    }
  free (s);
  return n;
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    return 2;
  char names[256];
  rt_check (exp_api () + exp_second () + exp_plain () == 1 + 11 + 101,
            "the library runs", "it does not");
  long n = untracked (names, sizeof names);
  rt_check (n == -1, "before the first patch the count is unknown (null)",
            "untracked_exports is %ld", n);
  if (rt_apply (argv[1], "the patch applies") < 0)
    return 0;
  rt_check (exp_api () == 2 && exp_plain () == 102, "the patch works",
            "exp_api %d, exp_plain %d", exp_api (), exp_plain ());
  n = untracked (names, sizeof names);
  rt_check (n == 1 && strcmp (names, "\"exp_plain\"") == 0,
            "after it, one untracked export: exp_plain",
            "untracked_exports %ld, examples [%s]", n, names);
  printf ("ready %d\n", (int) getpid ());
  fflush (stdout);
  char line[16];
  if (!fgets (line, sizeof line, stdin))
    return 0;
  return 0;
}
