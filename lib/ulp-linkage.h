/* ulp-linkage.h -- which of several definitions of a name a patch means.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A patch names what it replaces and what it refers to by name, and by
   unit too when it means a static symbol (ulp-mkpatch always names the
   unit of one).  A linked object may define one name several times: a
   global function and static functions of the same name in other
   units, as C allows.  A reference that names no unit was made to a
   symbol with external linkage, as C binds a name its unit does not
   define itself: of several definitions, it means the one global one.
   The runtime resolves a patch by this rule, and ulp-mkpatch checks
   by the same rule, before it writes a patch, that the runtime will
   find exactly what the patched code meant.  */

#ifndef ULP_LINKAGE_H
#define ULP_LINKAGE_H

#include <stdbool.h>
#include <stdint.h>

/* The candidates seen for one name: fed one by one (those of the
   named unit only, when the reference names one), then chosen from.  */
struct ulp_linkage
{
  unsigned n;              /* distinct addresses, counted up to 2.  */
  unsigned nglobal;        /* distinct addresses of global ones, up to 2. */
  uint64_t addr, global_addr;
  const void *first, *second;  /* items at the first two addresses.  */
  const void *global;          /* the item at GLOBAL_ADDR.  */
};

void ulp_linkage_init (struct ulp_linkage *l);

/* A definition of the name at ADDR, with external linkage if GLOBAL;
   ITEM is what the caller wants back for it.  Definitions at the same
   address (aliases, a record and a symbol of one function) count
   once.  */
void ulp_linkage_add (struct ulp_linkage *l, uint64_t addr, bool global,
                      const void *item);

/* The definition the reference means: 1 and *ITEM when there is one
   (the only address, or, for a reference that names no unit
   (UNIT_NAMED false), the only global one among several), 0 when there
   is none, -1 when it is ambiguous (*ITEM and *OTHER then two of the
   candidates, for the message).  */
int ulp_linkage_choose (const struct ulp_linkage *l, bool unit_named,
                        const void **item, const void **other);

#endif /* ULP_LINKAGE_H */
