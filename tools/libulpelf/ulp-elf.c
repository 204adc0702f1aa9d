/* ulp-elf.c -- read ulp metadata from ELF files with libelf.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Linked objects are read the way the runtime sees them: the ULP note
   is found through the PT_NOTE program headers (so stripped files
   work), and every address is turned into file bytes through the
   PT_LOAD segments.  Relocatable objects have no note and unresolved
   references, so there the records are read from each .ulp_meta section
   and every reference is taken from its R_X86_64_PC32 relocation.
   Nothing read from the file is trusted: each reference, string and
   array is checked against the bounds of the segment or section it
   lies in before it is used.  Multi-byte fields are decoded as little
   endian explicitly, so the tools also work on a big-endian host.  */

#ifdef HAVE_CONFIG_H
# include <config.h>
#endif
/* For vasprintf and reallocarray.  */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include "ulp-elf.h"
#include "ulp-format.h"
#include "ulp-note.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <gelf.h>

/* A PT_LOAD segment's file contents.  DATA is NULL when the file is too
   short to hold them.  */
struct segment
{
  uint64_t vaddr;
  uint64_t filesz;
  uint64_t memsz;
  const unsigned char *data;
};

/* One relocation of a section of a .o, in the order of its offset.  */
struct reloc
{
  uint64_t offset;
  uint32_t type;
  uint32_t sym;
  int64_t addend;
};

/* The relocations that apply to one section, sorted by offset.  */
struct relocs
{
  size_t n;
  struct reloc *r;
  Elf_Data *symdata;
  Elf_Data *xndxdata;
};

struct ulp_elf
{
  char *path;
  int fd;
  Elf *elf;
  enum ulp_elf_type type;
  unsigned version;
  struct ulp_notes notes;    /* the build-id and the ULP note.  */
  struct ulp_note note;      /* the ULP note, decoded.  */

  struct ulp_func *funcs;
  size_t nfuncs;
  size_t funcs_alloc;

  /* Linked objects.  */
  struct segment *segs;
  size_t nsegs;
  bool have_table;
  uint64_t table;
  uint64_t table_size;
  uint32_t record_size;

  /* Relocatable objects.  */
  size_t shnum;
  size_t shstrndx;
  Elf_Scn **rela_scn;      /* [shndx]: the SHT_RELA section for it.  */
  Elf_Scn **xndx_scn;      /* [symtab shndx]: its SHT_SYMTAB_SHNDX.  */
  struct relocs **relocs;  /* [shndx]: its sorted relocations, lazily.  */

  /* The first error, and its kind.  */
  enum ulp_elf_status status;
  char *err;
};

/* The inline list of a function that has none.  */
static const char *no_inlined[1] = { NULL };

/* Record the first error of UE.  Always returns false, so callers can
   write `return fail (...)'.  */
static bool __attribute__ ((format (printf, 3, 4)))
fail (struct ulp_elf *ue, enum ulp_elf_status status, const char *fmt, ...)
{
  if (ue->err != NULL || ue->status == ULP_ELF_ERR_NOMEM)
    return false;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&ue->err, fmt, ap) < 0)
    {
      ue->err = NULL;
      status = ULP_ELF_ERR_NOMEM;
    }
  va_end (ap);
  ue->status = status;
  return false;
}

static bool
fail_nomem (struct ulp_elf *ue)
{
  return fail (ue, ULP_ELF_ERR_NOMEM, "out of memory");
}

/* A libelf call failed on something that should be there.  */
static bool
fail_elf (struct ulp_elf *ue, const char *what)
{
  return fail (ue, ULP_ELF_ERR_CORRUPT, "%s: %s", what, elf_errmsg (-1));
}

/* A self-relative reference as the file holds it at P (x86-64 files
   only, read on x86-64).  */
static int32_t
load_ref (const unsigned char *p)
{
  int32_t v;
  memcpy (&v, p, sizeof v);
  return v;
}

/* The offsets of the record's reference fields, for messages and
   relocations (ulp-meta.h).  */
enum
{
  REC_ADDR = offsetof (struct ulp_record, addr),
  REC_NAME = offsetof (struct ulp_record, name),
  REC_ORIGIN = offsetof (struct ulp_record, origin),
  REC_UNIT = offsetof (struct ulp_record, unit),
  REC_INLINED = offsetof (struct ulp_record, inlined),
  REC_SIZE = ULP_RECORD_SIZE
};

/* Append a function to UE's list; NULL when out of memory.  */
static struct ulp_func *
new_func (struct ulp_elf *ue)
{
  if (ue->nfuncs == ue->funcs_alloc)
    {
      size_t n = ue->funcs_alloc ? 2 * ue->funcs_alloc : 64;
      struct ulp_func *f = reallocarray (ue->funcs, n, sizeof *f);
      if (f == NULL)
        {
          fail_nomem (ue);
          return NULL;
        }
      ue->funcs = f;
      ue->funcs_alloc = n;
    }
  struct ulp_func *f = &ue->funcs[ue->nfuncs++];
  memset (f, 0, sizeof *f);
  f->inlined = no_inlined;
  return f;
}

