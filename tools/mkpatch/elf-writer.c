/* elf-writer.c -- build an x86-64 relocatable ELF object and write it.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The object is kept in plain arrays while it is built, since its
   sections and symbols are added in any order and relocations refer to
   symbol indexes the caller gets back at once; libelf only sees it when
   it is written, in elfw_write's phases: the header, the content
   sections, their relocation sections, the symbol table and the two
   string tables.  Allocation and diagnostics are ulp-mkpatch's
   (mkpatch-util.c).  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf-writer.h"
#include "mkpatch.h"

/* A string table being built: "" at offset 0, then each string added.  */
struct strtab
{
  char *buf;
  size_t size, cap;
};

struct elfw
{
  struct elfw_section *secs;
  size_t nsecs, secs_cap;
  GElf_Sym *syms;
  size_t nsyms, syms_cap;
  struct strtab names;         /* the symbols' names.  */
  size_t first_global;
  struct mk_map undefined;     /* name -> symbol index + 1.  */
  char **undefined_keys;
  size_t nundefined_keys, undefined_keys_cap;
};

/* Add S to T; return its offset.  The empty string is the one at 0.  */

static size_t
strtab_add (struct strtab *t, const char *s)
{
  size_t len = strlen (s) + 1;
  if (t->size == 0)
    {
      mk_grow (&t->buf, &t->cap, 0, 1);
      t->buf[0] = '\0';
      t->size = 1;
    }
  if (len == 1)
    return 0;
  while (t->size + len > t->cap)
    mk_grow (&t->buf, &t->cap, t->cap, 1);
  memcpy (t->buf + t->size, s, len);
  t->size += len;
  return t->size - len;
}

/* ------------------------------------------------------------------ */
/* Building.                                                           */
/* ------------------------------------------------------------------ */

struct elfw *
elfw_new (void)
{
  struct elfw *w = mk_xcalloc (1, sizeof *w);
  elfw_add_symbol (w, NULL, STB_LOCAL, STT_NOTYPE, SHN_UNDEF, 0, 0, 0);
  return w;
}

void
elfw_free (struct elfw *w)
{
  if (!w)
    return;
  for (size_t i = 0; i < w->nsecs; i++)
    {
      free (w->secs[i].name);
      free (w->secs[i].data);
      free (w->secs[i].relas);
    }
  free (w->secs);
  free (w->syms);
  free (w->names.buf);
  for (size_t i = 0; i < w->nundefined_keys; i++)
    free (w->undefined_keys[i]);
  free (w->undefined_keys);
  mk_map_free (&w->undefined);
  free (w);
}

size_t
elfw_add_section (struct elfw *w, const char *name, uint32_t type,
                  uint64_t flags, uint64_t align, uint64_t entsize)
{
  mk_grow (&w->secs, &w->secs_cap, w->nsecs, sizeof *w->secs);
  struct elfw_section *s = &w->secs[w->nsecs];
  memset (s, 0, sizeof *s);
  s->name = mk_xstrdup (name);
  s->sh.sh_type = type;
  s->sh.sh_flags = flags;
  s->sh.sh_addralign = align ? align : 1;
  s->sh.sh_entsize = entsize;
  /* After the null section.  */
  s->index = w->nsecs + 1;
  return w->nsecs++;
}

struct elfw_section *
elfw_section (struct elfw *w, size_t k)
{
  return &w->secs[k];
}

size_t
elfw_nsections (const struct elfw *w)
{
  return w->nsecs;
}

uint64_t
elfw_append (struct elfw *w, size_t k, const void *bytes, size_t len)
{
  struct elfw_section *s = &w->secs[k];
  uint64_t at = s->size;
  s->data = mk_xrealloc (s->data, s->size + len);
  memcpy (s->data + at, bytes, len);
  s->size += len;
  return at;
}

void
elfw_add_rela (struct elfw *w, size_t k, uint64_t offset, uint32_t type,
               size_t sym, int64_t addend)
{
  struct elfw_section *s = &w->secs[k];
  mk_grow (&s->relas, &s->relas_cap, s->nrelas, sizeof *s->relas);
  GElf_Rela *r = &s->relas[s->nrelas++];
  r->r_offset = offset;
  r->r_info = GELF_R_INFO (sym, type);
  r->r_addend = addend;
}

