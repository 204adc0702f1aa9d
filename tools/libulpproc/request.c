/* request.c -- the request lines the tools send to the runtime.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See request.h; the grammar is in ulp-protocol.h, and the runtime's
   parser in runtime/control.c.  */

#include <config.h>

#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ulp-protocol.h"

/* What a line in BUF may hold, its NUL included.  */
static size_t
room (size_t size)
{
  return size < ULP_CONTROL_REQUEST_SIZE ? size : ULP_CONTROL_REQUEST_SIZE;
}

/* Append FMT and AP to the line in BUF.  When they do not fit, the
   line stays as it was and the result is false.  */
static bool
vappend (char *buf, size_t size, const char *fmt, va_list ap)
{
  size_t max = room (size);
  if (max == 0)
    return false;
  size_t n = strnlen (buf, max);
  if (n >= max)
    return false;
  int m = vsnprintf (buf + n, max - n, fmt, ap);
  if (m < 0 || (size_t) m >= max - n)
    {
      buf[n] = '\0';
      return false;
    }
  return true;
}

static bool __attribute__ ((format (printf, 3, 4)))
append (char *buf, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  bool ok = vappend (buf, size, fmt, ap);
  va_end (ap);
  return ok;
}

/* The line of kind K with the arguments ARGS (printf-style, each with
   the space before it) into BUF, or BUF left empty when it does not
   fit.  */
static bool __attribute__ ((format (printf, 4, 5)))
line (char *buf, size_t size, enum ulp_request_kind k, const char *args, ...)
{
  if (size == 0)
    return false;
  buf[0] = '\0';
  va_list ap;
  va_start (ap, args);
  bool ok = (append (buf, size, "%s", ulp_request_word (k))
             && vappend (buf, size, args, ap));
  va_end (ap);
  if (!ok)
    buf[0] = '\0';
  return ok;
}

bool
request_apply (char *buf, size_t size, const char *path)
{
  return line (buf, size, ULP_REQ_APPLY, " %s", path);
}

bool
request_apply_flags (char *buf, size_t size, unsigned flags,
                     const char *key_hex, const char *path)
{
  if (!key_hex)
    key_hex = "-";
  if (strcmp (key_hex, "-") != 0
      && (strlen (key_hex) != 64
          || strspn (key_hex, "0123456789abcdef") != 64))
    {
      if (size)
        buf[0] = '\0';
      return false;
    }
  return line (buf, size, ULP_REQ_APPLY_FLAGS, " %u %s %s", flags, key_hex,
               path);
}

bool
request_revert (char *buf, size_t size, long id)
{
  return line (buf, size, ULP_REQ_REVERT, " %ld", id);
}

bool
request_revert_name (char *buf, size_t size, const char *name)
{
  return line (buf, size, ULP_REQ_REVERT_NAME, " %s", name);
}

bool
request_arm (char *buf, size_t size, const char *soname)
{
  return line (buf, size, ULP_REQ_ARM, " %s", soname);
}

bool
request_disarm (char *buf, size_t size, const char *soname)
{
  return line (buf, size, ULP_REQ_DISARM, " %s", soname);
}

const char *
request_status (void)
{
  return ulp_request_word (ULP_REQ_STATUS);
}

const char *
request_migrate_info (void)
{
  return ulp_request_word (ULP_REQ_MIGRATE_INFO);
}

bool
request_migrate_held (char *buf, size_t size, const char *soname,
                      uint64_t newest)
{
  return line (buf, size, ULP_REQ_MIGRATE_HELD, " %s %llu", soname,
               (unsigned long long) newest);
}

/* An entry goes after a line started (a start that did not fit left
   it empty).  */
static bool
started (const char *buf, size_t size)
{
  return size > 0 && buf[0] != '\0';
}

bool
request_add_held (char *buf, size_t size, pid_t tid, int frame,
                  const char *what)
{
  return (started (buf, size)
          && append (buf, size, " %d %d %s", (int) tid, frame, what));
}

bool
request_migrate_register (char *buf, size_t size, const char *soname)
{
  return line (buf, size, ULP_REQ_MIGRATE_REGISTER, " %s", soname);
}

bool
request_add_registered (char *buf, size_t size, pid_t tid, uint64_t addr)
{
  return (started (buf, size)
          && append (buf, size, " %d %llu", (int) tid,
                     (unsigned long long) addr));
}
