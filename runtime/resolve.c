/* resolve.c -- find functions and variables of a loaded target by name.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A patch names what it replaces and what it refers to by assembler
   name, plus the translation unit for a static symbol whose name is
   not unique.  The target's ulp records answer first: they cover every
   function body and variable the compiler emitted, static ones
   included, in stripped objects too.  A reference the records do not
   know (code built without the plugin, assembly) is looked up in the
   dynamic symbols, and then in the file's own symbol table (read with
   libelf, only when the file's build-id is that of the loaded object),
   where the STT_FILE symbols tell static symbols of different units
   apart.  Unit names compare as ulp_unit_matches (lib/ulp-format.c)
   says; a reference that names no unit means the one global definition
   among several (lib/ulp-linkage.h).  */

#include <config.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "patch-file.h"
#include "ulp-linkage.h"
#include "ulp-note.h"

static const char *
rec_str (const int32_t *field)
{
  return (const char *) ulp_ref (field);
}

/* The record of H that NAME (in UNIT, when not NULL) means, by the rule
   of ulp-linkage.h, among its functions and clones, and its variables
   too when VARS.  *COLD and *VAR (when not NULL) get a cold part and a
   variable of that name, for the messages.  1 with *FOUND, 0 when there
   is none, -1 with *ERR when two could be meant (SHOWN names the symbol
   there).  */

static int
find_record (struct ulp_obj *h, const char *name, const char *shown,
             const char *unit, bool vars, const struct ulp_record **found,
             const struct ulp_record **cold, const struct ulp_record **var,
             struct ulp_error *err)
{
  struct ulp_linkage l;
  ulp_linkage_init (&l);
  for (size_t i = 0; i < h->nrecords; i++)
    {
      const struct ulp_record *r = ulp_obj_record (h, i);
      const char *rn = rec_str (&r->name);
      if (!rn || strcmp (rn, name) != 0
          || !ulp_unit_matches (rec_str (&r->unit), unit))
        continue;
      if (r->kind == ULP_KIND_COLD && cold)
        *cold = r;
      if (r->kind == ULP_KIND_VARIABLE && var)
        *var = r;
      if (r->kind == ULP_KIND_FUNCTION || r->kind == ULP_KIND_CLONE
          || (vars && r->kind == ULP_KIND_VARIABLE))
        ulp_linkage_add (&l, (uintptr_t) ulp_ref (&r->addr),
                         (r->flags & ULP_F_GLOBAL) != 0, r);
    }
  const void *item, *other_item;
  int chosen = ulp_linkage_choose (&l, unit != NULL, &item, &other_item);
  *found = item;
  if (chosen < 0)
    {
      const struct ulp_record *other = other_item;
      const char *u1 = rec_str (&(*found)->unit);
      const char *u2 = rec_str (&other->unit);
      *found = NULL;
      return ulp_fail (err, ULP_E_NO_FUNCTION,
                       "%s: ambiguous in %s: defined in %s and %s; name "
                       "the unit", shown, h->soname, u1 ? u1 : "?",
                       u2 ? u2 : "?");
    }
  return chosen;
}

/* ulp_find_function, naming the function SHOWN in messages: a
   replacement of an exported function names the function, and what it
   replaces is its body.  */

static const struct ulp_record *
find_function (struct ulp_obj *h, const char *name, const char *shown,
               const char *unit, struct ulp_error *err)
{
  const struct ulp_record *found, *cold = NULL, *var = NULL;
  if (find_record (h, name, shown, unit, false, &found, &cold, &var, err)
      < 0)
    return NULL;
  if (!found)
    {
      if (cold)
        ulp_fail (err, ULP_E_NOT_PATCHABLE,
                  "%s: the cold part of a function cannot be replaced; "
                  "replace the function itself", shown);
      else if (var)
        ulp_fail (err, ULP_E_NO_FUNCTION, "%s: not a function in %s", shown,
                  h->soname);
      else if (unit)
        ulp_fail (err, ULP_E_NO_FUNCTION, "%s: no such function in %s "
                  "(unit %s)", shown, h->soname, unit);
      else
        ulp_fail (err, ULP_E_NO_FUNCTION, "%s: no such function in %s", shown,
                  h->soname);
      return NULL;
    }
  if (!ulp_entry_patchable (found->flags, found->entry_size,
                            found->pre_entry))
    {
      ulp_fail (err, ULP_E_NOT_PATCHABLE,
                "%s: excluded from live patching (no patchable entry)", shown);
      return NULL;
    }
  return found;
}

const struct ulp_record *
ulp_find_function (struct ulp_obj *h, const char *name, const char *unit,
                   struct ulp_error *err)
{
  return find_function (h, name, name, unit, err);
}

/* Look NAME up in the dynamic symbols of H, accepting only a definition
   inside H itself (dlsym also searches its dependencies).  */

