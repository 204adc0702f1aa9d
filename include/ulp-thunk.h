/* ulp-thunk.h -- the function a C++ thunk jumps to, from its name.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A this-adjusting, virtual or covariant thunk (Itanium C++ ABI:
   _ZTh, _ZTv, _ZTc) is an exported function of its own, reached
   through a vtable.  The plugin builds it as an ordinary function that
   adjusts its arguments and jumps to the tracked entry of its target
   (ulp-split.cc), so an entry through the thunk is tracked as soon as
   any code of the object's runs.  The boundary checks (ulp-dump
   --check-boundary, the runtime's count of untracked exports) count a
   thunk as tracked when its target is: they find the target's name
   here.  */

#ifndef ULP_THUNK_H
#define ULP_THUNK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Skip an <nv-offset> or <v-offset> number ("n" for negative, then
   digits) and its "_"; NULL when malformed.  */
static inline const char *
ulp_thunk_skip_number (const char *p)
{
  if (*p == 'n')
    p++;
  if (*p < '0' || *p > '9')
    return NULL;
  while (*p >= '0' && *p <= '9')
    p++;
  return *p == '_' ? p + 1 : NULL;
}

/* Skip a <call-offset>: h <nv-offset> _ or v <v-offset> _ <v-offset> _.  */
static inline const char *
ulp_thunk_skip_call_offset (const char *p)
{
  if (*p == 'h')
    return ulp_thunk_skip_number (p + 1);
  if (*p == 'v')
    {
      p = ulp_thunk_skip_number (p + 1);
      return p ? ulp_thunk_skip_number (p) : NULL;
    }
  return NULL;
}

/* If NAME is a thunk's, write its target's mangled name into BUF (of
   SIZE bytes) and return true.  */
static inline bool
ulp_thunk_target (const char *name, char *buf, size_t size)
{
  if (strncmp (name, "_ZT", 3) != 0)
    return false;
  const char *p = name + 3;
  if (*p == 'c')
    {
      p = ulp_thunk_skip_call_offset (p + 1);
      p = p ? ulp_thunk_skip_call_offset (p) : NULL;
    }
  else
    p = ulp_thunk_skip_call_offset (p);
  if (!p || !*p)
    return false;
  return (size_t) snprintf (buf, size, "_Z%s", p) < size;
}

#endif /* ULP_THUNK_H */
