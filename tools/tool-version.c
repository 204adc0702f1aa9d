/* tool-version.c -- the --version text every ulp tool prints, in the
   form the GNU coding standards ask for, kept in one place so the tools
   cannot drift apart.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <config.h>

#include <stdio.h>

#include "tool-version.h"

void
ulp_print_version (const char *program)
{
  printf ("%s (%s) %s\n", program, PACKAGE_NAME, PACKAGE_VERSION);
  fputs ("Copyright (C) 2026 The ulp authors.\n"
         "License GPLv3+: GNU GPL version 3 or later "
         "<https://gnu.org/licenses/gpl.html>.\n"
         "This is free software: you are free to change and "
         "redistribute it.\n"
         "There is NO WARRANTY, to the extent permitted by law.\n",
         stdout);
}