/* Add NAME to the inline list of F.  */
static bool
add_inlined (struct ulp_elf *ue, struct ulp_func *f, const char *name)
{
  /* Grow by doubling; the array keeps a NULL terminator.  */
  size_t n = f->n_inlined;
  if (f->inlined == no_inlined || (n & (n + 1)) == 0)
    {
      size_t cap = f->inlined == no_inlined ? 4 : 2 * (n + 1);
      const char **v = f->inlined == no_inlined ? NULL : f->inlined;
      v = reallocarray (v, cap, sizeof *v);
      if (v == NULL)
        return fail_nomem (ue);
      f->inlined = v;
    }
  f->inlined[n] = name;
  f->inlined[n + 1] = NULL;
  f->n_inlined = n + 1;
  return true;
}

/* Flags and fields that do not need resolving, from record bytes P.  */
static void
decode_plain_fields (struct ulp_func *f, const unsigned char *p)
{
  struct ulp_record r;
  memcpy (&r, p, sizeof r);
  f->code_size = r.code_size;
  f->flags = r.flags;
  f->kind = r.kind;
  f->pre_entry = r.pre_entry;
  f->entry_offset = r.entry_offset;
  f->entry_size = r.entry_size;
  f->tracking = r.tracking;
}

/* Is there a section called NAME?  Used to explain a missing note.  */
static bool
has_section (struct ulp_elf *ue, const char *name)
{
  size_t shstrndx;
  if (elf_getshdrstrndx (ue->elf, &shstrndx) != 0)
    return false;
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn (ue->elf, scn)) != NULL)
    {
      GElf_Shdr sh;
      if (gelf_getshdr (scn, &sh) == NULL)
        continue;
      const char *n = elf_strptr (ue->elf, shstrndx, sh.sh_name);
      if (n != NULL && strcmp (n, name) == 0)
        return true;
    }
  return false;
}

/* Linked objects.  */

/* The segment that holds VADDR in the file, or NULL.  */
static const struct segment *
find_segment (const struct ulp_elf *ue, uint64_t vaddr)
{
  for (size_t i = 0; i < ue->nsegs; i++)
    {
      const struct segment *s = &ue->segs[i];
      if (s->data != NULL && vaddr >= s->vaddr
          && vaddr - s->vaddr < s->filesz)
        return s;
    }
  return NULL;
}

const unsigned char *
ulp_elf_read_vaddr (const struct ulp_elf *ue, uint64_t vaddr, uint64_t size)
{
  for (size_t i = 0; i < ue->nsegs; i++)
    {
      const struct segment *s = &ue->segs[i];
      if (s->data == NULL || vaddr < s->vaddr)
        continue;
      uint64_t off = vaddr - s->vaddr;
      if (off <= s->filesz && size <= s->filesz - off
          && (off < s->filesz || size == 0))
        return s->data + off;
    }
  return NULL;
}

/* Does VADDR lie in the memory image of a loaded segment?  A variable
   may be in .bss, which has no bytes in the file.  */
static bool
in_loaded_memory (const struct ulp_elf *ue, uint64_t vaddr)
{
  for (size_t i = 0; i < ue->nsegs; i++)
    if (vaddr >= ue->segs[i].vaddr
        && vaddr - ue->segs[i].vaddr < ue->segs[i].memsz)
      return true;
  return false;
}

/* The NUL-terminated string at VADDR, or NULL with an error naming
   record INDEX and field WHAT.  */
static const char *
vaddr_string (struct ulp_elf *ue, uint64_t vaddr, size_t index,
              const char *what)
{
  const struct segment *s = find_segment (ue, vaddr);
  if (s == NULL)
    {
      fail (ue, ULP_ELF_ERR_CORRUPT,
            "corrupt ULP metadata: record %zu: %s reference %#" PRIx64
            " is outside the file's loaded segments", index, what, vaddr);
      return NULL;
    }
  const unsigned char *p = s->data + (vaddr - s->vaddr);
  if (memchr (p, 0, s->filesz - (vaddr - s->vaddr)) == NULL)
    {
      fail (ue, ULP_ELF_ERR_CORRUPT,
            "corrupt ULP metadata: record %zu: %s string at %#" PRIx64
            " has no terminating NUL", index, what, vaddr);
      return NULL;
    }
  return (const char *) p;
}

/* Resolve the self-relative reference held in P, which the file holds
   at address FIELD, into *TARGET.  False for a reference of 0.  */
static bool
vaddr_ref (const unsigned char *p, uint64_t field, uint64_t *target)
{
  int32_t v = load_ref (p);
  *target = field + (uint64_t) (int64_t) v;
  return v != 0;
}

/* Decode the record at address REC (whose bytes are P) as record
   INDEX.  */
