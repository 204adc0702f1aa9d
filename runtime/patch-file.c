/* patch-file.c -- read and check a live patch file with libelf.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Nothing of a patch is loaded before it passed these checks, so a
   damaged, truncated or foreign file is refused with a message saying
   what is wrong, and the process is left as it was.  The checks follow
   what the loader will look at (program headers, PT_LOAD contents),
   then the notes (lib/ulp-note.c) and the patch table, which
   ulp_patch_check (lib/ulp-format.c) checks over this file's segments:
   kinds, flags, exactly one TARGET, at most one INFO and STATE, at
   least one REPLACE, every self-relative reference inside the file's
   loaded contents, strings NUL-terminated, slots and the state in
   writable memory, replacements in executable memory, relocated places
   inside the patch with a supported type.  This file adds what only
   the runtime asks: no function replaced twice.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "patch-file.h"
#include "ulp-format.h"
#include "ulp-note.h"

static int
format_error (struct ulp_pfile *pf, struct ulp_error *err, const char *what)
{
  return ulp_fail (err, ULP_E_FORMAT, "%s: %s", pf->path, what);
}

/* The PT_LOAD holding [VADDR, VADDR+SIZE) in memory (FILE_ONLY: in its
   file contents).  */

static const GElf_Phdr *
segment_of (const struct ulp_pfile *pf, uint64_t vaddr, uint64_t size,
            bool file_only)
{
  for (size_t i = 0; i < pf->phnum; i++)
    {
      const GElf_Phdr *ph = &pf->ph[i];
      if (ph->p_type != PT_LOAD)
        continue;
      uint64_t len = file_only ? ph->p_filesz : ph->p_memsz;
      if (vaddr >= ph->p_vaddr && vaddr - ph->p_vaddr <= len
          && size <= len - (vaddr - ph->p_vaddr))
        return ph;
    }
  return NULL;
}

const unsigned char *
ulp_pfile_bytes (const struct ulp_pfile *pf, uint64_t vaddr, uint64_t size)
{
  const GElf_Phdr *ph = segment_of (pf, vaddr, size, true);
  if (!ph)
    return NULL;
  return pf->image + ph->p_offset + (vaddr - ph->p_vaddr);
}

int
ulp_pfile_prot (const struct ulp_pfile *pf, uint64_t vaddr)
{
  const GElf_Phdr *ph = segment_of (pf, vaddr, 1, false);
  if (!ph)
    return -1;
  for (size_t i = 0; i < pf->phnum; i++)
    if (pf->ph[i].p_type == PT_GNU_RELRO && vaddr >= pf->ph[i].p_vaddr
        && vaddr - pf->ph[i].p_vaddr < pf->ph[i].p_memsz)
      return PROT_READ;
  return ((ph->p_flags & PF_R ? PROT_READ : 0)
          | (ph->p_flags & PF_W ? PROT_WRITE : 0)
          | (ph->p_flags & PF_X ? PROT_EXEC : 0));
}

void
ulp_pfile_close (struct ulp_pfile *pf)
{
  free (pf->ph);
  free (pf->replace);
  free (pf->refs);
  free (pf->relocs);
  free (pf->abs);
  if (pf->elf)
    elf_end (pf->elf);
  if (pf->fd >= 0)
    close (pf->fd);
  pf->ph = NULL;
  pf->replace = NULL;
  pf->refs = NULL;
  pf->relocs = NULL;
  pf->abs = NULL;
  pf->elf = NULL;
  pf->fd = -1;
}

/* The build-id and the ULP note, by the rule of ulp-note.h.  */

static int
read_notes (struct ulp_pfile *pf, struct ulp_notes *notes)
{
  memset (notes, 0, sizeof *notes);
  for (size_t i = 0; i < pf->phnum; i++)
    if (pf->ph[i].p_type == PT_NOTE
        && !ulp_notes_scan_phdr (notes, pf->elf, &pf->ph[i]))
      return -1;
  if (notes->build_id)
    ulp_hex (notes->build_id, notes->build_id_len, pf->build_id);
  return 0;
}

