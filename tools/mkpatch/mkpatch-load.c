/* mkpatch-load.c -- the load phase of ulp-mkpatch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Reads ORIG and PATCHED (two object files, or two directories whose
   objects are paired by their path relative to the directory) and the
   target OBJECT.  Each object becomes its sections (bytes, relocations
   sorted by offset, COMDAT group), its symbols and its ulp records (read
   by libulpelf, which also refuses objects built without the plugin).
   The target becomes a table of its symbols by name -- from its ulp
   records first, which name static functions and variables even in a
   stripped file, then from its symbol tables -- plus what the patch
   must say about it: soname, build-id, the boundary state the note
   points to, its TLS segment and the libraries it needs.  Nothing is
   judged here beyond "can this be read".  */

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkpatch.h"
#include "ulp-format.h"
#include "ulp-hex.h"
#include "ulp-note.h"

static enum mk_sec_kind
classify (const char *name, const GElf_Shdr *sh)
{
  switch (sh->sh_type)
    {
    case SHT_GROUP:
      return MK_SEC_GROUP;
    case SHT_RELA:
    case SHT_REL:
      return MK_SEC_RELA;
    case SHT_SYMTAB:
    case SHT_STRTAB:
    case SHT_SYMTAB_SHNDX:
      return MK_SEC_SYMTAB;
    case SHT_INIT_ARRAY:
    case SHT_PREINIT_ARRAY:
      return MK_SEC_INIT;
    case SHT_FINI_ARRAY:
      return MK_SEC_FINI;
    default:
      break;
    }
  if (strcmp (name, ULP_META_SECTION) == 0)
    return MK_SEC_ULP_META;
  if (strcmp (name, ULP_AUX_SECTION) == 0)
    return MK_SEC_ULP_AUX;
  if (strcmp (name, ULP_STR_SECTION) == 0)
    return MK_SEC_ULP_STR;
  if (strcmp (name, ".eh_frame") == 0)
    return MK_SEC_EH;
  if (strncmp (name, ".gcc_except_table", 17) == 0)
    return MK_SEC_EXCEPT;
  if (strcmp (name, ".ctors") == 0 || strncmp (name, ".ctors.", 7) == 0)
    return MK_SEC_INIT;
  if (strcmp (name, ".dtors") == 0 || strncmp (name, ".dtors.", 7) == 0)
    return MK_SEC_FINI;
  if (!(sh->sh_flags & SHF_ALLOC))
    return MK_SEC_OTHER;
  if (sh->sh_flags & SHF_TLS)
    return MK_SEC_TLS;
  if (sh->sh_flags & SHF_EXECINSTR)
    return MK_SEC_TEXT;
  if ((sh->sh_flags & SHF_MERGE) && (sh->sh_flags & SHF_STRINGS))
    return MK_SEC_STRINGS;
  if (sh->sh_flags & SHF_MERGE)
    return MK_SEC_CONSTS;
  if (sh->sh_flags & SHF_WRITE)
    return MK_SEC_DATA;
  if (sh->sh_type == SHT_PROGBITS || sh->sh_type == SHT_NOBITS)
    return MK_SEC_RODATA;
  return MK_SEC_OTHER;
}