size_t
elfw_add_symbol (struct elfw *w, const char *name, unsigned char bind,
                 unsigned char type, size_t shndx, uint64_t value,
                 uint64_t size, unsigned char other)
{
  mk_grow (&w->syms, &w->syms_cap, w->nsyms, sizeof *w->syms);
  GElf_Sym *s = &w->syms[w->nsyms];
  memset (s, 0, sizeof *s);
  s->st_name = (Elf64_Word) strtab_add (&w->names, name ? name : "");
  s->st_info = GELF_ST_INFO (bind, type);
  s->st_other = other;
  s->st_shndx = (Elf64_Section) shndx;
  s->st_value = value;
  s->st_size = size;
  return w->nsyms++;
}

void
elfw_add_section_symbols (struct elfw *w)
{
  for (size_t i = 0; i < w->nsecs; i++)
    w->secs[i].sym = elfw_add_symbol (w, NULL, STB_LOCAL, STT_SECTION,
                                      w->secs[i].index, 0, 0, 0);
}

void
elfw_end_locals (struct elfw *w)
{
  w->first_global = w->nsyms;
}

size_t
elfw_undefined_symbol (struct elfw *w, const char *name, bool weak)
{
  void *v = mk_map_get (&w->undefined, name);
  if (v)
    return (size_t) (uintptr_t) v - 1;
  size_t i = elfw_add_symbol (w, name, weak ? STB_WEAK : STB_GLOBAL,
                              STT_NOTYPE, SHN_UNDEF, 0, 0, 0);
  mk_grow (&w->undefined_keys, &w->undefined_keys_cap, w->nundefined_keys,
           sizeof *w->undefined_keys);
  char *key = mk_xstrdup (name);
  w->undefined_keys[w->nundefined_keys++] = key;
  mk_map_put (&w->undefined, key, (void *) (uintptr_t) (i + 1));
  return i;
}

/* ------------------------------------------------------------------ */
/* Writing.                                                            */
/* ------------------------------------------------------------------ */

/* The file being written.  */
struct file
{
  Elf *elf;
  struct strtab shnames;       /* .shstrtab.  */
  void **bufs;                 /* buffers libelf writes from but does not
                                  own.  */
  size_t nbufs;
  size_t symtab, strtab, shstrtab;   /* their section indexes.  */
};

/* A new section of F, its header in *SH and one data block in *D.  */

static Elf_Scn *
new_scn (struct file *f, GElf_Shdr *sh, Elf_Data **d)
{
  Elf_Scn *scn = elf_newscn (f->elf);
  if (!scn || !gelf_getshdr (scn, sh))
    return NULL;
  *d = elf_newdata (scn);
  return *d ? scn : NULL;
}

static bool
write_header (struct file *f)
{
  GElf_Ehdr eh;
  if (!gelf_newehdr (f->elf, ELFCLASS64) || !gelf_getehdr (f->elf, &eh))
    return false;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
  eh.e_machine = EM_X86_64;
  eh.e_type = ET_REL;
  eh.e_version = EV_CURRENT;
  eh.e_shstrndx = (Elf64_Half) f->shstrtab;
  return gelf_update_ehdr (f->elf, &eh);
}

/* Where the tables go: after the content sections and one relocation
   section for each that has relocations.  */

static void
place_tables (const struct elfw *w, struct file *f)
{
  size_t nrela = 0;
  for (size_t i = 0; i < w->nsecs; i++)
    if (w->secs[i].nrelas)
      nrela++;
  f->symtab = w->nsecs + nrela + 1;
  f->strtab = f->symtab + 1;
  f->shstrtab = f->strtab + 1;
}

static bool
write_contents (const struct elfw *w, struct file *f)
{
  for (size_t i = 0; i < w->nsecs; i++)
    {
      const struct elfw_section *s = &w->secs[i];
      GElf_Shdr sh;
      Elf_Data *d;
      Elf_Scn *scn = new_scn (f, &sh, &d);
      if (!scn)
        return false;
      sh = s->sh;
      sh.sh_name = (Elf64_Word) strtab_add (&f->shnames, s->name);
      sh.sh_size = s->size;
      if (s->link_to)
        sh.sh_link = (Elf64_Word) s->link_to;
      d->d_buf = s->sh.sh_type == SHT_NOBITS ? NULL : s->data;
      d->d_size = s->size;
      d->d_type = ELF_T_BYTE;
      d->d_align = s->sh.sh_addralign;
      if (!gelf_update_shdr (scn, &sh))
        return false;
    }
  return true;
}

