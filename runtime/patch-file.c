/* patch-file.c -- read and check a live patch file with libelf.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Nothing of a patch is loaded before it passed these checks, so a
   damaged, truncated or foreign file is refused with a message saying
   what is wrong, and the process is left as it was.  The checks follow
   what the loader will look at (program headers, PT_LOAD contents) and
   then the patch table: kinds, flags, exactly one TARGET, at most one
   INFO and STATE, at least one REPLACE, every self-relative reference
   inside the file's loaded contents, strings NUL-terminated, slots and
   the state in writable memory, replacements in executable memory,
   relocated places inside the patch with a supported type.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "patch-file.h"

#define MAX_STRING 4096

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

/* A NUL-terminated string at VADDR inside the file, or NULL.  */

static const char *
string_at (const struct ulp_pfile *pf, uint64_t vaddr)
{
  const GElf_Phdr *ph = segment_of (pf, vaddr, 1, true);
  if (!ph)
    return NULL;
  const char *s = (const char *) pf->image + ph->p_offset
                  + (vaddr - ph->p_vaddr);
  uint64_t room = ph->p_filesz - (vaddr - ph->p_vaddr);
  if (room > MAX_STRING)
    room = MAX_STRING;
  if (!memchr (s, '\0', room))
    return NULL;
  return s;
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
  if (pf->elf)
    elf_end (pf->elf);
  if (pf->fd >= 0)
    close (pf->fd);
  pf->ph = NULL;
  pf->replace = NULL;
  pf->refs = NULL;
  pf->relocs = NULL;
  pf->elf = NULL;
  pf->fd = -1;
}

static int
read_notes (struct ulp_pfile *pf, const unsigned char **ulp, size_t *ulp_size)
{
  *ulp = NULL;
  *ulp_size = 0;
  for (size_t i = 0; i < pf->phnum; i++)
    {
      const GElf_Phdr *ph = &pf->ph[i];
      if (ph->p_type != PT_NOTE)
        continue;
      Elf_Data *d = elf_getdata_rawchunk (pf->elf, (int64_t) ph->p_offset,
                                          ph->p_filesz,
                                          ph->p_align == 8 ? ELF_T_NHDR8
                                                           : ELF_T_NHDR);
      if (!d)
        return -1;
      size_t off = 0, name_off, desc_off;
      GElf_Nhdr nh;
      while ((off = gelf_getnote (d, off, &nh, &name_off, &desc_off)) > 0)
        {
          const char *name = (const char *) d->d_buf + name_off;
          const unsigned char *desc = (const unsigned char *) d->d_buf
                                      + desc_off;
          if (nh.n_namesz == sizeof ULP_NOTE_NAME
              && memcmp (name, ULP_NOTE_NAME, sizeof ULP_NOTE_NAME) == 0
              && nh.n_type == NT_ULP_OBJECT)
            {
              *ulp = desc;
              *ulp_size = nh.n_descsz;
            }
          else if (nh.n_namesz == 4 && memcmp (name, "GNU", 4) == 0
                   && nh.n_type == NT_GNU_BUILD_ID && nh.n_descsz > 0
                   && nh.n_descsz <= 64)
            ulp_hex (desc, nh.n_descsz, pf->build_id);
        }
    }
  return 0;
}

/* Resolve the self-relative reference VALUE held at FIELD_VADDR.  */

static uint64_t
ref (uint64_t field_vaddr, int32_t value)
{
  return field_vaddr + (uint64_t) (int64_t) value;
}