static int
cmp_rela (const void *a, const void *b)
{
  const struct mk_rela *x = a, *y = b;
  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Read the relocation section SEC of OBJ into the section it applies
   to.  */

static bool
read_relas (struct mk_object *obj, struct mk_section *sec)
{
  if (sec->sh.sh_type == SHT_REL)
    {
      mk_error (obj->path, "section %s: REL relocations are not x86-64's",
                sec->name);
      return false;
    }
  if (sec->sh.sh_info == 0 || sec->sh.sh_info >= obj->shnum
      || sec->sh.sh_entsize == 0)
    return true;
  struct mk_section *to = &obj->secs[sec->sh.sh_info];
  if (to->relas)
    {
      /* The assembler makes one per section; a second would silently
         replace the first's relocations.  */
      mk_error (obj->path, "section %s has two relocation sections (%s "
                "and another)", to->name, sec->name);
      return false;
    }
  Elf_Scn *scn = elf_getscn (obj->elf, sec->index);
  Elf_Data *d = scn ? elf_getdata (scn, NULL) : NULL;
  if (!d)
    {
      mk_error (obj->path, "section %s: %s", sec->name, elf_errmsg (-1));
      return false;
    }
  size_t n = sec->sh.sh_size / sec->sh.sh_entsize;
  to->relas = mk_xcalloc (n, sizeof *to->relas);
  to->nrelas = n;
  for (size_t i = 0; i < n; i++)
    {
      GElf_Rela r;
      if (!gelf_getrela (d, (int) i, &r))
        {
          mk_error (obj->path, "section %s: %s", sec->name, elf_errmsg (-1));
          return false;
        }
      to->relas[i].offset = r.r_offset;
      to->relas[i].addend = r.r_addend;
      to->relas[i].type = (uint32_t) GELF_R_TYPE (r.r_info);
      to->relas[i].sym = (uint32_t) GELF_R_SYM (r.r_info);
      if (to->relas[i].sym >= obj->nsyms)
        {
          mk_error (obj->path, "section %s: relocation %zu names symbol "
                    "%u of %zu", sec->name, i, to->relas[i].sym, obj->nsyms);
          return false;
        }
    }
  qsort (to->relas, n, sizeof *to->relas, cmp_rela);
  return true;
}

static bool
read_symbols (struct mk_object *obj)
{
  Elf_Scn *scn = elf_getscn (obj->elf, obj->symtab);
  Elf_Data *d = scn ? elf_getdata (scn, NULL) : NULL;
  if (!d)
    {
      mk_error (obj->path, "cannot read the symbol table: %s",
                elf_errmsg (-1));
      return false;
    }
  Elf_Data *xndx = NULL;
  for (size_t i = 1; i < obj->shnum; i++)
    if (obj->secs[i].sh.sh_type == SHT_SYMTAB_SHNDX
        && obj->secs[i].sh.sh_link == obj->symtab)
      xndx = elf_getdata (elf_getscn (obj->elf, i), NULL);
  const GElf_Shdr *sh = &obj->secs[obj->symtab].sh;
  obj->nsyms = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
  obj->syms = mk_xcalloc (obj->nsyms, sizeof *obj->syms);
  for (size_t i = 0; i < obj->nsyms; i++)
    {
      struct mk_symbol *s = &obj->syms[i];
      GElf_Word shndx = 0;
      if (!gelf_getsymshndx (d, xndx, (int) i, &s->sym, &shndx))
        {
          mk_error (obj->path, "cannot read symbol %zu: %s", i,
                    elf_errmsg (-1));
          return false;
        }
      s->index = i;
      s->name = elf_strptr (obj->elf, sh->sh_link, s->sym.st_name);
      if (!s->name)
        s->name = "";
      s->type = GELF_ST_TYPE (s->sym.st_info);
      s->bind = GELF_ST_BIND (s->sym.st_info);
      s->vis = GELF_ST_VISIBILITY (s->sym.st_other);
      size_t sec = s->sym.st_shndx == SHN_XINDEX ? shndx : s->sym.st_shndx;
      if (s->sym.st_shndx != SHN_UNDEF && s->sym.st_shndx != SHN_ABS
          && s->sym.st_shndx != SHN_COMMON
          && (s->sym.st_shndx < SHN_LORESERVE
              || s->sym.st_shndx == SHN_XINDEX))
        {
          if (sec >= obj->shnum)
            {
              mk_error (obj->path, "symbol %s is in section %zu of %zu",
                        s->name, sec, obj->shnum);
              return false;
            }
          s->sec = &obj->secs[sec];
        }
      if (s->sym.st_shndx == SHN_COMMON)
        {
          mk_error (obj->path, "%s is a common symbol: compile with "
                    "-fno-common so that each variable has a section of "
                    "its own", s->name);
          return false;
        }
    }
  return true;
}

static void
read_groups (struct mk_object *obj)
{
  for (size_t i = 1; i < obj->shnum; i++)
    {
      struct mk_section *g = &obj->secs[i];
      if (g->kind != MK_SEC_GROUP || !g->data || g->size < 4)
        continue;
      const char *sig = g->sh.sh_info < obj->nsyms
                        ? obj->syms[g->sh.sh_info].name : "";
      for (uint64_t off = 4; off + 4 <= g->size; off += 4)
        {
          uint32_t m = mk_get32 (g->data + off);
          if (m > 0 && m < obj->shnum)
            {
              obj->secs[m].group = i;
              obj->secs[m].group_sig = sig;
            }
        }
    }
}

/* Free OBJ, which load_object could not finish reading, and return
   NULL.  Only what load_object fills in is set.  */

static struct mk_object *
drop_object (struct mk_object *obj)
{
  for (size_t i = 0; obj->secs && i < obj->shnum; i++)
    free (obj->secs[i].relas);
  free (obj->secs);
  free (obj->syms);
  free ((char *) obj->switches);
  ulp_elf_close (obj->ue);
  free (obj->path);
  free (obj->rel);
  free (obj);
  return NULL;
}

/* The compiler's switches, from the .GCC.command.line section S.
   Several units' switches may have been merged in (ld -r); they are
   compared as a whole.  */

static void
read_switches (struct mk_object *obj, const struct mk_section *s)
{
  char *sw = mk_xmalloc (s->size + 1);
  memcpy (sw, s->data, s->size);
  sw[s->size] = '\0';
  for (uint64_t k = 0; k + 1 < s->size; k++)
    if (sw[k] == '\0')
      sw[k] = '\n';
  free ((char *) obj->switches);
  obj->switches = sw;
}

/* The section headers and contents of OBJ, whose section names are in
   section SHSTRNDX.  */

static bool
read_sections (struct mk_object *obj, size_t shstrndx)
{
  obj->secs = mk_xcalloc (obj->shnum, sizeof *obj->secs);
  for (size_t i = 1; i < obj->shnum; i++)
    {
      struct mk_section *s = &obj->secs[i];
      Elf_Scn *scn = elf_getscn (obj->elf, i);
      s->index = i;
      if (!scn || !gelf_getshdr (scn, &s->sh))
        {
          mk_error (obj->path, "cannot read section %zu: %s", i,
                    elf_errmsg (-1));
          return false;
        }
      s->name = elf_strptr (obj->elf, shstrndx, s->sh.sh_name);
      if (!s->name)
        s->name = "";
      s->size = s->sh.sh_size;
      s->kind = classify (s->name, &s->sh);
      if (strncmp (s->name, ".gnu.lto_", 9) == 0)
        {
          mk_error (obj->path, "compiled with -flto: ulp-mkpatch compares "
                    "machine code, which an -flto object does not hold; "
                    "build ORIG and PATCHED without -flto");
          return false;
        }
      if (s->sh.sh_flags & SHF_COMPRESSED)
        continue;
      if (s->sh.sh_type != SHT_NOBITS && s->size > 0)
        {
          Elf_Data *d = elf_rawdata (scn, NULL);
          if (!d || d->d_size != s->size)
            {
              mk_error (obj->path, "cannot read section %s: %s", s->name,
                        elf_errmsg (-1));
              return false;
            }
          s->data = d->d_buf;
        }
      if (s->sh.sh_type == SHT_SYMTAB)
        obj->symtab = i;
      if (strcmp (s->name, ".GCC.command.line") == 0 && s->data && s->size)
        read_switches (obj, s);
    }
  return true;
}

/* Which unit OBJ's records name, whether it has any and endbr64
   entries; records and inline lists belong to their function.  */

static void
link_records (struct mk_object *obj)
{
  const struct ulp_func *f = ulp_elf_funcs (obj->ue);
  for (size_t i = 0; i < ulp_elf_nfuncs (obj->ue); i++)
    {
      obj->has_records = true;
      if (!obj->unit && f[i].unit && *f[i].unit)
        obj->unit = f[i].unit;
      if (f[i].flags & ULP_F_ENDBR)
        obj->cet = true;
    }
  for (size_t i = 1; i < obj->shnum; i++)
    {
      struct mk_section *s = &obj->secs[i];
      if ((s->kind == MK_SEC_ULP_META || s->kind == MK_SEC_ULP_AUX)
          && (s->sh.sh_flags & SHF_LINK_ORDER) && s->sh.sh_link > 0
          && s->sh.sh_link < obj->shnum)
        {
          if (s->kind == MK_SEC_ULP_META)
            obj->secs[s->sh.sh_link].meta = i;
          else
            obj->secs[s->sh.sh_link].aux = i;
        }
    }
}

static struct mk_object *
load_object (const char *path, const char *rel, bool orig)
{
  enum ulp_elf_status status;
  struct outcome oc;
  struct ulp_elf *ue = ulp_elf_open_status (path, &status, &oc);
  if (!ue)
    {
      if (status == ULP_ELF_NOT_PATCHABLE)
        mk_error (path, "no ulp records: compile it with the ulp plugin "
                  "(-specs=ulp.specs)");
      else
        mk_error (path, "%s", oc.message);
      return NULL;
    }
  if (ulp_elf_type (ue) != ULP_ELF_REL)
    {
      mk_error (path, "a %s, not an object file: give the .o files the "
                "target was linked from", ulp_elf_type_name (ulp_elf_type (ue)));
      ulp_elf_close (ue);
      return NULL;
    }

  struct mk_object *obj = mk_xcalloc (1, sizeof *obj);
  obj->path = mk_xstrdup (path);
  obj->rel = mk_xstrdup (rel);
  obj->orig = orig;
  obj->ue = ue;
  obj->elf = ulp_elf_handle (ue);
  size_t shstrndx;
  if (elf_getshdrnum (obj->elf, &obj->shnum) != 0
      || elf_getshdrstrndx (obj->elf, &shstrndx) != 0)
    {
      mk_error (path, "cannot read the section headers: %s", elf_errmsg (-1));
      return drop_object (obj);
    }
  if (!read_sections (obj, shstrndx))
    return drop_object (obj);
  if (!obj->symtab)
    {
      mk_error (path, "no symbol table (stripped?)");
      return drop_object (obj);
    }
  if (!read_symbols (obj))
    return drop_object (obj);
  for (size_t i = 1; i < obj->shnum; i++)
    if (obj->secs[i].kind == MK_SEC_RELA && !read_relas (obj, &obj->secs[i]))
      return drop_object (obj);
  read_groups (obj);

  link_records (obj);
  mk_note (2, "%s: %zu sections, %zu symbols, %zu records", path,
           obj->shnum, obj->nsyms, ulp_elf_nfuncs (ue));
  return obj;
}

/* Directories.  */

struct names
{
  char **v;
  size_t n, cap;
};

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static bool
list_objects (const char *root, const char *sub, struct names *out)
{
  char *dir = *sub ? mk_xasprintf ("%s/%s", root, sub) : mk_xstrdup (root);
  DIR *d = opendir (dir);
  if (!d)
    {
      mk_error (dir, "%s", strerror (errno));
      free (dir);
      return false;
    }
  struct dirent *de;
  bool ok = true;
  while (ok && (de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      char *rel = *sub ? mk_xasprintf ("%s/%s", sub, de->d_name)
                       : mk_xstrdup (de->d_name);
      char *full = mk_xasprintf ("%s/%s", root, rel);
      struct stat st;
      if (stat (full, &st) != 0)
        {
          mk_error (full, "%s", strerror (errno));
          ok = false;
        }
      else if (S_ISDIR (st.st_mode))
        {
          ok = list_objects (root, rel, out);
        }
      else if (S_ISREG (st.st_mode))
        {
          size_t len = strlen (rel);
          if (len > 2 && strcmp (rel + len - 2, ".o") == 0)
            {
              mk_grow (&out->v, &out->cap, out->n, sizeof *out->v);
              out->v[out->n++] = rel;
              rel = NULL;
            }
        }
      free (rel);
      free (full);
    }
  closedir (d);
  free (dir);
  return ok;
}

static void
add_unit (struct mk_ctx *ctx, const char *rel, struct mk_object *o,
          struct mk_object *p)
{
  mk_grow (&ctx->units, &ctx->units_cap, ctx->nunits, sizeof *ctx->units);
  struct mk_unit *u = &ctx->units[ctx->nunits++];
  u->rel = o ? o->rel : p->rel;
  (void) rel;
  u->orig = o;
  u->patched = p;
}

/* Whether the object file PATH holds nothing that is loaded: no code,
   no data (a source compiled with all of it configured out, like
   libxml2's xzlib.c without lzma).  It has no records either, and has
   nothing to patch.  */
static bool
empty_object (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  Elf *elf = elf_begin (fd, ELF_C_READ, NULL);
  bool empty = elf && elf_kind (elf) == ELF_K_ELF;
  Elf_Scn *scn = NULL;
  GElf_Shdr sh;
  while (empty && (scn = elf_nextscn (elf, scn)) != NULL)
    if (gelf_getshdr (scn, &sh) && (sh.sh_flags & SHF_ALLOC)
        && sh.sh_type != SHT_NOTE && sh.sh_size > 0)
      empty = false;
  if (elf)
    elf_end (elf);
  close (fd);
  return empty;
}

static bool
load_dirs (struct mk_ctx *ctx)
{
  struct names on = { 0 }, pn = { 0 };
  if (!list_objects (ctx->opt.orig, "", &on)
      || !list_objects (ctx->opt.patched, "", &pn))
    return false;
  qsort (on.v, on.n, sizeof *on.v, cmp_str);
  qsort (pn.v, pn.n, sizeof *pn.v, cmp_str);
  if (on.n == 0)
    {
      mk_error (ctx->opt.orig, "no object files (*.o) in this directory");
      return false;
    }
  size_t i = 0, j = 0;
  bool ok = true;
  while (ok && (i < on.n || j < pn.n))
    {
      int c = i == on.n ? 1 : j == pn.n ? -1 : strcmp (on.v[i], pn.v[j]);
      struct mk_object *o = NULL, *p = NULL;
      bool skipped = false;
      if (c <= 0)
        {
          char *path = mk_xasprintf ("%s/%s", ctx->opt.orig, on.v[i]);
          if (empty_object (path))
            {
              mk_note (1, "%s: no code or data: skipped", path);
              skipped = true;
            }
          else
            {
              o = load_object (path, on.v[i], true);
              ok = o != NULL;
            }
          free (path);
        }
      if (ok && c >= 0)
        {
          char *path = mk_xasprintf ("%s/%s", ctx->opt.patched, pn.v[j]);
          if (empty_object (path))
            {
              mk_note (1, "%s: no code or data: skipped", path);
              skipped = true;
            }
          else
            {
              p = load_object (path, pn.v[j], false);
              ok = p != NULL;
            }
          free (path);
        }
      if (!ok)
        break;
      if (skipped && (!o || !p))
        {
          /* Empty on one side or both: nothing to pair.  */
          if (o && !p)
            add_unit (ctx, NULL, o, NULL);
          else if (p && !o)
            add_unit (ctx, NULL, NULL, p);
          if (c <= 0)
            i++;
          if (c >= 0)
            j++;
          continue;
        }
      mk_progress ("load", (c <= 0 ? i + 1 : i) + (c >= 0 ? j + 1 : j),
                   on.n + pn.n);
      if (!p)
        mk_note (1, "%s: only in ORIG (removed)", on.v[i]);
      if (!o)
        mk_note (1, "%s: only in PATCHED (new)", pn.v[j]);
      add_unit (ctx, NULL, o, p);
      if (c <= 0)
        i++;
      if (c >= 0)
        j++;
    }
  for (size_t k = 0; k < on.n; k++)
    free (on.v[k]);
  for (size_t k = 0; k < pn.n; k++)
    free (pn.v[k]);
  free (on.v);
  free (pn.v);
  return ok;
}

/* The target.  */

static void
add_tsym (struct mk_target *t, struct mk_tsym *s)
{
  struct mk_tsym *first = mk_map_put (&t->syms, s->name, s);
  if (first)
    {
      /* Keep the records first: they know units.  */
      while (first->next)
        first = first->next;
      first->next = s;
    }
}

static void
read_target_symtab (struct mk_target *t, Elf_Scn *scn, const GElf_Shdr *sh)
{
  Elf_Data *d = elf_getdata (scn, NULL);
  if (!d || sh->sh_entsize == 0)
    return;
  size_t n = sh->sh_size / sh->sh_entsize;
  const char *file = NULL;
  for (size_t i = 1; i < n; i++)
    {
      GElf_Sym sym;
      if (!gelf_getsym (d, (int) i, &sym))
        continue;
      const char *name = elf_strptr (t->elf, sh->sh_link, sym.st_name);
      int type = GELF_ST_TYPE (sym.st_info);
      if (type == STT_FILE)
        {
          file = name;
          continue;
        }
      if (!name || !*name || sym.st_shndx == SHN_UNDEF
          || (type != STT_FUNC && type != STT_OBJECT && type != STT_TLS
              && type != STT_NOTYPE && type != STT_GNU_IFUNC))
        continue;
      struct mk_tsym *s = mk_xcalloc (1, sizeof *s);
      s->name = name;
      s->local = GELF_ST_BIND (sym.st_info) == STB_LOCAL;
      s->unit = s->local ? file : NULL;
      s->addr = sym.st_value;
      s->size = sym.st_size;
      s->tls = type == STT_TLS;
      s->func = type == STT_FUNC || type == STT_GNU_IFUNC;
      add_tsym (t, s);
    }
}

/* Open the target and take its type and build-id.  */

static bool
open_target (struct mk_target *t, const char *path)
{
  enum ulp_elf_status status;
  struct outcome oc;
  t->path = path;
  t->fd = -1;
  t->ue = ulp_elf_open_status (path, &status, &oc);
  if (!t->ue)
    {
      if (status == ULP_ELF_NOT_PATCHABLE)
        mk_error (path, "not live-patchable (no ulp metadata): the running "
                  "program can only be patched if it was built with ulp");
      else
        mk_error (path, "%s", oc.message);
      return false;
    }
  t->type = ulp_elf_type (t->ue);
  if (t->type == ULP_ELF_REL)
    {
      mk_error (path, "an object file: --target wants the shared object or "
                "executable the running process has loaded");
      return false;
    }
  size_t idlen;
  const unsigned char *id = ulp_elf_build_id (t->ue, &idlen);
  if (!id)
    {
      mk_error (path, "no GNU build-id: the runtime tells builds apart by "
                "it; link the target with -Wl,--build-id");
      return false;
    }
  _Static_assert (sizeof t->build_id >= 2 * ULP_BUILD_ID_MAX + 1,
                  "a build-id fits in hex");
  ulp_hex (id, idlen, t->build_id);
  t->elf = ulp_elf_handle (t->ue);
  struct ulp_note note;
  if (ulp_elf_note (t->ue, &note))
    {
      t->object_state = note.object_state;
      t->thread_state = note.thread_state;
    }
  return true;
}

/* The target's DT_SONAME and DT_NEEDED, from its dynamic section D.  */

static void
read_target_dynamic (struct mk_target *t, Elf_Data *d)
{
  GElf_Dyn dyn;
  uint64_t strtab = 0;
  for (int j = 0; d && gelf_getdyn (d, j, &dyn); j++)
    if (dyn.d_tag == DT_NULL)
      break;
    else if (dyn.d_tag == DT_STRTAB)
      strtab = dyn.d_un.d_ptr;
  /* DT_STRTAB is an address: the section holding it names the
     strings.  */
  size_t strndx = 0;
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn (t->elf, scn)) != NULL)
    {
      GElf_Shdr sh;
      if (gelf_getshdr (scn, &sh) && sh.sh_type == SHT_STRTAB
          && sh.sh_addr == strtab && (sh.sh_flags & SHF_ALLOC))
        strndx = elf_ndxscn (scn);
    }
  for (int j = 0; strndx && d && gelf_getdyn (d, j, &dyn); j++)
    if (dyn.d_tag == DT_NULL)
      break;
    else if (dyn.d_tag == DT_SONAME)
      t->soname = elf_strptr (t->elf, strndx, dyn.d_un.d_val);
    else if (dyn.d_tag == DT_NEEDED)
      {
        const char *n = elf_strptr (t->elf, strndx, dyn.d_un.d_val);
        if (n)
          {
            t->needed = mk_xrealloc (t->needed, (t->nneeded + 1)
                                                * sizeof *t->needed);
            t->needed[t->nneeded++] = mk_xstrdup (n);
          }
      }
}

