/* ulp-record.c -- what a function's record allows.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See ulp-record.h.  Allocation-free and async-signal-safe.  */

#include <config.h>

#include "ulp-record.h"

#include "ulp-meta.h"

bool
ulp_entry_patchable (uint32_t flags, uint32_t entry_size, uint32_t pre_entry)
{
  if ((flags & ULP_F_EXCLUDED) || pre_entry < ULP_PRE_ENTRY_SIZE)
    return false;
  if (flags & ULP_F_FUSED)
    return entry_size >= ULP_ENTRY_SIZE && entry_size <= ULP_ENTRY_MAX;
  return entry_size == ULP_ENTRY_SIZE;
}

bool
ulp_entry_armable (uint32_t kind, uint32_t flags, uint32_t tracking,
                   uint32_t entry_offset)
{
  return ((kind == ULP_KIND_FUNCTION || kind == ULP_KIND_CLONE)
          && (flags & ULP_F_ARMABLE) && tracking != 0
          && entry_offset >= ULP_ARM_SITE_SIZE);
}
