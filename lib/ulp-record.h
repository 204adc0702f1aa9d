/* ulp-record.h -- what a function's record allows.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The runtime decides from a record (ulp-meta.h) whether it can write a
   detour over a function's entry and whether it can arm the function's
   tracked entry; ulp-mkpatch refuses, before it writes a patch, a
   change the runtime would refuse.  Both ask here, so that they cannot
   disagree.  The rules take the record's fields, not the record, since
   the tools hold them decoded from a file and the runtime in place.  */

#ifndef ULP_RECORD_H
#define ULP_RECORD_H

#include <stdbool.h>
#include <stdint.h>

/* Whether a function whose record has FLAGS, ENTRY_SIZE and PRE_ENTRY
   has a patchable entry: not excluded, a pre-entry area the detour's
   jump fits in, and an entry instruction of the size the plugin emits
   (ULP_ENTRY_SIZE, or with ULP_F_FUSED the function's own first
   instruction, 2 to 15 bytes).  */
bool ulp_entry_patchable (uint32_t flags, uint32_t entry_size,
                          uint32_t pre_entry);

/* Whether a record of KIND with FLAGS, TRACKING and ENTRY_OFFSET has a
   tracked entry the runtime can arm: a function or clone marked
   ULP_F_ARMABLE, with tracking code, and room for the arming site in
   front of the patchable entry.  */
bool ulp_entry_armable (uint32_t kind, uint32_t flags, uint32_t tracking,
                        uint32_t entry_offset);

#endif /* ULP_RECORD_H */