/* The target's TLS segment and dynamic section; its soname.  */

static void
read_target_segments (struct mk_target *t, const char *path)
{
  size_t phnum;
  if (elf_getphdrnum (t->elf, &phnum) != 0)
    phnum = 0;
  for (size_t i = 0; i < phnum; i++)
    {
      GElf_Phdr ph;
      if (!gelf_getphdr (t->elf, (int) i, &ph))
        continue;
      if (ph.p_type == PT_TLS)
        {
          t->has_tls = true;
          t->tls_vaddr = ph.p_vaddr;
          t->tls_memsz = ph.p_memsz;
          t->tls_align = ph.p_align ? ph.p_align : 1;
        }
      else if (ph.p_type == PT_DYNAMIC)
        read_target_dynamic (t, elf_getdata_rawchunk (t->elf,
                                                      (int64_t) ph.p_offset,
                                                      ph.p_filesz,
                                                      ELF_T_DYN));
    }
  if (!t->soname)
    {
      /* The runtime names an object without DT_SONAME by its file's
         base name.  */
      const char *slash = strrchr (path, '/');
      t->soname = slash ? slash + 1 : path;
    }
}

/* The target's symbols: records first, then the symbol tables.  */

static void
read_target_symbols (struct mk_target *t)
{
  const struct ulp_func *f = ulp_elf_funcs (t->ue);
  for (size_t i = 0; i < ulp_elf_nfuncs (t->ue); i++)
    {
      struct mk_tsym *s = mk_xcalloc (1, sizeof *s);
      s->name = f[i].name;
      s->unit = f[i].unit;
      s->addr = f[i].address;
      s->size = f[i].code_size;
      s->rec = &f[i];
      s->local = !(f[i].flags & ULP_F_GLOBAL);
      s->tls = (f[i].flags & ULP_F_TLS) != 0;
      s->func = f[i].kind != ULP_KIND_VARIABLE;
      add_tsym (t, s);
    }
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn (t->elf, scn)) != NULL)
    {
      GElf_Shdr sh;
      if (gelf_getshdr (scn, &sh)
          && (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM))
        read_target_symtab (t, scn, &sh);
    }
}