/* The patch file as ulp-format.c reads it.  */

static const unsigned char *
image_at (const void *ctx, uint64_t vaddr, uint64_t *room)
{
  const struct ulp_pfile *pf = ctx;
  const GElf_Phdr *ph = segment_of (pf, vaddr, 1, true);
  if (!ph)
    return NULL;
  *room = ph->p_filesz - (vaddr - ph->p_vaddr);
  return pf->image + ph->p_offset + (vaddr - ph->p_vaddr);
}

static int
image_prot (const void *ctx, uint64_t vaddr, uint64_t size, int how)
{
  const struct ulp_pfile *pf = ctx;
  const GElf_Phdr *ph = segment_of (pf, vaddr, size,
                                    (how & ULP_IMAGE_IN_FILE) != 0);
  if (!ph)
    return -1;
  if (how & ULP_IMAGE_RELRO)
    return ulp_pfile_prot (pf, vaddr);
  return ((ph->p_flags & PF_R ? PROT_READ : 0)
          | (ph->p_flags & PF_W ? PROT_WRITE : 0)
          | (ph->p_flags & PF_X ? PROT_EXEC : 0));
}

/* Keep each checked entry the runtime acts on, into arrays made at the
   first one, so that a table outside the file allocates nothing.  */

struct keep
{
  struct ulp_pfile *pf;
  struct ulp_error *err;
  size_t n;
};

static int
keep_entry (void *arg, const struct ulp_patch_item *it)
{
  struct keep *k = arg;
  struct ulp_pfile *pf = k->pf;
  if (!pf->replace)
    {
      pf->replace = calloc (k->n, sizeof *pf->replace);
      pf->refs = calloc (k->n, sizeof *pf->refs);
      pf->relocs = calloc (k->n, sizeof *pf->relocs);
      pf->abs = calloc (k->n, sizeof *pf->abs);
      if (!pf->replace || !pf->refs || !pf->relocs || !pf->abs)
        return ulp_fail (k->err, ULP_E_NOMEM, "out of memory");
    }
  switch (it->kind)
    {
    case ULP_PATCH_TARGET:
      pf->target_soname = it->sa;
      pf->target_build_id = it->sb;
      break;
    case ULP_PATCH_REPLACE:
      for (size_t i = 0; i < pf->nreplace; i++)
        if (strcmp (pf->replace[i].name, it->sb) == 0
            && (!pf->replace[i].unit || !it->sc
                || ulp_unit_same (pf->replace[i].unit, it->sc)))
          return ulp_fail (k->err, ULP_E_FORMAT, "%s: %s is replaced twice",
                           pf->path, it->sb);
      pf->replace[pf->nreplace++]
        = (struct ulp_pfile_replace) { it->a, it->sb, it->sc };
      break;
    case ULP_PATCH_REF:
      pf->refs[pf->nrefs++] = (struct ulp_pfile_ref) { it->a, it->sb, it->sc };
      break;
    case ULP_PATCH_INFO:
      pf->name = it->sa;
      pf->description = it->sb;
      pf->version = it->flags;
      break;
    case ULP_PATCH_STATE:
      pf->state = it->a;
      break;
    case ULP_PATCH_RELOC:
      pf->relocs[pf->nrelocs++] = (struct ulp_pfile_reloc) {
        it->a, it->sb, it->sc, it->flags, (int32_t) it->reserved };
      break;
    case ULP_PATCH_ABS32:
      pf->abs[pf->nabs++] = (struct ulp_pfile_abs) { it->a, it->b,
                                                     it->flags };
      break;
    }
  return 0;
}

/* Check the patch table with ulp_patch_check, keeping its entries.  */

