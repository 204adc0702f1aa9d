/* exports.c -- exported functions of an object that are not tracked.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The promise that one call into an object runs code of one universe
   holds only for calls that enter the object through a tracked entry
   (a record with ULP_F_BOUNDARY).  A thread can enter through every
   function the object exports: the defined STT_FUNC symbols of its
   dynamic symbol table with global or weak binding and default or
   protected visibility (the rule of ulp-dump --check-boundary).  When
   some of them are not tracked entries, the status says so, since a
   call entering through one may mix old and new code.  A program's
   exports are not counted.

   The check reads the loaded object's own dynamic section: DT_SYMTAB
   and DT_STRTAB for the symbols, DT_GNU_HASH or DT_HASH for how many
   there are.  It runs once per object, at its first patch (under the
   lock), and costs one sort of the object's tracked entries and one
   pass over its dynamic symbols.  */

#include <config.h>

#include <elf.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "ulp-runtime.h"
#include "ulp-thunk.h"

static int
compare_addr (const void *a, const void *b)
{
  uintptr_t x = *(const uintptr_t *) a, y = *(const uintptr_t *) b;
  return x < y ? -1 : x > y;
}

/* Is NAME a C++ thunk whose target, a dynamic symbol (maybe an alias,
   as a complete-object destructor is), is at one of the NT sorted
   TRACKED addresses?  The thunk jumps to its tracked entry
   (include/ulp-thunk.h).  */
static bool
thunk_target_tracked (const struct ulp_obj *h, const ElfW (Sym) *symtab,
                      const char *strtab, size_t nsyms, size_t strsz,
                      const uintptr_t *tracked, size_t nt, const char *name)
{
  char target[1024];
  if (!nt || !ulp_thunk_target (name, target, sizeof target))
    return false;
  for (size_t i = 1; i < nsyms; i++)
    {
      const ElfW (Sym) *s = &symtab[i];
      if (s->st_shndx == SHN_UNDEF || s->st_name >= strsz
          || strcmp (strtab + s->st_name, target) != 0)
        continue;
      uintptr_t a = h->base + s->st_value;
      return bsearch (&a, tracked, nt, sizeof *tracked, compare_addr) != NULL;
    }
  return false;
}

/* The loader relocates the address entries of the dynamic section in
   place for most objects; those it leaves (the vDSO's) are link-time
   addresses below the load bias.  */
static uintptr_t
dyn_addr (const struct ulp_obj *h, uintptr_t v)
{
  return v < h->base ? v + h->base : v;
}

/* The number of symbols of a DT_GNU_HASH table at GH: one past the
   highest index any bucket's chain reaches.  */
static size_t
gnu_hash_count (const uint32_t *gh)
{
  uint32_t nbuckets = gh[0], symoffset = gh[1], bloom_size = gh[2];
  const uint32_t *buckets
    = (const uint32_t *) ((const ElfW (Addr) *) (gh + 4) + bloom_size);
  const uint32_t *chain = buckets + nbuckets;
  uint32_t last = 0;
  for (uint32_t b = 0; b < nbuckets; b++)
    if (buckets[b] > last)
      last = buckets[b];
  if (last < symoffset)
    return symoffset;
  while (!(chain[last - symoffset] & 1))
    last++;
  return (size_t) last + 1;
}

void
ulp_obj_check_exports (struct ulp_obj *h)
{
  if (h->exports_checked)
    return;
  h->exports_checked = true;
  h->untracked_exports = 0;
  /* A program's threads are pinned at each patch and moved on by
     checking their stacks (the manual's "Patches of programs"), not by
     entries: an export of it is no boundary.  */
  if (h->main_program)
    return;

  const ElfW (Dyn) *dyn = NULL;
  for (ElfW (Half) i = 0; i < h->phnum; i++)
    if (h->phdr[i].p_type == PT_DYNAMIC)
      dyn = (const ElfW (Dyn) *) (h->base + h->phdr[i].p_vaddr);
  if (!dyn)
    return; /* Statically linked: nothing is exported.  */
  const ElfW (Sym) *symtab = NULL;
  const char *strtab = NULL;
  size_t strsz = 0, nsyms = 0;
  for (; dyn->d_tag != DT_NULL; dyn++)
    switch (dyn->d_tag)
      {
      case DT_SYMTAB:
        symtab = (const ElfW (Sym) *) dyn_addr (h, dyn->d_un.d_ptr);
        break;
      case DT_STRTAB:
        strtab = (const char *) dyn_addr (h, dyn->d_un.d_ptr);
        break;
      case DT_STRSZ:
        strsz = dyn->d_un.d_val;
        break;
      case DT_HASH:
        nsyms = ((const uint32_t *) dyn_addr (h, dyn->d_un.d_ptr))[1];
        break;
      case DT_GNU_HASH:
        if (nsyms == 0)
          nsyms = gnu_hash_count ((const uint32_t *)
                                  dyn_addr (h, dyn->d_un.d_ptr));
        break;
      }
  if (!symtab || !strtab || nsyms == 0)
    return;

  /* Tracked entries, and functions of vague linkage (inline functions,
     template instances: ULP_F_COMDAT), which every user compiles for
     itself, are entries of nothing, and count as nothing missing.  */
  uintptr_t *tracked = malloc ((h->nrecords ? h->nrecords : 1)
                               * sizeof *tracked);
  if (!tracked)
    {
      h->exports_checked = false; /* Try again at the next patch.  */
      return;
    }
  size_t nt = 0;
  for (size_t i = 0; i < h->nrecords; i++)
    {
      const struct ulp_record *r = ulp_obj_record (h, i);
      if (r->kind != ULP_KIND_VARIABLE
          && (r->flags & (ULP_F_BOUNDARY | ULP_F_COMDAT)))
        tracked[nt++] = (uintptr_t) ulp_ref (&r->addr);
    }
  qsort (tracked, nt, sizeof *tracked, compare_addr);

  for (size_t i = 1; i < nsyms; i++)
    {
      const ElfW (Sym) *s = &symtab[i];
      int bind = ELF64_ST_BIND (s->st_info);
      int vis = ELF64_ST_VISIBILITY (s->st_other);
      if (ELF64_ST_TYPE (s->st_info) != STT_FUNC
          || s->st_shndx == SHN_UNDEF || s->st_shndx == SHN_ABS
          || (bind != STB_GLOBAL && bind != STB_WEAK)
          || (vis != STV_DEFAULT && vis != STV_PROTECTED)
          || s->st_name >= strsz)
        continue;
      const char *name = strtab + s->st_name;
      if (strncmp (name, "__ulp_", 6) == 0)
        continue;
      uintptr_t a = h->base + s->st_value;
      if (nt && bsearch (&a, tracked, nt, sizeof *tracked, compare_addr))
        continue;
      if (thunk_target_tracked (h, symtab, strtab, nsyms, strsz, tracked, nt,
                                name))
        continue;
      if (h->untracked_exports < ULP_UNTRACKED_SHOWN)
        h->untracked_names[h->untracked_exports] = strdup (name);
      h->untracked_exports++;
    }
  free (tracked);
}