static bool
decode_linked_record (struct ulp_elf *ue, size_t index, uint64_t rec,
                      const unsigned char *p)
{
  struct ulp_func *f = new_func (ue);
  if (f == NULL)
    return false;
  f->index = index;
  decode_plain_fields (f, p);

  uint64_t t;
  if (!vaddr_ref (p + REC_ADDR, rec + REC_ADDR, &t))
    return fail (ue, ULP_ELF_ERR_CORRUPT,
                 "corrupt ULP metadata: record %zu: no function address",
                 index);
  if (f->kind == ULP_KIND_VARIABLE ? !in_loaded_memory (ue, t)
                                   : find_segment (ue, t) == NULL)
    return fail (ue, ULP_ELF_ERR_CORRUPT,
                 "corrupt ULP metadata: record %zu: %s address %#"
                 PRIx64 " is outside the file's loaded segments", index,
                 f->kind == ULP_KIND_VARIABLE ? "variable" : "function", t);
  f->address = t;

  if (!vaddr_ref (p + REC_NAME, rec + REC_NAME, &t))
    return fail (ue, ULP_ELF_ERR_CORRUPT,
                 "corrupt ULP metadata: record %zu: no name", index);
  if ((f->name = vaddr_string (ue, t, index, "name")) == NULL)
    return false;
  if (vaddr_ref (p + REC_ORIGIN, rec + REC_ORIGIN, &t)
      && (f->origin = vaddr_string (ue, t, index, "origin")) == NULL)
    return false;
  if (vaddr_ref (p + REC_UNIT, rec + REC_UNIT, &t)
      && (f->unit = vaddr_string (ue, t, index, "unit")) == NULL)
    return false;

  uint64_t list;
  if (vaddr_ref (p + REC_INLINED, rec + REC_INLINED, &list))
    for (uint64_t elt = list;; elt += 4)
      {
        const unsigned char *q = ulp_elf_read_vaddr (ue, elt, 4);
        if (q == NULL)
          return fail (ue, ULP_ELF_ERR_CORRUPT,
                       "corrupt ULP metadata: record %zu: inline list at %#"
                       PRIx64 " runs outside the file's loaded segments",
                       index, list);
        if (!vaddr_ref (q, elt, &t))
          break;
        const char *s = vaddr_string (ue, t, index, "inlined function");
        if (s == NULL || !add_inlined (ue, f, s))
          return false;
      }

  if (f->entry_size > 0)
    f->entry_bytes = ulp_elf_read_vaddr (ue, f->address + f->entry_offset,
                                         f->entry_size);
  if (f->pre_entry > 0)
    f->pre_entry_bytes = ulp_elf_read_vaddr (ue, f->address - f->pre_entry,
                                             f->pre_entry);
  return true;
}

/* Decode and check the ULP note found among the notes of UE.  */
static bool
check_note (struct ulp_elf *ue)
{
  size_t size = ue->notes.ulp_size;
  struct ulp_note *note = &ue->note;
  enum ulp_note_status st = ulp_note_decode (ue->notes.ulp, size, note);
  ue->version = note->version;
  switch (st)
    {
    case ULP_NOTE_OK:
      return true;
    case ULP_NOTE_SHORT:
      return fail (ue, ULP_ELF_ERR_CORRUPT,
                   "corrupt ULP note: descriptor of %zu bytes", size);
    case ULP_NOTE_VERSION:
      return fail (ue, ULP_ELF_ERR_VERSION,
                   "unsupported ULP metadata version %u (this ulp reads "
                   "version %u)", ue->version, (unsigned) ULP_META_VERSION);
    case ULP_NOTE_TRUNCATED:
      return fail (ue, ULP_ELF_ERR_CORRUPT,
                   "corrupt ULP note: descriptor of %zu bytes, expected %zu",
                   size, sizeof (struct ulp_note));
    case ULP_NOTE_RECORD_SIZE:
      return fail (ue, ULP_ELF_ERR_CORRUPT,
                   "corrupt ULP note: record size %" PRIu32
                   " is smaller than %d", note->record_size, REC_SIZE);
    default:
      return fail (ue, ULP_ELF_ERR_CORRUPT,
                   "corrupt ULP note: table size %" PRIu64
                   " is not a multiple of the record size %" PRIu32,
                   note->table_size, note->record_size);
    }
}

/* Read the program headers of a linked object: its segments, notes and
   dynamic flags, then the record table.  */
