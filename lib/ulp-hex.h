/* ulp-hex.h -- lower-case hex encoding.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Build-ids, key fingerprints and digests are written in lower-case
   hex everywhere ulp names them (patch tables, the repository index,
   messages, the runtime's status).  One encoder, so that they compare
   as strings.  Allocation-free and async-signal-safe: the runtime
   calls it with threads stopped.  */

#ifndef ULP_HEX_H
#define ULP_HEX_H

#include <stddef.h>

/* Lower-case hex of LEN bytes of DATA into OUT, which takes 2*LEN+1
   bytes (NUL-terminated).  */
void ulp_hex (const unsigned char *data, size_t len, char *out);

/* The same with SEP between two bytes ("01 02 03"): OUT takes 3*LEN
   bytes, or 1 when LEN is 0.  */
void ulp_hex_sep (const unsigned char *data, size_t len, char sep,
                  char *out);

#endif /* ULP_HEX_H */
