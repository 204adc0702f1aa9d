/* boundary-check.c -- compare a linked object's exports with its
   tracked entries (see boundary-check.h).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The dynamic symbols are read from .dynsym (which strip keeps), with
   their versions from .gnu.version and .gnu.version_d so that every
   name of a .symver'ed function can be told apart.  The tracked
   entries are the records with ULP_F_BOUNDARY, looked up by address:
   a symbol lands on a tracked entry exactly when its value is the
   address of such a record.  */

#ifdef HAVE_CONFIG_H
# include <config.h>
#endif
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include "boundary-check.h"
#include "ulp-thunk.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gelf.h>

static int
compare_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
  return x < y ? -1 : x > y;
}

static bool
in_set (const uint64_t *set, size_t n, uint64_t v)
{
  return n > 0 && bsearch (&v, set, n, sizeof *set, compare_u64) != NULL;
}

static int
compare_item (const void *a, const void *b)
{
  const struct ulp_bc_item *x = a, *y = b;
  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->address != y->address)
    return x->address < y->address ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* Append an item to R; false when out of memory.  */
static bool
add_item (struct ulp_bc_report *r, size_t *cap, enum ulp_bc_kind kind,
          const char *name, const char *version, bool hidden_version,
          uint64_t address, bool has_record)
{
  if (r->nitems == *cap)
    {
      size_t ncap = *cap ? 2 * *cap : 16;
      struct ulp_bc_item *n = realloc (r->items, ncap * sizeof *n);
      if (n == NULL)
        return false;
      r->items = n;
      *cap = ncap;
    }
  struct ulp_bc_item *it = &r->items[r->nitems];
  int k;
  if (version)
    k = asprintf (&it->name, "%s%s%s", name, hidden_version ? "@" : "@@",
                  version);
  else
    k = (it->name = strdup (name)) ? 0 : -1;
  if (k < 0)
    return false;
  it->kind = kind;
  it->address = address;
  it->has_record = has_record;
  r->nitems++;
  return true;
}

/* The sections of UE's dynamic symbols and their versions.  */
struct dynsyms
{
  Elf_Data *syms;
  size_t nsyms;
  size_t strndx;
  Elf_Data *versym;      /* or NULL.  */
  Elf_Scn *verdef;       /* or NULL.  */
  size_t verdef_strndx;
};

/* The name of version definition NDX, or NULL (the base version, the
   global index 1, or none).  */
static const char *
version_name (Elf *elf, const struct dynsyms *ds, unsigned ndx)
{
  if (ds->verdef == NULL || ndx < 2)
    return NULL;
  Elf_Data *d = elf_getdata (ds->verdef, NULL);
  if (d == NULL)
    return NULL;
  size_t off = 0;
  for (;;)
    {
      GElf_Verdef vd;
      if (gelf_getverdef (d, (int) off, &vd) == NULL)
        return NULL;
      if (vd.vd_ndx == ndx && !(vd.vd_flags & VER_FLG_BASE))
        {
          GElf_Verdaux va;
          if (gelf_getverdaux (d, (int) (off + vd.vd_aux), &va) == NULL)
            return NULL;
          return elf_strptr (elf, ds->verdef_strndx, va.vda_name);
        }
      if (vd.vd_next == 0)
        return NULL;
      off += vd.vd_next;
    }
}

static bool
has_dynamic_segment (Elf *elf)
{
  size_t phnum;
  if (elf_getphdrnum (elf, &phnum) != 0)
    return false;
  for (size_t i = 0; i < phnum; i++)
    {
      GElf_Phdr ph;
      if (gelf_getphdr (elf, (int) i, &ph) && ph.p_type == PT_DYNAMIC)
        return true;
    }
  return false;
}

/* Is NAME a C++ thunk whose target is tracked: a dynamic symbol of DS
   at an address of TRACKED (N of them, sorted)?  The thunk jumps to its
   tracked entry (include/ulp-thunk.h).  The target is looked up by
   symbol, not by record, as it may be an alias (a C++ complete-object
   destructor is one of the base-object destructor).  */
static bool
thunk_to_tracked (Elf *elf, const struct dynsyms *ds, const uint64_t *tracked,
                  size_t n, const char *name)
{
  char target[1024];
  if (!ulp_thunk_target (name, target, sizeof target))
    return false;
  for (size_t i = 1; i < ds->nsyms; i++)
    {
      GElf_Sym sym;
      if (gelf_getsym (ds->syms, (int) i, &sym) == NULL
          || sym.st_shndx == SHN_UNDEF)
        continue;
      const char *sn = elf_strptr (elf, ds->strndx, sym.st_name);
      if (sn && strcmp (sn, target) == 0)
        return in_set (tracked, n, sym.st_value);
    }
  return false;
}

int
ulp_bc_check (const struct ulp_elf *ue, struct ulp_bc_report *r,
              struct outcome *oc)
{
  memset (r, 0, sizeof *r);
  if (ulp_elf_type (ue) == ULP_ELF_REL)
    return outcome_fail (oc, ULP_EXIT_FAIL, "a relocatable object has no "
                         "dynamic symbols: check the linked object");
  Elf *elf = ulp_elf_handle (ue);
  if (elf == NULL)
    return outcome_fail (oc, ULP_EXIT_FAIL, "cannot read the ELF file");