/* The GOT entries the dynamic linker fills: a GOT load of the patch
   reads the target's own entry, so it sees what the target's code sees
   (an interposed definition, a copy-relocated variable).  */

static void
read_target_got (struct mk_target *t)
{
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn (t->elf, scn)) != NULL)
    {
      GElf_Shdr sh, ssh;
      if (!gelf_getshdr (scn, &sh) || sh.sh_type != SHT_RELA
          || !(sh.sh_flags & SHF_ALLOC) || sh.sh_entsize == 0)
        continue;
      Elf_Scn *syms = elf_getscn (t->elf, sh.sh_link);
      Elf_Data *sd = syms ? elf_getdata (syms, NULL) : NULL;
      Elf_Data *d = elf_getdata (scn, NULL);
      if (!sd || !d || !gelf_getshdr (syms, &ssh))
        continue;
      size_t n = sh.sh_size / sh.sh_entsize;
      for (size_t i = 0; i < n; i++)
        {
          GElf_Rela r;
          GElf_Sym sym;
          if (!gelf_getrela (d, (int) i, &r)
              || GELF_R_TYPE (r.r_info) != R_X86_64_GLOB_DAT
              || !gelf_getsym (sd, (int) GELF_R_SYM (r.r_info), &sym))
            continue;
          const char *name = elf_strptr (t->elf, ssh.sh_link, sym.st_name);
          if (name && *name)
            mk_map_put (&t->got, name, (void *) (uintptr_t) (r.r_offset + 1));
        }
    }
}