static bool
read_linked (struct ulp_elf *ue, const GElf_Ehdr *eh)
{
  /* libelf reports 0 program headers when the table lies beyond the end
     of the file.  */
  size_t phnum;
  if (elf_getphdrnum (ue->elf, &phnum) != 0
      || (phnum == 0 && eh->e_phnum != 0))
    return fail (ue, ULP_ELF_ERR_CORRUPT,
                 "cannot read program headers (truncated file?)");

  ue->segs = calloc (phnum ? phnum : 1, sizeof *ue->segs);
  if (ue->segs == NULL)
    return fail_nomem (ue);

  bool interp = false, pie_flag = false, soname = false;
  for (size_t i = 0; i < phnum; i++)
    {
      GElf_Phdr ph;
      if (gelf_getphdr (ue->elf, (int) i, &ph) == NULL)
        return fail (ue, ULP_ELF_ERR_CORRUPT,
                     "cannot read program headers (truncated file?)");
      if (ph.p_type == PT_LOAD)
        {
          struct segment *s = &ue->segs[ue->nsegs++];
          s->vaddr = ph.p_vaddr;
          s->filesz = ph.p_filesz;
          s->memsz = ph.p_memsz;
          if (ph.p_filesz > 0)
            {
              /* A truncated file: leave DATA NULL, so whatever lies in
                 this segment reads as outside the file.  */
              Elf_Data *d = elf_getdata_rawchunk (ue->elf, (int64_t) ph.p_offset,
                                                  ph.p_filesz, ELF_T_BYTE);
              s->data = d ? d->d_buf : NULL;
            }
        }
      else if (ph.p_type == PT_NOTE
               && !ulp_notes_scan_phdr (&ue->notes, ue->elf, &ph))
        return fail (ue, ULP_ELF_ERR_CORRUPT,
                     "note segment at offset %#" PRIx64
                     " is outside the file (truncated?)", ph.p_offset);
      else if (ph.p_type == PT_INTERP)
        interp = true;
      else if (ph.p_type == PT_DYNAMIC && ph.p_filesz > 0)
        {
          Elf_Data *d = elf_getdata_rawchunk (ue->elf, (int64_t) ph.p_offset,
                                              ph.p_filesz, ELF_T_DYN);
          GElf_Dyn dyn;
          for (int j = 0; d != NULL && gelf_getdyn (d, j, &dyn) != NULL; j++)
            if (dyn.d_tag == DT_NULL)
              break;
            else if (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_PIE))
              pie_flag = true;
            else if (dyn.d_tag == DT_SONAME)
              soname = true;
        }
    }

  /* Linkers since binutils 2.26 / lld mark PIEs with DF_1_PIE; for older
     ones an interpreter without a soname is the best guess (some shared
     libraries, like libc.so.6, have an interpreter too).  */
  if (eh->e_type == ET_EXEC)
    ue->type = ULP_ELF_EXEC;
  else if (pie_flag || (interp && !soname))
    ue->type = ULP_ELF_PIE;
  else
    ue->type = ULP_ELF_DYN;

  if (ue->notes.ulp == NULL)
    {
      if (has_section (ue, ULP_META_SECTION))
        return fail (ue, ULP_ELF_ERR_NO_NOTE,
                     "has ulp records but no ULP note: it was linked "
                     "without ulp.ld (use -specs=ulp.specs)");
      return fail (ue, ULP_ELF_NOT_PATCHABLE,
                   "not live-patchable (no ULP note)");
    }
  if (!check_note (ue))
    return false;
  ue->record_size = ue->note.record_size;
  ue->table = ue->note.table;
  ue->table_size = ue->note.table_size;
  ue->have_table = true;
  if (ue->table_size == 0)
    return true;
  const unsigned char *tab = ulp_elf_read_vaddr (ue, ue->table,
                                                 ue->table_size);
  if (tab == NULL)
    return fail (ue, ULP_ELF_ERR_CORRUPT,
                 "corrupt ULP metadata: record table at %#" PRIx64
                 " (%" PRIu64 " bytes) is outside the file's loaded "
                 "segments", ue->table, ue->table_size);

  size_t n = ue->table_size / ue->record_size;
  for (size_t i = 0; i < n; i++)
    if (!decode_linked_record (ue, i, ue->table + i * ue->record_size,
                               tab + i * ue->record_size))
      return false;
  return true;
}

/* Relocatable objects.  */

