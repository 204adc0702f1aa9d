/* greet.h -- interface of libgreet, the ulp example library.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A deliberately small shared library built with the ulp plugin, used
   by `make -C examples demo-dump' to show the metadata of a
   live-patchable object.  `make demo' patches libunits instead.  */

#ifndef GREET_H
#define GREET_H

/* The greeting text, e.g. "Hello".  */
const char *greet_message (void);

/* Print the greeting for NAME on standard output.  */
void greet (const char *name);

/* How many times greet has been called.  */
int greet_count (void);

#endif /* GREET_H */
