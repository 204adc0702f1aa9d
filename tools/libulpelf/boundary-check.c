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

/* The dynamic symbol table of ELF and its version sections into *DS.
   1 when found, 0 for a statically linked object (nothing exported), or
   -1 with *OC.  */
static int
find_dynsyms (Elf *elf, struct dynsyms *ds, struct outcome *oc)
{
  memset (ds, 0, sizeof *ds);
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn (elf, scn)) != NULL)
    {
      GElf_Shdr sh;
      if (gelf_getshdr (scn, &sh) == NULL)
        continue;
      if (sh.sh_type == SHT_DYNSYM && sh.sh_entsize != 0)
        {
          ds->syms = elf_getdata (scn, NULL);
          ds->nsyms = sh.sh_size / sh.sh_entsize;
          ds->strndx = sh.sh_link;
        }
      else if (sh.sh_type == SHT_GNU_versym)
        ds->versym = elf_getdata (scn, NULL);
      else if (sh.sh_type == SHT_GNU_verdef)
        {
          ds->verdef = scn;
          ds->verdef_strndx = sh.sh_link;
        }
    }
  if (ds->syms == NULL)
    {
      if (!has_dynamic_segment (elf))
        return 0;
      size_t shnum = 0;
      if (elf_getshdrnum (elf, &shnum) != 0 || shnum == 0)
        return outcome_fail (oc, ULP_EXIT_FAIL, "no section headers: the "
                             "dynamic symbol table cannot be found (was the "
                             "object stripped of its section headers?)");
      return outcome_fail (oc, ULP_EXIT_FAIL, "no dynamic symbol table "
                           "(.dynsym) although the object is dynamically "
                           "linked");
    }
  if (ds->versym && ds->versym->d_size / sizeof (GElf_Versym) < ds->nsyms)
    ds->versym = NULL;
  return 1;
}

/* The addresses the check compares, each array sorted: the functions
   with a tracked entry, every recorded function, the vague-linkage
   (COMDAT) ones without tracking, and those an exported symbol
   reaches.  */
struct addr_sets
{
  uint64_t *tracked, *recorded, *vague, *reached;
  size_t nt, nrec, nvague, nreached;
};

static void
addr_sets_free (struct addr_sets *a)
{
  free (a->tracked);
  free (a->recorded);
  free (a->vague);
  free (a->reached);
}

/* Fill *A from the records of UE, with room for NSYMS reached
   addresses; false when out of memory.  */
static bool
addr_sets_build (const struct ulp_elf *ue, size_t nsyms, struct addr_sets *a)
{
  memset (a, 0, sizeof *a);
  size_t nf = ulp_elf_nfuncs (ue);
  const struct ulp_func *funcs = ulp_elf_funcs (ue);
  a->tracked = malloc ((nf ? nf : 1) * sizeof *a->tracked);
  a->recorded = malloc ((nf ? nf : 1) * sizeof *a->recorded);
  a->vague = malloc ((nf ? nf : 1) * sizeof *a->vague);
  a->reached = malloc ((nsyms ? nsyms : 1) * sizeof *a->reached);
  if (!a->tracked || !a->recorded || !a->vague || !a->reached)
    return false;
  for (size_t i = 0; i < nf; i++)
    {
      if (funcs[i].kind == ULP_KIND_VARIABLE)
        continue;
      a->recorded[a->nrec++] = funcs[i].address;
      if (funcs[i].flags & ULP_F_BOUNDARY)
        a->tracked[a->nt++] = funcs[i].address;
      else if (funcs[i].flags & ULP_F_COMDAT)
        a->vague[a->nvague++] = funcs[i].address;
    }
  qsort (a->tracked, a->nt, sizeof *a->tracked, compare_u64);
  qsort (a->vague, a->nvague, sizeof *a->vague, compare_u64);
  qsort (a->recorded, a->nrec, sizeof *a->recorded, compare_u64);
  return true;
}

