/* tool-version.h -- the --version text every ulp tool prints.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#ifndef ULP_TOOL_VERSION_H
#define ULP_TOOL_VERSION_H

/* Print PROGRAM's GNU-style version and licence text on stdout.  */
void ulp_print_version (const char *program);

#endif /* ULP_TOOL_VERSION_H */
