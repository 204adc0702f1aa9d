/* ulp-hex.c -- lower-case hex encoding.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See ulp-hex.h.  */

#include <config.h>

#include "ulp-hex.h"

static const char digits[] = "0123456789abcdef";

void
ulp_hex (const unsigned char *data, size_t len, char *out)
{
  for (size_t i = 0; i < len; i++)
    {
      *out++ = digits[data[i] >> 4];
      *out++ = digits[data[i] & 15];
    }
  *out = '\0';
}

void
ulp_hex_sep (const unsigned char *data, size_t len, char sep, char *out)
{
  for (size_t i = 0; i < len; i++)
    {
      if (i > 0)
        *out++ = sep;
      *out++ = digits[data[i] >> 4];
      *out++ = digits[data[i] & 15];
    }
  *out = '\0';
}
