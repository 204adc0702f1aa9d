/* ulp-json-escape.h -- a string written as a JSON string.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The one JSON string escaper of the runtime (its status, arming and
   migration replies, runtime/buf.c) and of the tools that print JSON
   themselves (ulp-status, ulp-dump).  It allocates nothing: the bytes
   go to a callback, so the runtime writes into its own buffer.  */

#ifndef ULP_JSON_ESCAPE_H
#define ULP_JSON_ESCAPE_H

#include <stddef.h>

/* Receives the next N bytes of the output (not NUL-terminated).  */
typedef void (*ulp_json_put_fn) (void *arg, const char *bytes, size_t n);

enum
{
  /* Write each byte that does not belong to well-formed UTF-8 as
     U+FFFD, so that the output is valid JSON whatever S holds.  Without
     it such bytes pass unchanged: the runtime and ulp-status give names
     back byte for byte, as the tools compare them with the names they
     read from /proc and from ELF files themselves.  */
  ULP_JSON_UTF8_ONLY = 1
};

/* Write S (NULL: the empty string) through PUT, ARG as a JSON string,
   quotes included: '"' and '\\' escaped, \n, \t and \r as such, the
   other control characters and DEL as \u00XX.  FLAGS: ULP_JSON_*.  */
void ulp_json_escape (const char *s, unsigned flags, ulp_json_put_fn put,
                      void *arg);

/* The length of the well-formed UTF-8 sequence at P, or 0 if P does
   not start one (a NUL within the sequence ends it too).  */
int ulp_utf8_len (const unsigned char *p);

#endif /* ULP_JSON_ESCAPE_H */