static int
check_entries (struct ulp_pfile *pf, struct ulp_error *err)
{
  const unsigned char *table = ulp_pfile_bytes (pf, pf->patch_table,
                                                pf->patch_size);
  if (!table)
    return format_error (pf, err, "corrupt patch table: outside the file's "
                                  "loaded contents");
  size_t n = pf->patch_size / sizeof (struct ulp_patch_entry);
  pf->replace = calloc (n, sizeof *pf->replace);
  pf->refs = calloc (n, sizeof *pf->refs);
  pf->relocs = calloc (n, sizeof *pf->relocs);
  if (!pf->replace || !pf->refs || !pf->relocs)
    return ulp_fail (err, ULP_E_NOMEM, "out of memory");
  size_t ntarget = 0, ninfo = 0, nstate = 0;
  for (size_t i = 0; i < n; i++)
    {
      struct ulp_patch_entry e;
      memcpy (&e, table + i * sizeof e, sizeof e);
      uint64_t at = pf->patch_table + i * sizeof e;
      uint64_t a = ref (at + offsetof (struct ulp_patch_entry, a), e.a);
      uint64_t b = ref (at + offsetof (struct ulp_patch_entry, b), e.b);
      uint64_t c = ref (at + offsetof (struct ulp_patch_entry, c), e.c);
      const char *sa = NULL, *sb = NULL, *sc = NULL;
      /* RELOC's flags are its type, INFO's the patch's version.  */
      if (e.kind != ULP_PATCH_RELOC
          && (e.reserved != 0 || (e.kind != ULP_PATCH_INFO && e.flags != 0)))
        return ulp_fail (err, ULP_E_FORMAT,
                         "%s: corrupt patch table: entry %zu has unknown "
                         "flags", pf->path, i);
#define NEED(cond, what)                                                  \
      do                                                                  \
        if (!(cond))                                                      \
          return ulp_fail (err, ULP_E_FORMAT,                             \
                           "%s: corrupt patch table: entry %zu (kind %u): " \
                           "%s", pf->path, i, e.kind, what);              \
      while (0)
      switch (e.kind)
        {
        case ULP_PATCH_TARGET:
          NEED (e.a && (sa = string_at (pf, a)) && *sa, "bad soname");
          NEED (e.b && (sb = string_at (pf, b)) && *sb, "bad build-id");
          NEED (strspn (sb, "0123456789abcdef") == strlen (sb)
                  && strlen (sb) % 2 == 0,
                "build-id is not lower-case hex");
          NEED (e.c == 0, "unexpected third reference");
          pf->target_soname = sa;
          pf->target_build_id = sb;
          ntarget++;
          break;
        case ULP_PATCH_REPLACE:
          {
            NEED (e.a, "no replacement function");
            /* Executable as the loader leaves it: a PT_GNU_RELRO over
               it would make it read-only after relocation.  */
            const GElf_Phdr *ph = segment_of (pf, a, 2, true);
            NEED (ph && (ph->p_flags & PF_X)
                    && (ulp_pfile_prot (pf, a) & PROT_EXEC),
                  "replacement function outside executable code");
            NEED (e.b && (sb = string_at (pf, b)) && *sb,
                  "bad target function name");
            NEED (!e.c || ((sc = string_at (pf, c)) && *sc), "bad unit");
            for (size_t k = 0; k < pf->nreplace; k++)
              if (strcmp (pf->replace[k].name, sb) == 0
                  && (!pf->replace[k].unit || !sc
                      || strcmp (pf->replace[k].unit, sc) == 0))
                return ulp_fail (err, ULP_E_FORMAT,
                                 "%s: %s is replaced twice", pf->path, sb);
            pf->replace[pf->nreplace].vaddr = a;
            pf->replace[pf->nreplace].name = sb;
            pf->replace[pf->nreplace].unit = sc;
            pf->nreplace++;
          }
          break;
        case ULP_PATCH_REF:
          {
            NEED (e.a && (a & 7) == 0, "misaligned reference slot");
            const GElf_Phdr *ph = segment_of (pf, a, 8, false);
            NEED (ph && (ph->p_flags & PF_W),
                  "reference slot outside writable data");
            NEED (e.b && (sb = string_at (pf, b)) && *sb, "bad symbol name");
            NEED (!e.c || ((sc = string_at (pf, c)) && *sc), "bad unit");
            pf->refs[pf->nrefs].slot = a;
            pf->refs[pf->nrefs].name = sb;
            pf->refs[pf->nrefs].unit = sc;
            pf->nrefs++;
          }
          break;
        case ULP_PATCH_INFO:
          NEED (e.a && (sa = string_at (pf, a)) && *sa, "bad patch name");
          NEED (!e.b || (sb = string_at (pf, b)), "bad description");
          NEED (e.c == 0, "unexpected third reference");
          pf->name = sa;
          pf->description = sb;
          pf->version = e.flags;
          ninfo++;
          break;
        case ULP_PATCH_STATE:
          {
            NEED (e.a && (a & 7) == 0, "misaligned state");
            const GElf_Phdr *ph = segment_of (pf, a,
                                              sizeof (struct ulp_patch_state),
                                              false);
            NEED (ph && (ph->p_flags & PF_W), "state outside writable data");
            NEED (e.b == 0 && e.c == 0, "unexpected reference");
            pf->state = a;
            nstate++;
          }
          break;
        case ULP_PATCH_RELOC:
          {
            uint64_t size = e.flags == R_X86_64_64 ? 8 : 4;
            NEED (e.flags == R_X86_64_PC32 || e.flags == R_X86_64_PLT32
                    || e.flags == R_X86_64_64,
                  "unsupported relocation type");
            NEED (e.a && segment_of (pf, a, size, false),
                  "relocated place outside the patch");
            NEED (e.b && (sb = string_at (pf, b)) && *sb, "bad symbol name");
            NEED (!e.c || ((sc = string_at (pf, c)) && *sc), "bad unit");
            pf->relocs[pf->nrelocs].place = a;
            pf->relocs[pf->nrelocs].name = sb;
            pf->relocs[pf->nrelocs].unit = sc;
            pf->relocs[pf->nrelocs].type = e.flags;
            pf->relocs[pf->nrelocs].addend = (int32_t) e.reserved;
            pf->nrelocs++;
          }
          break;
        default:
          return ulp_fail (err, ULP_E_FORMAT,
                           "%s: corrupt patch table: entry %zu has unknown "
                           "kind %u", pf->path, i, e.kind);
        }
#undef NEED
    }
  if (ntarget != 1)
    return ulp_fail (err, ULP_E_FORMAT,
                     "%s: the patch names %zu target objects, not one",
                     pf->path, ntarget);
  if (ninfo > 1 || nstate > 1)
    return format_error (pf, err, "corrupt patch table: repeated INFO or "
                                  "STATE entry");
  if (pf->nreplace == 0)
    return format_error (pf, err, "the patch replaces no function");
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
  pf->ph = calloc (pf->phnum, sizeof *pf->ph);
  if (!pf->ph)
    {
      ulp_fail (err, ULP_E_NOMEM, "out of memory");
      goto out;
    }
  const GElf_Phdr *last_load = NULL;
  for (size_t i = 0; i < pf->phnum; i++)
    {
      if (!gelf_getphdr (pf->elf, (int) i, &pf->ph[i]))
        {
          ulp_fail (err, ULP_E_FORMAT, "%s: truncated or corrupt program "
                    "headers: %s", path, elf_errmsg (-1));
          goto out;
        }
      const GElf_Phdr *ph = &pf->ph[i];
      if ((ph->p_type == PT_LOAD || ph->p_type == PT_NOTE
           || ph->p_type == PT_DYNAMIC)
          && (ph->p_offset > pf->size || ph->p_filesz > pf->size - ph->p_offset))
        {
          format_error (pf, err, "truncated (a segment extends past the end "
                                 "of the file)");
          goto out;
        }
      /* The loaded segments must follow each other in memory without
         overlapping (as the ELF specification requires): where two
         overlap, what is mapped at an address -- and with which
         protection -- is not what the checks below looked at.  */
      if (ph->p_type == PT_LOAD)
        {
          if (ph->p_memsz < ph->p_filesz
              || ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
            {
              format_error (pf, err, "corrupt program headers (a segment's "
                                     "size is impossible)");
              goto out;
            }
          if (last_load && ph->p_vaddr < last_load->p_vaddr
                                         + last_load->p_memsz)
            {
              format_error (pf, err, "corrupt program headers (loaded "
                                     "segments overlap or are out of "
                                     "order)");
              goto out;
            }
          last_load = ph;
        }
    }

  const unsigned char *ulp;
  size_t ulp_size;
  if (read_notes (pf, &ulp, &ulp_size) < 0)
    {
      ulp_fail (err, ULP_E_FORMAT, "%s: corrupt notes: %s", path,
                elf_errmsg (-1));
      goto out;
    }
  if (!ulp)
    {
      format_error (pf, err, "not a live patch (no ULP note)");
      goto out;
    }
  struct ulp_note note;
  if (ulp_size < sizeof note)
    {
      ulp_fail (err, ULP_E_FORMAT, "%s: not a live patch (ULP note of %zu "
                "bytes has no patch table)", path, ulp_size);
      goto out;
    }
  memcpy (&note, ulp, sizeof note);
  if (note.version != ULP_META_VERSION)
    {
      ulp_fail (err, ULP_E_FORMAT, "%s: ulp metadata version %u, this "
                "runtime reads version %d", path, note.version,
                ULP_META_VERSION);
      goto out;
    }
  if (note.patch_table == 0)
    {
      format_error (pf, err, "not a live patch (no patch table)");
      goto out;
    }
  if (note.patch_size == 0
      || note.patch_size % sizeof (struct ulp_patch_entry) != 0
      || note.patch_table % 4 != 0)
    {
      format_error (pf, err, "corrupt patch table: bad size or alignment");
      goto out;
    }
  pf->meta_table = note.table;
  pf->meta_table_size = note.table_size;
  pf->meta_record_size = note.record_size;
  pf->patch_table = note.patch_table;
  pf->patch_size = note.patch_size;
  if (check_entries (pf, err) < 0)
    goto out;
  r = 0;
out:
  if (r < 0)
    ulp_pfile_close (pf);
  return r;
}