/* Look at dynamic symbol I of DS: an exported function is tracked, or
   goes into R as untracked, vague or an IFUNC.  False when out of
   memory.  */
static bool
check_symbol (Elf *elf, const struct dynsyms *ds, size_t i,
              struct addr_sets *a, struct ulp_bc_report *r, size_t *cap)
{
  GElf_Sym sym;
  if (gelf_getsym (ds->syms, (int) i, &sym) == NULL)
    return true;
  int type = GELF_ST_TYPE (sym.st_info);
  int bind = GELF_ST_BIND (sym.st_info);
  int vis = GELF_ST_VISIBILITY (sym.st_other);
  if (sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_ABS
      || (type != STT_FUNC && type != STT_GNU_IFUNC)
      || (bind != STB_GLOBAL && bind != STB_WEAK)
      || (vis != STV_DEFAULT && vis != STV_PROTECTED))
    return true;
  const char *name = elf_strptr (elf, ds->strndx, sym.st_name);
  if (name == NULL)
    name = "?";
  if (strncmp (name, "__ulp_", 6) == 0)
    return true;
  const char *version = NULL;
  bool hidden_version = false;
  GElf_Versym vs;
  if (ds->versym && gelf_getversym (ds->versym, (int) i, &vs) != NULL)
    {
      version = version_name (elf, ds, vs & 0x7fff);
      hidden_version = (vs & 0x8000) != 0;
    }
  if (type == STT_GNU_IFUNC)
    return add_item (r, cap, ULP_BC_IFUNC, name, version, hidden_version,
                     sym.st_value, false);
  if (!in_set (a->tracked, a->nt, sym.st_value)
      && in_set (a->vague, a->nvague, sym.st_value))
    return add_item (r, cap, ULP_BC_VAGUE, name, version, hidden_version,
                     sym.st_value, true);
  r->exported++;
  a->reached[a->nreached++] = sym.st_value;
  if (in_set (a->tracked, a->nt, sym.st_value)
      || thunk_to_tracked (elf, ds, a->tracked, a->nt, name))
    {
      r->tracked++;
      return true;
    }
  return add_item (r, cap, ULP_BC_UNTRACKED, name, version, hidden_version,
                   sym.st_value, in_set (a->recorded, a->nrec, sym.st_value));
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
  struct dynsyms ds;
  int k = find_dynsyms (elf, &ds, oc);
  if (k <= 0)
    return k; /* 0: statically linked, nothing is exported.  */

  struct addr_sets a;
  size_t cap = 0;
  bool ok = addr_sets_build (ue, ds.nsyms, &a);
  r->entries = a.nt;
  for (size_t i = 1; ok && i < ds.nsyms; i++)
    ok = check_symbol (elf, &ds, i, &a, r, &cap);

  /* Tracked entries no exported symbol reaches.  */
  if (ok)
    qsort (a.reached, a.nreached, sizeof *a.reached, compare_u64);
  size_t nf = ulp_elf_nfuncs (ue);
  const struct ulp_func *funcs = ulp_elf_funcs (ue);
  for (size_t i = 0; ok && i < nf; i++)
    if (funcs[i].kind != ULP_KIND_VARIABLE
        && (funcs[i].flags & ULP_F_BOUNDARY)
        && !in_set (a.reached, a.nreached, funcs[i].address))
      ok = add_item (r, &cap, ULP_BC_UNREACHABLE, funcs[i].name, NULL, false,
                     funcs[i].address, true);
  addr_sets_free (&a);
  if (!ok)
    {
      ulp_bc_free (r);
      return outcome_fail (oc, ULP_EXIT_FAIL, "out of memory");
    }
  if (r->nitems > 1)
    qsort (r->items, r->nitems, sizeof *r->items, compare_item);
  return 0;
}

void
ulp_bc_free (struct ulp_bc_report *r)
{
  for (size_t i = 0; i < r->nitems; i++)
    free (r->items[i].name);
  free (r->items);
  memset (r, 0, sizeof *r);
}
