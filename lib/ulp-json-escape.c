/* ulp-json-escape.c -- a string written as a JSON string.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See ulp-json-escape.h.  Built into the tools and, hidden, into the
   runtime, where it runs in the worker thread of any process: no
   allocation and no stdio.  */

#include <config.h>

#include "ulp-json-escape.h"

#include <stdint.h>

int
ulp_utf8_len (const unsigned char *p)
{
  unsigned char c = p[0];
  if (c < 0x80)
    return 1;
  int len = c >= 0xc2 && c <= 0xdf ? 2
            : c >= 0xe0 && c <= 0xef ? 3
            : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  uint32_t cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
  for (int i = 1; i < len; i++)
    {
      /* A NUL ends the string and fails this test too.  */
      if ((p[i] & 0xc0) != 0x80)
        return 0;
      cp = cp << 6 | (p[i] & 0x3f);
    }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))
      || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return len;
}

/* The escape for byte C, written to BUF (7 bytes at least); its length,
   or 0 when C goes out as it is.  */
static size_t
escape_byte (unsigned char c, char *buf)
{
  static const char hex[] = "0123456789abcdef";
  buf[0] = '\\';
  switch (c)
    {
    case '"':
    case '\\':
      buf[1] = (char) c;
      return 2;
    case '\n':
      buf[1] = 'n';
      return 2;
    case '\t':
      buf[1] = 't';
      return 2;
    case '\r':
      buf[1] = 'r';
      return 2;
    default:
      if (c >= 0x20 && c != 0x7f)
        return 0;
      buf[1] = 'u';
      buf[2] = '0';
      buf[3] = '0';
      buf[4] = hex[c >> 4];
      buf[5] = hex[c & 0xf];
      return 6;
    }
}

void
ulp_json_escape (const char *s, unsigned flags, ulp_json_put_fn put,
                 void *arg)
{
  const unsigned char *p = (const unsigned char *) (s ? s : "");
  /* Bytes that go out unchanged are written in runs, from RUN to P.  */
  const unsigned char *run = p;
  char buf[8];
  put (arg, "\"", 1);
  while (*p)
    {
      size_t n = escape_byte (*p, buf);
      int len = n ? 1 : ulp_utf8_len (p);
      if (n == 0 && len == 0 && !(flags & ULP_JSON_UTF8_ONLY))
        len = 1;
      if (n == 0 && len > 0)
        {
          p += len;
          continue;
        }
      if (p > run)
        put (arg, (const char *) run, (size_t) (p - run));
      if (n)
        put (arg, buf, n);
      else
        put (arg, "\\ufffd", 6);
      run = ++p;
    }
  if (p > run)
    put (arg, (const char *) run, (size_t) (p - run));
  put (arg, "\"", 1);
}