static bool
load_target (struct mk_ctx *ctx)
{
  struct mk_target *t = &ctx->target;
  const char *path = ctx->opt.target;
  if (!open_target (t, path))
    return false;
  read_target_segments (t, path);
  read_target_symbols (t);
  read_target_got (t);
  mk_note (1, "target %s: %s, soname %s, build-id %s, %zu records", path,
           ulp_elf_type_name (t->type), t->soname, t->build_id,
           ulp_elf_nfuncs (t->ue));
  return true;
}

void
mk_target_free (struct mk_target *t)
{
  for (size_t i = 0; i < t->syms.cap; i++)
    if (t->syms.keys && t->syms.keys[i])
      for (struct mk_tsym *s = t->syms.vals[i], *n; s; s = n)
        {
          n = s->next;
          free (s);
        }
  mk_map_free (&t->syms);
  mk_map_free (&t->got);
  for (size_t i = 0; i < t->nneeded; i++)
    free (t->needed[i]);
  free (t->needed);
  ulp_elf_close (t->ue);
}

const struct mk_tsym *
mk_target_lookup (const struct mk_target *t, const char *name,
                  const char *unit, bool local)
{
  const struct mk_tsym *s = mk_map_get (&t->syms, name);
  const struct mk_tsym *any = NULL;
  for (; s; s = s->next)
    {
      if (local)
        {
          if (s->local && (!unit || !s->unit || ulp_unit_same (s->unit, unit)))
            return s;
          continue;
        }
      if (!s->local)
        return s;
      if (!any)
        any = s;
    }
  /* A global of ORIG may be hidden, and so local in a linked file's
     symbol table.  */
  return local ? NULL : any;
}

