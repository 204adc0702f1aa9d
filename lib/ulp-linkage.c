/* ulp-linkage.c -- which of several definitions of a name a patch means.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See ulp-linkage.h.  */

#include <config.h>

#include "ulp-linkage.h"

#include <stddef.h>

void
ulp_linkage_init (struct ulp_linkage *l)
{
  l->n = l->nglobal = 0;
  l->addr = l->global_addr = 0;
  l->first = l->second = l->global = NULL;
}

void
ulp_linkage_add (struct ulp_linkage *l, uint64_t addr, bool global,
                 const void *item)
{
  if (l->n == 0)
    {
      l->n = 1;
      l->addr = addr;
      l->first = item;
    }
  else if (addr != l->addr && l->n == 1)
    {
      l->n = 2;
      l->second = item;
    }
  if (!global)
    return;
  if (l->nglobal == 0)
    {
      l->nglobal = 1;
      l->global_addr = addr;
      l->global = item;
    }
  else if (addr != l->global_addr)
    l->nglobal = 2;
}

int
ulp_linkage_choose (const struct ulp_linkage *l, bool unit_named,
                    const void **item, const void **other)
{
  *item = NULL;
  if (other)
    *other = NULL;
  if (l->n == 0)
    return 0;
  if (l->n == 1)
    {
      *item = l->first;
      return 1;
    }
  if (!unit_named && l->nglobal == 1)
    {
      *item = l->global;
      return 1;
    }
  *item = l->first;
  if (other)
    *other = l->second;
  return -1;
}