  struct dynsyms ds = { 0 };
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn (elf, scn)) != NULL)
    {
      GElf_Shdr sh;
      if (gelf_getshdr (scn, &sh) == NULL)
        continue;
      if (sh.sh_type == SHT_DYNSYM && sh.sh_entsize != 0)
        {
          ds.syms = elf_getdata (scn, NULL);
          ds.nsyms = sh.sh_size / sh.sh_entsize;
          ds.strndx = sh.sh_link;
        }
      else if (sh.sh_type == SHT_GNU_versym)
        ds.versym = elf_getdata (scn, NULL);
      else if (sh.sh_type == SHT_GNU_verdef)
        {
          ds.verdef = scn;
          ds.verdef_strndx = sh.sh_link;
        }
    }
  if (ds.syms == NULL)
    {
      if (!has_dynamic_segment (elf))
        return 0; /* Statically linked: nothing is exported.  */
      size_t shnum = 0;
      if (elf_getshdrnum (elf, &shnum) != 0 || shnum == 0)
        return outcome_fail (oc, ULP_EXIT_FAIL, "no section headers: the "
                             "dynamic symbol table cannot be found (was the "
                             "object stripped of its section headers?)");
      return outcome_fail (oc, ULP_EXIT_FAIL, "no dynamic symbol table "
                           "(.dynsym) although the object is dynamically "
                           "linked");
    }
  if (ds.versym && ds.versym->d_size / sizeof (GElf_Versym) < ds.nsyms)
    ds.versym = NULL;

  /* The tracked entries, by address.  */
  size_t nf = ulp_elf_nfuncs (ue);
  const struct ulp_func *funcs = ulp_elf_funcs (ue);
  uint64_t *tracked = malloc ((nf ? nf : 1) * sizeof *tracked);
  uint64_t *recorded = malloc ((nf ? nf : 1) * sizeof *recorded);
  uint64_t *vague = malloc ((nf ? nf : 1) * sizeof *vague);
  uint64_t *reached = malloc ((ds.nsyms ? ds.nsyms : 1) * sizeof *reached);
  size_t nt = 0, nrec = 0, nvague = 0, nreached = 0, cap = 0;
  if (!tracked || !recorded || !vague || !reached)
    goto nomem;
  for (size_t i = 0; i < nf; i++)
    {
      if (funcs[i].kind == ULP_KIND_VARIABLE)
        continue;
      recorded[nrec++] = funcs[i].address;
      if (funcs[i].flags & ULP_F_BOUNDARY)
        tracked[nt++] = funcs[i].address;
      else if (funcs[i].flags & ULP_F_COMDAT)
        vague[nvague++] = funcs[i].address;
    }
  qsort (tracked, nt, sizeof *tracked, compare_u64);
  qsort (vague, nvague, sizeof *vague, compare_u64);
  qsort (recorded, nrec, sizeof *recorded, compare_u64);
  r->entries = nt;

  for (size_t i = 1; i < ds.nsyms; i++)
    {
      GElf_Sym sym;
      if (gelf_getsym (ds.syms, (int) i, &sym) == NULL)
        continue;
      int type = GELF_ST_TYPE (sym.st_info);
      int bind = GELF_ST_BIND (sym.st_info);
      int vis = GELF_ST_VISIBILITY (sym.st_other);
      if (sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_ABS
          || (type != STT_FUNC && type != STT_GNU_IFUNC)
          || (bind != STB_GLOBAL && bind != STB_WEAK)
          || (vis != STV_DEFAULT && vis != STV_PROTECTED))
        continue;
      const char *name = elf_strptr (elf, ds.strndx, sym.st_name);
      if (name == NULL)
        name = "?";
      if (strncmp (name, "__ulp_", 6) == 0)
        continue;
      const char *version = NULL;
      bool hidden_version = false;
      if (ds.versym)
        {
          GElf_Versym vs;
          if (gelf_getversym (ds.versym, (int) i, &vs) != NULL)
            {
              version = version_name (elf, &ds, vs & 0x7fff);
              hidden_version = (vs & 0x8000) != 0;
            }
        }
      if (type == STT_GNU_IFUNC)
        {
          if (!add_item (r, &cap, ULP_BC_IFUNC, name, version,
                         hidden_version, sym.st_value, false))
            goto nomem;
          continue;
        }
      if (!in_set (tracked, nt, sym.st_value)
          && in_set (vague, nvague, sym.st_value))
        {
          if (!add_item (r, &cap, ULP_BC_VAGUE, name, version,
                         hidden_version, sym.st_value, true))
            goto nomem;
          continue;
        }
      r->exported++;
      reached[nreached++] = sym.st_value;
      if (in_set (tracked, nt, sym.st_value)
          || thunk_to_tracked (elf, &ds, tracked, nt, name))
        r->tracked++;
      else if (!add_item (r, &cap, ULP_BC_UNTRACKED, name, version,
                          hidden_version, sym.st_value,
                          in_set (recorded, nrec, sym.st_value)))
        goto nomem;
    }

  qsort (reached, nreached, sizeof *reached, compare_u64);
  for (size_t i = 0; i < nf; i++)
    if (funcs[i].kind != ULP_KIND_VARIABLE
        && (funcs[i].flags & ULP_F_BOUNDARY)
        && !in_set (reached, nreached, funcs[i].address)
        && !add_item (r, &cap, ULP_BC_UNREACHABLE, funcs[i].name, NULL,
                      false, funcs[i].address, true))
      goto nomem;

  if (r->nitems > 1)
    qsort (r->items, r->nitems, sizeof *r->items, compare_item);
  free (tracked);
  free (recorded);
  free (vague);
  free (reached);
  return 0;

nomem:
  free (tracked);
  free (recorded);
  free (vague);
  free (reached);
  ulp_bc_free (r);
  return outcome_fail (oc, ULP_EXIT_FAIL, "out of memory");
}

void
ulp_bc_free (struct ulp_bc_report *r)
{
  for (size_t i = 0; i < r->nitems; i++)
    free (r->items[i].name);
  free (r->items);
  memset (r, 0, sizeof *r);
}