static int
check_entries (struct ulp_pfile *pf, struct ulp_error *err)
{
  struct ulp_image im = { pf, image_at, image_prot };
  struct keep k = { pf, err,
                    pf->patch_size / sizeof (struct ulp_patch_entry) };
  struct ulp_patch_problem pb;
  if (ulp_patch_check (&im, pf->patch_table, pf->patch_size, keep_entry, &k,
                       &pb) == 0)
    return 0;
  switch (pb.fault)
    {
    case ULP_PATCH_GEOMETRY:
      return format_error (pf, err, "corrupt patch table: bad size or "
                                    "alignment");
    case ULP_PATCH_OUTSIDE:
      return format_error (pf, err, "corrupt patch table: outside the "
                                    "file's loaded contents");
    case ULP_PATCH_FLAGS:
      return ulp_fail (err, ULP_E_FORMAT, "%s: corrupt patch table: entry "
                       "%zu has unknown flags", pf->path, pb.entry);
    case ULP_PATCH_KIND:
      return ulp_fail (err, ULP_E_FORMAT, "%s: corrupt patch table: entry "
                       "%zu has unknown kind %u", pf->path, pb.entry, pb.kind);
    case ULP_PATCH_ENTRY:
      return ulp_fail (err, ULP_E_FORMAT, "%s: corrupt patch table: entry "
                       "%zu (kind %u): %s", pf->path, pb.entry, pb.kind,
                       pb.what);
    case ULP_PATCH_TARGETS:
      return ulp_fail (err, ULP_E_FORMAT, "%s: the patch names %zu target "
                       "objects, not one", pf->path, pb.count);
    case ULP_PATCH_REPEATED:
      return format_error (pf, err, "corrupt patch table: repeated INFO or "
                                    "STATE entry");
    case ULP_PATCH_NO_REPLACE:
      return format_error (pf, err, "the patch replaces no function");
    default: /* ULP_PATCH_VISIT: keep_entry filled *ERR.  */
      return -1;
    }
}

/* Read and check the program headers of PF, whose count is known.  */