static int
compare_reloc (const void *a, const void *b)
{
  const struct reloc *x = a, *y = b;
  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The section header of section SHNDX, or NULL.  */
static GElf_Shdr *
shdr_of (const struct ulp_elf *ue, size_t shndx, GElf_Shdr *sh)
{
  Elf_Scn *scn = elf_getscn (ue->elf, shndx);
  return scn ? gelf_getshdr (scn, sh) : NULL;
}

static const char *
section_name (const struct ulp_elf *ue, size_t shndx)
{
  GElf_Shdr sh;
  if (shdr_of (ue, shndx, &sh) == NULL)
    return NULL;
  return elf_strptr (ue->elf, ue->shstrndx, sh.sh_name);
}

/* The contents of section SHNDX, or NULL if it has none in the file.  */
static Elf_Data *
section_data (const struct ulp_elf *ue, size_t shndx)
{
  Elf_Scn *scn = elf_getscn (ue->elf, shndx);
  GElf_Shdr sh;
  if (scn == NULL || gelf_getshdr (scn, &sh) == NULL
      || sh.sh_type == SHT_NOBITS)
    return NULL;
  Elf_Data *d = elf_getdata (scn, NULL);
  return d && d->d_buf ? d : NULL;
}

const unsigned char *
ulp_elf_read_section (const struct ulp_elf *ue, size_t shndx,
                      uint64_t offset, uint64_t size)
{
  if (ue->type != ULP_ELF_REL)
    return NULL;
  Elf_Data *d = section_data (ue, shndx);
  if (d == NULL || offset > d->d_size || size > d->d_size - offset)
    return NULL;
  return (const unsigned char *) d->d_buf + offset;
}

/* The sorted relocations of section SHNDX (an empty set when it has
   none), or NULL on error.  */
static struct relocs *
relocs_of (struct ulp_elf *ue, size_t shndx)
{
  if (ue->relocs[shndx] != NULL)
    return ue->relocs[shndx];
  struct relocs *rs = calloc (1, sizeof *rs);
  if (rs == NULL)
    {
      fail_nomem (ue);
      return NULL;
    }
  ue->relocs[shndx] = rs;
  Elf_Scn *scn = ue->rela_scn[shndx];
  if (scn == NULL)
    return rs;

  GElf_Shdr sh;
  Elf_Data *d;
  if (gelf_getshdr (scn, &sh) == NULL || (d = elf_getdata (scn, NULL)) == NULL)
    {
      fail_elf (ue, "cannot read relocations");
      return NULL;
    }
  /* The symbol table, and its extended section indices if any.  */
  Elf_Scn *symscn = elf_getscn (ue->elf, sh.sh_link);
  if (symscn == NULL || (rs->symdata = elf_getdata (symscn, NULL)) == NULL)
    {
      fail (ue, ULP_ELF_ERR_CORRUPT,
            "relocation section [%zu] has no symbol table", elf_ndxscn (scn));
      return NULL;
    }
  Elf_Scn *x = ue->xndx_scn[elf_ndxscn (symscn)];
  if (x != NULL)
    rs->xndxdata = elf_getdata (x, NULL);

  size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
  rs->r = calloc (n ? n : 1, sizeof *rs->r);
  if (rs->r == NULL)
    {
      fail_nomem (ue);
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    {
      GElf_Rela rela;
      if (gelf_getrela (d, (int) i, &rela) == NULL)
        break;
      struct reloc *r = &rs->r[rs->n++];
      r->offset = rela.r_offset;
      r->type = GELF_R_TYPE (rela.r_info);
      r->sym = (uint32_t) GELF_R_SYM (rela.r_info);
      r->addend = rela.r_addend;
    }
  qsort (rs->r, rs->n, sizeof *rs->r, compare_reloc);
  return rs;
}

/* Where a reference points in a .o.  */
struct target
{
  size_t shndx;
  uint64_t offset;
};

/* Resolve the reference of 4 bytes at OFFSET in section SHNDX (whose
   contents are D) into *T.  Returns 1 when there is one, 0 for none
   (a 0 without relocation), -1 on error (naming record INDEX and field
   WHAT).  */
static int
rel_ref (struct ulp_elf *ue, size_t shndx, Elf_Data *d, uint64_t offset,
         struct target *t, size_t index, const char *what)
{
  struct relocs *rs = relocs_of (ue, shndx);
  if (rs == NULL)
    return -1;

  /* A section without relocations has no array to search (bsearch
     wants one even for no elements).  */
  struct reloc key = { .offset = offset };
  const struct reloc *r = rs->n == 0 ? NULL
                          : bsearch (&key, rs->r, rs->n, sizeof *rs->r,
                                     compare_reloc);
  if (r == NULL)
    {
      /* Resolved by the assembler: a reference within the section.  */
      int32_t v = load_ref ((const unsigned char *) d->d_buf
                                      + offset);
      if (v == 0)
        return 0;
      t->shndx = shndx;
      t->offset = offset + (uint64_t) (int64_t) v;
      return 1;
    }

  if (r->type != R_X86_64_PC32)
    {
      fail (ue, ULP_ELF_ERR_CORRUPT,
            "corrupt ULP metadata: record %zu: %s has relocation type %"
            PRIu32 ", expected R_X86_64_PC32", index, what, r->type);
      return -1;
    }
  GElf_Sym sym;
  Elf32_Word xndx = 0;
  if (r->sym == 0
      || gelf_getsymshndx (rs->symdata, rs->xndxdata, (int) r->sym, &sym,
                           &xndx) == NULL)
    {
      fail (ue, ULP_ELF_ERR_CORRUPT,
            "corrupt ULP metadata: record %zu: %s refers to bad symbol %"
            PRIu32, index, what, r->sym);
      return -1;
    }
  size_t sec = sym.st_shndx == SHN_XINDEX ? xndx : sym.st_shndx;
  if (sym.st_shndx == SHN_UNDEF || sec == 0 || sec >= ue->shnum
      || (sym.st_shndx >= SHN_LORESERVE && sym.st_shndx != SHN_XINDEX))
    {
      fail (ue, ULP_ELF_ERR_CORRUPT,
            "corrupt ULP metadata: record %zu: %s refers to symbol %"
            PRIu32 ", which is not defined in a section", index, what,
            r->sym);
      return -1;
    }
  /* PC32 stores S + A - P at P, so the reference's target is S + A.  */
  t->shndx = sec;
  t->offset = sym.st_value + (uint64_t) r->addend;
  return 1;
}

/* The NUL-terminated string at T.  */
static const char *
rel_string (struct ulp_elf *ue, const struct target *t, size_t index,
            const char *what)
{
  Elf_Data *d = section_data (ue, t->shndx);
  if (d == NULL || t->offset >= d->d_size)
    {
      fail (ue, ULP_ELF_ERR_CORRUPT,
            "corrupt ULP metadata: record %zu: %s reference is outside "
            "section [%zu]", index, what, t->shndx);
      return NULL;
    }
  const char *p = (const char *) d->d_buf + t->offset;
  if (memchr (p, 0, d->d_size - t->offset) == NULL)
    {
      fail (ue, ULP_ELF_ERR_CORRUPT,
            "corrupt ULP metadata: record %zu: %s string in section [%zu]"
            " has no terminating NUL", index, what, t->shndx);
      return NULL;
    }
  return p;
}

/* Resolve the string reference at OFFSET of SHNDX into *OUT (left NULL
   when there is none).  */
static bool
rel_string_ref (struct ulp_elf *ue, size_t shndx, Elf_Data *d,
                uint64_t offset, const char **out, size_t index,
                const char *what)
{
  struct target t;
  int k = rel_ref (ue, shndx, d, offset, &t, index, what);
  if (k <= 0)
    return k == 0;
  return (*out = rel_string (ue, &t, index, what)) != NULL;
}

/* Decode the record at OFFSET of the .ulp_meta section SHNDX (contents
   D) as record INDEX.  */
static bool
decode_rel_record (struct ulp_elf *ue, size_t index, size_t shndx,
                   Elf_Data *d, uint64_t offset)
{
  const unsigned char *p = (const unsigned char *) d->d_buf + offset;
  struct ulp_func *f = new_func (ue);
  if (f == NULL)
    return false;
  f->index = index;
  decode_plain_fields (f, p);

  struct target t;
  int k = rel_ref (ue, shndx, d, offset + REC_ADDR, &t, index, "address");
  if (k < 0)
    return false;
  if (k == 0)
    return fail (ue, ULP_ELF_ERR_CORRUPT,
                 "corrupt ULP metadata: record %zu: no function address",
                 index);
  GElf_Shdr sh;
  if (shdr_of (ue, t.shndx, &sh) == NULL || t.offset > sh.sh_size)
    return fail (ue, ULP_ELF_ERR_CORRUPT,
                 "corrupt ULP metadata: record %zu: function address is "
                 "outside section [%zu]", index, t.shndx);
  f->shndx = t.shndx;
  f->address = t.offset;
  f->section = section_name (ue, t.shndx);
  if (f->section == NULL)
    return fail (ue, ULP_ELF_ERR_CORRUPT,
                 "corrupt ULP metadata: record %zu: section [%zu] has no "
                 "name", index, t.shndx);

  if (!rel_string_ref (ue, shndx, d, offset + REC_NAME, &f->name, index,
                       "name"))
    return false;
  if (f->name == NULL)
    return fail (ue, ULP_ELF_ERR_CORRUPT,
                 "corrupt ULP metadata: record %zu: no name", index);
  if (!rel_string_ref (ue, shndx, d, offset + REC_ORIGIN, &f->origin, index,
                       "origin")
      || !rel_string_ref (ue, shndx, d, offset + REC_UNIT, &f->unit, index,
                          "unit"))
    return false;

  k = rel_ref (ue, shndx, d, offset + REC_INLINED, &t, index, "inline list");
  if (k < 0)
    return false;
  if (k > 0)
    {
      /* Each element is a reference of its own, relocated in turn.  */
      Elf_Data *ad = section_data (ue, t.shndx);
      for (uint64_t elt = t.offset;; elt += 4)
        {
          if (ad == NULL || elt > ad->d_size || ad->d_size - elt < 4)
            return fail (ue, ULP_ELF_ERR_CORRUPT,
                         "corrupt ULP metadata: record %zu: inline list "
                         "runs outside section [%zu]", index, t.shndx);
          const char *s = NULL;
          if (!rel_string_ref (ue, t.shndx, ad, elt, &s, index,
                               "inlined function"))
            return false;
          if (s == NULL)
            break;
          if (!add_inlined (ue, f, s))
            return false;
        }
    }

  if (f->entry_size > 0)
    f->entry_bytes = ulp_elf_read_section (ue, f->shndx,
                                           f->address + f->entry_offset,
                                           f->entry_size);
  if (f->pre_entry > 0 && f->address >= f->pre_entry)
    f->pre_entry_bytes = ulp_elf_read_section (ue, f->shndx,
                                               f->address - f->pre_entry,
                                               f->pre_entry);
  return true;
}

static bool
read_relocatable (struct ulp_elf *ue, const GElf_Ehdr *eh)
{
  ue->type = ULP_ELF_REL;
  ue->version = ULP_META_VERSION;
  /* libelf reports no sections when the table lies beyond the end of
     the file.  */
  if (elf_getshdrnum (ue->elf, &ue->shnum) != 0
      || elf_getshdrstrndx (ue->elf, &ue->shstrndx) != 0
      || (ue->shnum == 0 && eh->e_shoff != 0))
    return fail (ue, ULP_ELF_ERR_CORRUPT,
                 "cannot read section headers (truncated file?)");

  ue->rela_scn = calloc (ue->shnum ? ue->shnum : 1, sizeof *ue->rela_scn);
  ue->xndx_scn = calloc (ue->shnum ? ue->shnum : 1, sizeof *ue->xndx_scn);
  ue->relocs = calloc (ue->shnum ? ue->shnum : 1, sizeof *ue->relocs);
  if (ue->rela_scn == NULL || ue->xndx_scn == NULL || ue->relocs == NULL)
    return fail_nomem (ue);

  /* First pass: which relocation section applies to which section,
     the extended section indices of the symbol table, and the notes.  */
  Elf_Scn *scn = NULL;
  bool any = false;
  while ((scn = elf_nextscn (ue->elf, scn)) != NULL)
    {
      GElf_Shdr sh;
      if (gelf_getshdr (scn, &sh) == NULL)
        return fail_elf (ue, "cannot read section headers");
      const char *name = elf_strptr (ue->elf, ue->shstrndx, sh.sh_name);
      if (sh.sh_type == SHT_RELA && sh.sh_info < ue->shnum)
        ue->rela_scn[sh.sh_info] = scn;
      else if (sh.sh_type == SHT_SYMTAB_SHNDX && sh.sh_link < ue->shnum)
        ue->xndx_scn[sh.sh_link] = scn;
      else if (sh.sh_type == SHT_REL && name != NULL
               && strcmp (name, ".rel" ULP_META_SECTION) == 0)
        return fail (ue, ULP_ELF_ERR_CORRUPT,
                     "corrupt ULP metadata: REL relocations in an x86-64 "
                     "object");
      else if (sh.sh_type == SHT_NOTE)
        {
          /* No program headers: the build-id is in the sections
             (ulp-note.h).  */
          Elf_Data *d = elf_getdata (scn, NULL);
          if (d != NULL)
            ulp_notes_scan (&ue->notes, d->d_buf, d->d_size,
                            sh.sh_addralign);
        }
      if (name != NULL && strcmp (name, ULP_META_SECTION) == 0)
        any = true;
    }
  if (!any)
    return fail (ue, ULP_ELF_NOT_PATCHABLE,
                 "not live-patchable (no ulp records)");

  /* Second pass: the records, one .ulp_meta section per function (or
     more records in one, after ld -r).  */
  size_t index = 0;
  scn = NULL;
  while ((scn = elf_nextscn (ue->elf, scn)) != NULL)
    {
      GElf_Shdr sh;
      if (gelf_getshdr (scn, &sh) == NULL)
        return fail_elf (ue, "cannot read section headers");
      const char *name = elf_strptr (ue->elf, ue->shstrndx, sh.sh_name);
      if (name == NULL || strcmp (name, ULP_META_SECTION) != 0)
        continue;
      size_t shndx = elf_ndxscn (scn);
      Elf_Data *d = section_data (ue, shndx);
      if (d == NULL || d->d_size % REC_SIZE != 0)
        return fail (ue, ULP_ELF_ERR_CORRUPT,
                     "corrupt ULP metadata: section [%zu] " ULP_META_SECTION
                     " holds %zu bytes, not whole records", shndx,
                     d ? d->d_size : (size_t) 0);
      for (uint64_t off = 0; off < d->d_size; off += REC_SIZE)
        if (!decode_rel_record (ue, index++, shndx, d, off))
          return false;
    }
  return true;
}

/* Opening and closing.  */

/* Classify the file and read its metadata.  */
static bool
read_file (struct ulp_elf *ue)
{
  if (elf_kind (ue->elf) != ELF_K_ELF)
    return fail (ue, ULP_ELF_ERR_NOT_ELF,
                 elf_kind (ue->elf) == ELF_K_AR
                 ? "not an ELF file (an archive: give its members)"
                 : "not an ELF file");

  size_t identsz;
  const char *ident = elf_getident (ue->elf, &identsz);
  GElf_Ehdr eh;
  if (ident == NULL || identsz < EI_NIDENT
      || gelf_getehdr (ue->elf, &eh) == NULL)
    return fail (ue, ULP_ELF_ERR_NOT_ELF, "not an ELF file");
  if (ident[EI_CLASS] != ELFCLASS64 || ident[EI_DATA] != ELFDATA2LSB
      || eh.e_machine != EM_X86_64)
    return fail (ue, ULP_ELF_ERR_NOT_X86_64, "not an x86-64 object");

  switch (eh.e_type)
    {
    case ET_REL:
      return read_relocatable (ue, &eh);
    case ET_EXEC:
    case ET_DYN:
      return read_linked (ue, &eh);
    case ET_CORE:
      return fail (ue, ULP_ELF_ERR_TYPE, "a core file, not an object");
    default:
      return fail (ue, ULP_ELF_ERR_TYPE, "unsupported ELF file type %u",
                   (unsigned) eh.e_type);
    }
}

/* A new, empty UE named PATH; NULL with *STATUS and *OC set when
   memory is short.  */
static struct ulp_elf *
new_ulp_elf (const char *path, enum ulp_elf_status *status,
             struct outcome *oc)
{
  if (status != NULL)
    *status = ULP_ELF_OK;

  struct ulp_elf *ue = calloc (1, sizeof *ue);
  if (ue == NULL || (ue->path = strdup (path)) == NULL)
    {
      free (ue);
      if (status != NULL)
        *status = ULP_ELF_ERR_NOMEM;
      outcome_fail (oc, ULP_EXIT_FAIL, "out of memory");
      return NULL;
    }
  ue->fd = -1;
  return ue;
}

/* UE once read: itself, or NULL (UE closed) with the first error in
   *STATUS and *OC.  */
static struct ulp_elf *
finish_open (struct ulp_elf *ue, enum ulp_elf_status *status,
             struct outcome *oc)
{
  if (ue->err != NULL || ue->status != ULP_ELF_OK)
    {
      if (status != NULL)
        *status = ue->status;
      outcome_fail (oc, ULP_EXIT_FAIL, "%s",
                    ue->err ? ue->err : "out of memory");
      ulp_elf_close (ue);
      return NULL;
    }
  return ue;
}

struct ulp_elf *
ulp_elf_open_status (const char *path, enum ulp_elf_status *status,
                     struct outcome *oc)
{
  struct ulp_elf *ue = new_ulp_elf (path, status, oc);
  if (ue == NULL)
    return NULL;

  struct stat st;
  /* elf_version only records the version the caller expects; calling it
     again is harmless, and it saves every tool from having to.  */
  if (elf_version (EV_CURRENT) == EV_NONE)
    fail (ue, ULP_ELF_ERR_IO, "libelf is out of date");
  else if ((ue->fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    fail (ue, ULP_ELF_ERR_IO, "%s", strerror (errno));
  else if (fstat (ue->fd, &st) == 0 && S_ISDIR (st.st_mode))
    /* libelf would only say "invalid file descriptor".  */
    fail (ue, ULP_ELF_ERR_IO, "%s", strerror (EISDIR));
  else if ((ue->elf = elf_begin (ue->fd, ELF_C_READ_MMAP, NULL)) == NULL)
    /* An empty or non-ELF file is opened as ELF_K_NONE; this is a read
       error.  */
    fail (ue, ULP_ELF_ERR_IO, "%s", elf_errmsg (-1));
  else
    read_file (ue);
  return finish_open (ue, status, oc);
}

struct ulp_elf *
ulp_elf_open_memory (const char *name, void *image, size_t size,
                     enum ulp_elf_status *status, struct outcome *oc)
{
  struct ulp_elf *ue = new_ulp_elf (name, status, oc);
  if (ue == NULL)
    return NULL;
  if (elf_version (EV_CURRENT) == EV_NONE)
    fail (ue, ULP_ELF_ERR_IO, "libelf is out of date");
  else if ((ue->elf = elf_memory (image, size)) == NULL)
    fail (ue, ULP_ELF_ERR_IO, "%s", elf_errmsg (-1));
  else
    read_file (ue);
  return finish_open (ue, status, oc);
}

struct ulp_elf *
ulp_elf_open (const char *path, struct outcome *oc)
{
  return ulp_elf_open_status (path, NULL, oc);
}

void
ulp_elf_close (struct ulp_elf *ue)
{
  if (ue == NULL)
    return;
  for (size_t i = 0; i < ue->nfuncs; i++)
    if (ue->funcs[i].inlined != no_inlined)
      free (ue->funcs[i].inlined);
  free (ue->funcs);
  free (ue->segs);
  if (ue->relocs != NULL)
    for (size_t i = 0; i < ue->shnum; i++)
      if (ue->relocs[i] != NULL)
        {
          free (ue->relocs[i]->r);
          free (ue->relocs[i]);
        }
  free (ue->relocs);
  free (ue->rela_scn);
  free (ue->xndx_scn);
  if (ue->elf != NULL)
    elf_end (ue->elf);
  if (ue->fd >= 0)
    close (ue->fd);
  free (ue->err);
  free (ue->path);
  free (ue);
}

/* Accessors.  */

const char *
ulp_elf_path (const struct ulp_elf *ue)
{
  return ue->path;
}

enum ulp_elf_type
ulp_elf_type (const struct ulp_elf *ue)
{
  return ue->type;
}

const char *
ulp_elf_type_name (enum ulp_elf_type type)
{
  switch (type)
    {
    case ULP_ELF_REL:
      return "relocatable object";
    case ULP_ELF_EXEC:
      return "executable";
    case ULP_ELF_DYN:
      return "shared object";
    case ULP_ELF_PIE:
      return "position-independent executable";
    }
  return "unknown";
}

unsigned
ulp_elf_version (const struct ulp_elf *ue)
{
  return ue->version;
}

static const unsigned char *
image_at (const void *ctx, uint64_t vaddr, uint64_t *room)
{
  const struct segment *s = find_segment (ctx, vaddr);
  if (s == NULL)
    return NULL;
  *room = s->filesz - (vaddr - s->vaddr);
  return s->data + (vaddr - s->vaddr);
}

void
ulp_elf_image (const struct ulp_elf *ue, struct ulp_image *im)
{
  im->ctx = ue;
  im->at = image_at;
  im->prot = NULL;
}

bool
ulp_elf_note (const struct ulp_elf *ue, struct ulp_note *note)
{
  if (!ue->have_table)
    return false;
  *note = ue->note;
  return true;
}

const unsigned char *
ulp_elf_build_id (const struct ulp_elf *ue, size_t *len)
{
  if (len != NULL)
    *len = ue->notes.build_id_len;
  return ue->notes.build_id;
}

size_t
ulp_elf_nfuncs (const struct ulp_elf *ue)
{
  return ue->nfuncs;
}

const struct ulp_func *
ulp_elf_funcs (const struct ulp_elf *ue)
{
  return ue->funcs;
}

const struct ulp_func *
ulp_elf_find (const struct ulp_elf *ue, const char *name)
{
  for (size_t i = 0; i < ue->nfuncs; i++)
    if (strcmp (ue->funcs[i].name, name) == 0)
      return &ue->funcs[i];
  return NULL;
}

bool
ulp_elf_table (const struct ulp_elf *ue, uint64_t *addr, uint64_t *size,
               uint32_t *record_size)
{
  if (!ue->have_table)
    return false;
  if (addr != NULL)
    *addr = ue->table;
  if (size != NULL)
    *size = ue->table_size;
  if (record_size != NULL)
    *record_size = ue->record_size;
  return true;
}

Elf *
ulp_elf_handle (const struct ulp_elf *ue)
{
  return ue->elf;
}