static bool
dynamic_symbol (struct ulp_obj *h, const char *name, uintptr_t *addr)
{
  void *handle = h->main_program ? dlopen (NULL, RTLD_LAZY)
                                 : dlopen (h->path, RTLD_LAZY | RTLD_NOLOAD);
  if (!handle)
    return false;
  void *p = dlsym (handle, name);
  dlclose (handle);
  if (!p || (uintptr_t) p < h->lo || (uintptr_t) p >= h->hi)
    return false;
  *addr = (uintptr_t) p;
  return true;
}

/* Look NAME (in UNIT) up in the symbol table of H's file.  */

static int
file_symbol (struct ulp_obj *h, const char *name, const char *unit,
             uintptr_t *addr, struct ulp_error *err)
{
  int fd = open (h->main_program ? "/proc/self/exe" : h->path,
                 O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  Elf *elf = elf_begin (fd, ELF_C_READ_MMAP, NULL);
  int found = 0;
  if (!elf || elf_kind (elf) != ELF_K_ELF)
    goto out;
  /* Only the very file that is loaded: its build-id, by the rule of
     ulp-note.h, is the one the runtime read from the loaded notes.  */
  if (h->build_id_len)
    {
      struct ulp_notes notes = { 0 };
      ulp_notes_read_elf (elf, &notes);
      if (notes.build_id_len != h->build_id_len
          || memcmp (notes.build_id, h->build_id, h->build_id_len) != 0)
        goto out;
    }
  Elf_Scn *scn = NULL;
  struct ulp_linkage l;
  ulp_linkage_init (&l);
  /* Each candidate's item is its unit's name, for the message: the
     STT_FILE symbol before a local one.  */
  while ((scn = elf_nextscn (elf, scn)) != NULL)
    {
      GElf_Shdr sh;
      if (!gelf_getshdr (scn, &sh) || sh.sh_type != SHT_SYMTAB
          || sh.sh_entsize == 0)
        continue;
      Elf_Data *d = elf_getdata (scn, NULL);
      if (!d)
        continue;
      size_t n = sh.sh_size / sh.sh_entsize;
      const char *file = NULL;
      for (size_t i = 0; i < n; i++)
        {
          GElf_Sym sym;
          if (!gelf_getsym (d, (int) i, &sym))
            continue;
          const char *sn = elf_strptr (elf, sh.sh_link, sym.st_name);
          if (!sn)
            continue;
          if (GELF_ST_TYPE (sym.st_info) == STT_FILE)
            {
              file = sn;
              continue;
            }
          if (sym.st_shndx == SHN_UNDEF || strcmp (sn, name) != 0)
            continue;
          int type = GELF_ST_TYPE (sym.st_info);
          if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
            continue;
          bool local = GELF_ST_BIND (sym.st_info) == STB_LOCAL;
          if (unit && (!local || !ulp_unit_matches (file, unit)))
            continue;
          ulp_linkage_add (&l, h->base + sym.st_value, !local,
                           local ? (file ? file : "?") : "(global)");
        }
    }
  const void *item, *other;
  found = ulp_linkage_choose (&l, unit != NULL, &item, &other);
  if (found < 0)
    ulp_fail (err, ULP_E_NO_FUNCTION,
              "%s: ambiguous in %s: defined in %s and %s; name the unit",
              name, h->soname, (const char *) item, (const char *) other);
  else if (found)
    {
      /* Again for the address: the items are the units' names.  */
      *addr = l.n == 1 ? l.addr : l.global_addr;
    }
out:
  if (elf)
    elf_end (elf);
  close (fd);
  return found;
}

int
ulp_find_symbol (struct ulp_obj *h, const char *name, const char *unit,
                 uintptr_t *addr, struct ulp_error *err)
{
  const struct ulp_record *found;
  if (find_record (h, name, name, unit, true, &found, NULL, NULL, err) < 0)
    return -1;
  if (found)
    {
      if (found->kind == ULP_KIND_VARIABLE && (found->flags & ULP_F_TLS))
        return ulp_fail (err, ULP_E_NO_FUNCTION,
                         "%s: a thread-local variable of %s cannot be "
                         "referred to", name, h->soname);
      *addr = (uintptr_t) ulp_ref (&found->addr);
      return 0;
    }
  if (!unit && dynamic_symbol (h, name, addr))
    return 0;
  int r = file_symbol (h, name, unit, addr, err);
  if (r > 0)
    return 0;
  if (r < 0)
    return -1;
  if (unit)
    return ulp_fail (err, ULP_E_NO_FUNCTION, "%s: no such symbol in %s "
                     "(unit %s)", name, h->soname, unit);
  return ulp_fail (err, ULP_E_NO_FUNCTION, "%s: no such symbol in %s", name,
                   h->soname);
}
