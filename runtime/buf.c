/* buf.c -- a growing string, for the runtime's replies.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The status and migration replies are built with vsnprintf into a
   buffer that doubles as needed; a failed allocation marks the buffer
   failed and every later write is dropped, so the caller checks once,
   at the end.  */

#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ulp-json-escape.h"
#include "ulp-runtime.h"

void
ulp_put (struct ulp_buf *b, const char *fmt, ...)
{
  if (b->failed)
    return;
  va_list ap;
  for (;;)
    {
      va_start (ap, fmt);
      int k = vsnprintf (b->s + b->n, b->cap - b->n, fmt, ap);
      va_end (ap);
      if (k < 0)
        {
          b->failed = true;
          return;
        }
      if ((size_t) k < b->cap - b->n)
        {
          b->n += (size_t) k;
          return;
        }
      size_t cap = 2 * b->cap + (size_t) k + 1;
      char *s = realloc (b->s, cap);
      if (!s)
        {
          b->failed = true;
          return;
        }
      b->s = s;
      b->cap = cap;
    }
}

static void
put_bytes (void *arg, const char *bytes, size_t n)
{
  ulp_put (arg, "%.*s", (int) n, bytes);
}

/* Names go out byte for byte: the tools compare them with the names
   they read from /proc and ELF files (see ulp-json-escape.h).  */
void
ulp_put_str (struct ulp_buf *b, const char *s)
{
  ulp_json_escape (s, 0, put_bytes, b);
}