static bool
write_relas (const struct elfw *w, struct file *f)
{
  for (size_t i = 0; i < w->nsecs; i++)
    {
      const struct elfw_section *s = &w->secs[i];
      if (!s->nrelas)
        continue;
      GElf_Shdr sh;
      Elf_Data *d;
      Elf_Scn *scn = new_scn (f, &sh, &d);
      if (!scn)
        return false;
      Elf64_Rela *r = mk_xcalloc (s->nrelas, sizeof *r);
      f->bufs[f->nbufs++] = r;
      for (size_t k = 0; k < s->nrelas; k++)
        {
          r[k].r_offset = s->relas[k].r_offset;
          r[k].r_info = s->relas[k].r_info;
          r[k].r_addend = s->relas[k].r_addend;
        }
      char *name = mk_xasprintf (".rela%s", s->name);
      memset (&sh, 0, sizeof sh);
      sh.sh_name = (Elf64_Word) strtab_add (&f->shnames, name);
      free (name);
      sh.sh_type = SHT_RELA;
      sh.sh_flags = SHF_INFO_LINK;
      sh.sh_link = (Elf64_Word) f->symtab;
      sh.sh_info = (Elf64_Word) s->index;
      sh.sh_entsize = sizeof (Elf64_Rela);
      sh.sh_addralign = 8;
      d->d_buf = r;
      d->d_size = s->nrelas * sizeof *r;
      d->d_type = ELF_T_RELA;
      d->d_align = 8;
      if (!gelf_update_shdr (scn, &sh))
        return false;
    }
  return true;
}

static bool
write_symtab (const struct elfw *w, struct file *f)
{
  GElf_Shdr sh;
  Elf_Data *d;
  Elf_Scn *scn = new_scn (f, &sh, &d);
  if (!scn)
    return false;
  Elf64_Sym *sy = mk_xcalloc (w->nsyms, sizeof *sy);
  f->bufs[f->nbufs++] = sy;
  for (size_t k = 0; k < w->nsyms; k++)
    {
      sy[k].st_name = w->syms[k].st_name;
      sy[k].st_info = w->syms[k].st_info;
      sy[k].st_other = w->syms[k].st_other;
      sy[k].st_shndx = w->syms[k].st_shndx;
      sy[k].st_value = w->syms[k].st_value;
      sy[k].st_size = w->syms[k].st_size;
    }
  d->d_buf = sy;
  d->d_size = w->nsyms * sizeof *sy;
  d->d_type = ELF_T_SYM;
  d->d_align = 8;
  sh.sh_name = (Elf64_Word) strtab_add (&f->shnames, ".symtab");
  sh.sh_type = SHT_SYMTAB;
  sh.sh_link = (Elf64_Word) f->strtab;
  sh.sh_info = (Elf64_Word) w->first_global;
  sh.sh_entsize = sizeof (Elf64_Sym);
  sh.sh_addralign = 8;
  return gelf_update_shdr (scn, &sh);
}

/* A string table section NAME holding T.  NAME goes into .shstrtab
   first, so that T may be .shstrtab itself, its own name included.  */

static bool
write_strtab (struct file *f, const char *name, const struct strtab *t)
{
  GElf_Shdr sh;
  Elf_Data *d;
  Elf_Scn *scn = new_scn (f, &sh, &d);
  if (!scn)
    return false;
  sh.sh_name = (Elf64_Word) strtab_add (&f->shnames, name);
  d->d_buf = t->buf;
  d->d_size = t->size;
  d->d_type = ELF_T_BYTE;
  d->d_align = 1;
  sh.sh_type = SHT_STRTAB;
  sh.sh_addralign = 1;
  return gelf_update_shdr (scn, &sh);
}

bool
elfw_write (const struct elfw *w, const char *path)
{
  int fd = open (path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    {
      mk_error (path, "%s", strerror (errno));
      return false;
    }
  struct file f = { .elf = elf_begin (fd, ELF_C_WRITE, NULL) };
  /* One for each relocation section and the symbol table.  */
  f.bufs = mk_xcalloc (w->nsecs + 2, sizeof *f.bufs);
  strtab_add (&f.shnames, "");
  place_tables (w, &f);
  bool ok = (f.elf
             && write_header (&f)
             && write_contents (w, &f)
             && write_relas (w, &f)
             && write_symtab (w, &f)
             && write_strtab (&f, ".strtab", &w->names)
             && write_strtab (&f, ".shstrtab", &f.shnames)
             && elf_update (f.elf, ELF_C_WRITE) >= 0);
  if (!ok)
    mk_error (path, "cannot write: %s", elf_errmsg (-1));
  if (f.elf)
    elf_end (f.elf);
  close (fd);
  for (size_t i = 0; i < f.nbufs; i++)
    free (f.bufs[i]);
  free (f.bufs);
  free (f.shnames.buf);
  return ok;
}