static int
read_phdrs (struct ulp_pfile *pf, struct ulp_error *err)
{
  pf->ph = calloc (pf->phnum, sizeof *pf->ph);
  if (!pf->ph)
    return ulp_fail (err, ULP_E_NOMEM, "out of memory");
  const GElf_Phdr *last_load = NULL;
  for (size_t i = 0; i < pf->phnum; i++)
    {
      if (!gelf_getphdr (pf->elf, (int) i, &pf->ph[i]))
        return ulp_fail (err, ULP_E_FORMAT, "%s: truncated or corrupt "
                         "program headers: %s", pf->path, elf_errmsg (-1));
      const GElf_Phdr *ph = &pf->ph[i];
      if ((ph->p_type == PT_LOAD || ph->p_type == PT_NOTE
           || ph->p_type == PT_DYNAMIC)
          && (ph->p_offset > pf->size
              || ph->p_filesz > pf->size - ph->p_offset))
        return format_error (pf, err, "truncated (a segment extends past "
                                      "the end of the file)");
      /* The loaded segments must follow each other in memory without
         overlapping (as the ELF specification requires): where two
         overlap, what is mapped at an address -- and with which
         protection -- is not what the checks below looked at.  */
      if (ph->p_type == PT_LOAD)
        {
          if (ph->p_memsz < ph->p_filesz
              || ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
            return format_error (pf, err, "corrupt program headers (a "
                                          "segment's size is impossible)");
          if (last_load && ph->p_vaddr < last_load->p_vaddr
                                         + last_load->p_memsz)
            return format_error (pf, err, "corrupt program headers "
                                          "(loaded segments overlap or "
                                          "are out of order)");
          last_load = ph;
        }
    }
  return 0;
}

/* Check the ULP note's descriptor DESC, SIZE bytes, and take the
   tables it points to.  */

static int
check_note (struct ulp_pfile *pf, const unsigned char *desc, size_t size,
            struct ulp_error *err)
{
  struct ulp_note note;
  switch (ulp_note_decode (desc, size, &note))
    {
    case ULP_NOTE_OK:
      break;
    case ULP_NOTE_VERSION:
      return ulp_fail (err, ULP_E_FORMAT, "%s: ulp metadata version %u, "
                       "this runtime reads version %d", pf->path,
                       note.version, ULP_META_VERSION);
    case ULP_NOTE_SHORT:
    case ULP_NOTE_TRUNCATED:
      return ulp_fail (err, ULP_E_FORMAT, "%s: not a live patch (ULP note "
                       "of %zu bytes has no patch table)", pf->path, size);
    default:
      return ulp_fail (err, ULP_E_FORMAT, "%s: corrupt notes: %s", pf->path,
                       "the ULP note's record or table size is wrong");
    }
  if (note.patch_table == 0)
    return format_error (pf, err, "not a live patch (no patch table)");
  pf->meta_table = note.table;
  pf->meta_table_size = note.table_size;
  pf->meta_record_size = note.record_size;
  pf->patch_table = note.patch_table;
  pf->patch_size = note.patch_size;
  return 0;
}

int
ulp_pfile_open (const char *path, struct ulp_pfile *pf,
                struct ulp_error *err)
{
  memset (pf, 0, sizeof *pf);
  pf->path = path;
  pf->fd = open (path, O_RDONLY | O_CLOEXEC);
  if (pf->fd < 0)
    return ulp_fail (err, ULP_E_OPEN, "cannot open %s: %s", path,
                     strerror (errno));
  if (fstat (pf->fd, &pf->st) < 0 || !S_ISREG (pf->st.st_mode))
    {
      int e = errno;
      ulp_pfile_close (pf);
      return ulp_fail (err, ULP_E_OPEN, "cannot read %s: %s", path,
                       e && !S_ISDIR (pf->st.st_mode) ? strerror (e)
                                                      : "not a regular file");
    }
  struct stat st = pf->st;
  int fd = pf->fd;
  pf->fd = -1;
  return ulp_pfile_open_fd (path, fd, &st, pf, err);
}

int
ulp_pfile_open_fd (const char *path, int fd, const struct stat *st,
                   struct ulp_pfile *pf, struct ulp_error *err)
{
  memset (pf, 0, sizeof *pf);
  pf->path = path;
  pf->fd = fd;
  pf->st = *st;

  int r = -1;
  pf->elf = elf_begin (pf->fd, ELF_C_READ_MMAP, NULL);
  if (!pf->elf || elf_kind (pf->elf) != ELF_K_ELF)
    {
      /* libelf does not call a file too short for its header ELF, but
         one that starts like ELF is a damaged one.  */
      unsigned char magic[SELFMAG];
      if (pread (pf->fd, magic, SELFMAG, 0) == SELFMAG
          && memcmp (magic, ELFMAG, SELFMAG) == 0)
        format_error (pf, err, "truncated or corrupt ELF header");
      else
        format_error (pf, err, "not an ELF file");
      goto out;
    }
  pf->image = (const unsigned char *) elf_rawfile (pf->elf, &pf->size);
  GElf_Ehdr eh;
  if (!pf->image || !gelf_getehdr (pf->elf, &eh))
    {
      format_error (pf, err, "truncated or corrupt ELF header");
      goto out;
    }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64
      || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
    {
      format_error (pf, err, "not an x86-64 ELF object");
      goto out;
    }
  if (eh.e_type != ET_DYN)
    {
      format_error (pf, err, "not a shared object");
      goto out;
    }
  if (elf_getphdrnum (pf->elf, &pf->phnum) != 0 || pf->phnum == 0)
    {
      ulp_fail (err, ULP_E_FORMAT, "%s: truncated or corrupt program "
                "headers: %s", path, elf_errmsg (-1));
      goto out;
    }
  if (read_phdrs (pf, err) < 0)
    goto out;
  struct ulp_notes notes;
  if (read_notes (pf, &notes) < 0)
    {
      ulp_fail (err, ULP_E_FORMAT, "%s: corrupt notes: %s", path,
                elf_errmsg (-1));
      goto out;
    }
  if (!notes.ulp)
    {
      format_error (pf, err, "not a live patch (no ULP note)");
      goto out;
    }
  if (check_note (pf, notes.ulp, notes.ulp_size, err) < 0)
    goto out;
  if (check_entries (pf, err) < 0)
    goto out;
  r = 0;
out:
  if (r < 0)
    ulp_pfile_close (pf);
  return r;
}