/* Build trees as they are.  A directory may hold objects the target
   was not linked from: test programs, other libraries, and in a libtool
   build each source's object twice (the PIC one under .libs for the
   shared library, the non-PIC one beside it for the static library).
   The target's records name the units it was linked from; of several
   objects of one unit, the one whose functions have the sizes the
   target's records give (ties: the .libs one for a shared object, the
   other for an executable).  Objects of one unit's name that define
   different functions are different sources (util.c in two
   directories), all kept.  Everything else is left out, and named.  */

static bool
under_libs (const char *rel)
{
  return strncmp (rel, ".libs/", 6) == 0 || strstr (rel, "/.libs/") != NULL;
}

/* How many of OBJ's functions have the code size the target's record of
   the same name gives.  */
static size_t
size_matches (const struct mk_target *t, const struct mk_object *obj)
{
  size_t n = 0;
  const struct ulp_func *f = ulp_elf_funcs (obj->ue);
  for (size_t i = 0; i < ulp_elf_nfuncs (obj->ue); i++)
    {
      if (f[i].kind == ULP_KIND_VARIABLE)
        continue;
      const struct mk_tsym *ts = mk_target_lookup (t, f[i].name, f[i].unit,
                                                   !(f[i].flags
                                                     & ULP_F_GLOBAL));
      if (ts && ts->rec && ts->rec->code_size == f[i].code_size)
        n++;
    }
  return n;
}

/* Whether every function of the object with fewer functions, of A and
   B, is one of the other's too, by name: then they are two builds of
   one source (the PIC and non-PIC objects of libtool), rather than two
   sources of the same name in different directories, which the target
   may both have been linked from.  */
static bool
same_functions (const struct mk_object *a, const struct mk_object *b)
{
  const struct ulp_func *fa = ulp_elf_funcs (a->ue);
  const struct ulp_func *fb = ulp_elf_funcs (b->ue);
  size_t na = ulp_elf_nfuncs (a->ue), nb = ulp_elf_nfuncs (b->ue);
  if (na > nb)
    {
      const struct ulp_func *f = fa;
      fa = fb;
      fb = f;
      size_t n = na;
      na = nb;
      nb = n;
    }
  for (size_t i = 0; i < na; i++)
    {
      if (fa[i].kind != ULP_KIND_FUNCTION || !fa[i].name)
        continue;
      bool found = false;
      for (size_t j = 0; j < nb && !found; j++)
        found = fb[j].kind == ULP_KIND_FUNCTION && fb[j].name
                && strcmp (fa[i].name, fb[j].name) == 0;
      if (!found)
        return false;
    }
  return true;
}

static void
select_objects (struct mk_ctx *ctx)
{
  struct mk_target *t = &ctx->target;
  const struct ulp_func *tf = ulp_elf_funcs (t->ue);
  size_t ntf = ulp_elf_nfuncs (t->ue);
  bool known = false;
  for (size_t i = 0; i < ntf && !known; i++)
    known = tf[i].unit && *tf[i].unit;
  if (!known)
    return;
  bool *drop = mk_xcalloc (ctx->nunits ? ctx->nunits : 1, sizeof *drop);
  char **why = mk_xcalloc (ctx->nunits ? ctx->nunits : 1, sizeof *why);
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      const struct mk_object *o = ctx->units[u].orig;
      if (!o || !o->unit)
        continue;
      bool in = false;
      for (size_t i = 0; i < ntf && !in; i++)
        in = tf[i].unit && ulp_unit_same (tf[i].unit, o->unit);
      if (!in)
        drop[u] = true;
    }
  /* When no object is of a unit of the target, the target is another
     build altogether: keep them all, so that the verify phase says so
     (and refuses), rather than finding nothing to compare.  */
  bool any_in = false;
  for (size_t u = 0; u < ctx->nunits && !any_in; u++)
    any_in = ctx->units[u].orig && ctx->units[u].orig->unit && !drop[u];
  if (!any_in)
    {
      free (drop);
      free (why);
      return;
    }
  /* Several objects of one unit: keep the best match.  */
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      const struct mk_object *o = ctx->units[u].orig;
      if (drop[u] || !o || !o->unit)
        continue;
      size_t best = u, best_n = size_matches (t, o);
      for (size_t v = u + 1; v < ctx->nunits; v++)
        {
          const struct mk_object *x = ctx->units[v].orig;
          if (drop[v] || !x || !x->unit || strcmp (x->unit, o->unit) != 0
              || !same_functions (o, x))
            continue;
          size_t n = size_matches (t, x);
          bool libs_wanted = t->type != ULP_ELF_EXEC;
          if (n > best_n
              || (n == best_n
                  && under_libs (x->rel) == libs_wanted
                  && under_libs (ctx->units[best].orig->rel) != libs_wanted))
            {
              best = v;
              best_n = n;
            }
        }
      for (size_t v = u; v < ctx->nunits; v++)
        {
          const struct mk_object *x = ctx->units[v].orig;
          if (v == best || drop[v] || !x || !x->unit
              || strcmp (x->unit, o->unit) != 0
              || !same_functions (ctx->units[best].orig, x))
            continue;
          drop[v] = true;
          why[v] = mk_xasprintf ("another build of %s", o->unit);
        }
    }
  char *list = mk_xstrdup ("");
  size_t n = 0, k = 0;
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_unit *unit = &ctx->units[u];
      if (!drop[u])
        {
          ctx->units[k++] = *unit;
          free (why[u]);
          continue;
        }
      char *l = mk_xasprintf ("%s%s%s%s%s", list, n ? ", " : "", unit->rel,
                              why[u] ? " (" : "", why[u] ? why[u] : "");
      free (list);
      list = why[u] ? mk_xasprintf ("%s)", l) : l;
      if (why[u])
        free (l);
      n++;
      free (why[u]);
      if (unit->orig)
        drop_object (unit->orig);
      if (unit->patched)
        drop_object (unit->patched);
    }
  ctx->nunits = k;
  if (n)
    {
      mk_note (0, "note: left out %zu object%s of ORIG and PATCHED that %s "
               "was not linked from (its records name the units it was): "
               "%s", n, n == 1 ? "" : "s", t->path, list);
    }
  free (list);
  free (drop);
  free (why);
}

/* A libtool library (.la file) stands for the build directory holding
   it, whose objects are under .libs.  */
static const char *
la_dir (const char *path, char **buf)
{
  size_t len = strlen (path);
  struct stat st;
  *buf = NULL;
  if (len < 3 || strcmp (path + len - 3, ".la") != 0 || stat (path, &st) != 0
      || !S_ISREG (st.st_mode))
    return path;
  const char *slash = strrchr (path, '/');
  *buf = slash ? mk_xasprintf ("%.*s", (int) (slash - path), path)
               : mk_xstrdup (".");
  if (!**buf)
    {
      free (*buf);
      *buf = mk_xstrdup ("/");
    }
  mk_note (1, "%s: a libtool library: its directory %s", path, *buf);
  return *buf;
}

bool
mk_load (struct mk_ctx *ctx)
{
  mk_note (1, "phase load");
  ctx->opt.orig = la_dir (ctx->opt.orig, &ctx->orig_dir);
  ctx->opt.patched = la_dir (ctx->opt.patched, &ctx->patched_dir);
  struct stat so, sp;
  if (stat (ctx->opt.orig, &so) != 0)
    {
      mk_error (ctx->opt.orig, "%s", strerror (errno));
      return false;
    }
  if (stat (ctx->opt.patched, &sp) != 0)
    {
      mk_error (ctx->opt.patched, "%s", strerror (errno));
      return false;
    }
  if (S_ISDIR (so.st_mode) != S_ISDIR (sp.st_mode))
    {
      mk_error (NULL, "ORIG and PATCHED must both be object files or both "
                "directories (%s is %s, %s is %s)", ctx->opt.orig,
                S_ISDIR (so.st_mode) ? "a directory" : "a file",
                ctx->opt.patched,
                S_ISDIR (sp.st_mode) ? "a directory" : "a file");
      return false;
    }
  if (S_ISDIR (so.st_mode))
    {
      if (!load_dirs (ctx) || !load_target (ctx))
        return false;
      select_objects (ctx);
      return true;
    }
  else
    {
      const char *base = strrchr (ctx->opt.orig, '/');
      base = base ? base + 1 : ctx->opt.orig;
      struct mk_object *o = load_object (ctx->opt.orig, base, true);
      if (!o)
        return false;
      struct mk_object *p = load_object (ctx->opt.patched, base, false);
      if (!p)
        return false;
      add_unit (ctx, base, o, p);
    }
  return load_target (ctx);
}
