/* objfile.c -- the ELF files mapped into a process, read with libelf.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See objfile.h.  Everything is read through program headers, so
   stripped files work; section headers are used only to find .dynsym
   and its version table.  The file image is mapped (ELF_C_READ_MMAP),
   so looking at a large library costs page faults for what is read,
   not a copy.  */

#include <config.h>

#include "objfile.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ulp-format.h"
#include "ulp-hex.h"
#include "ulp-note.h"

#define PAGE_MASK_ ((uint64_t) 4095)

struct dsym
{
  const char *name;
  uint64_t value, size;
  bool func;
  bool hidden_version;
};

struct objfile
{
  char *path;
  int fd;
  Elf *elf;
  const unsigned char *image;
  size_t size;
  dev_t dev;
  ino_t ino;
  GElf_Phdr *ph;
  size_t phnum;

  char build_id[129];
  bool has_note;
  struct ulp_note note;
  const char *soname;
  char *soname_alloc;

  bool syms_read;
  struct dsym *syms;
  size_t nsyms;
  uint64_t *funcs;   /* starts of function symbols, sorted once
                        FUNCS_SORTED (only neighbour searches need it). */
  size_t nfuncs;
  bool funcs_sorted;

  /* The last objfile_find_code search (the same trampoline is looked
     for in the same libc for every process of a --all).  */
  unsigned char memo_pat[32];
  size_t memo_len;
  uint64_t memo_result;
};

static bool elf_ready;

const void *
objfile_bytes (const struct objfile *of, uint64_t vaddr, uint64_t len)
{
  for (size_t i = 0; i < of->phnum; i++)
    {
      const GElf_Phdr *p = &of->ph[i];
      if (p->p_type != PT_LOAD || vaddr < p->p_vaddr
          || vaddr - p->p_vaddr > p->p_filesz
          || len > p->p_filesz - (vaddr - p->p_vaddr))
        continue;
      uint64_t off = p->p_offset + (vaddr - p->p_vaddr);
      if (off > of->size || len > of->size - off)
        return NULL;
      return of->image + off;
    }
  return NULL;
}

/* The file's bytes at VADDR and how many follow in its PT_LOAD, as
   struct ulp_image asks.  */
static const unsigned char *
image_at (const void *ctx, uint64_t vaddr, uint64_t *room)
{
  const struct objfile *of = ctx;
  for (size_t i = 0; i < of->phnum; i++)
    {
      const GElf_Phdr *p = &of->ph[i];
      if (p->p_type != PT_LOAD || vaddr < p->p_vaddr
          || vaddr - p->p_vaddr >= p->p_filesz)
        continue;
      uint64_t off = p->p_offset + (vaddr - p->p_vaddr);
      uint64_t max = p->p_offset + p->p_filesz;
      if (max > of->size)
        max = of->size;
      if (off >= max)
        return NULL;
      *room = max - off;
      return of->image + off;
    }
  return NULL;
}

const char *
objfile_string (const struct objfile *of, uint64_t vaddr)
{
  uint64_t room;
  const char *s = (const char *) image_at (of, vaddr, &room);
  return s && memchr (s, '\0', room) ? s : NULL;
}

void
objfile_image (const struct objfile *of, struct ulp_image *im)
{
  im->ctx = of;
  im->at = image_at;
  im->prot = NULL;
}

/* The build-id and the ULP note, by the rule of ulp-note.h.  */
static void
read_notes (struct objfile *of)
{
  struct ulp_notes notes = { 0 };
  for (size_t i = 0; i < of->phnum; i++)
    if (of->ph[i].p_type == PT_NOTE)
      ulp_notes_scan_phdr (&notes, of->elf, &of->ph[i]);
  if (notes.build_id)
    ulp_hex (notes.build_id, notes.build_id_len, of->build_id);
  of->has_note = notes.ulp
                 && ulp_note_decode (notes.ulp, notes.ulp_size, &of->note)
                      == ULP_NOTE_OK;
}

static void
read_soname (struct objfile *of)
{
  for (size_t i = 0; i < of->phnum; i++)
    {
      const GElf_Phdr *p = &of->ph[i];
      if (p->p_type != PT_DYNAMIC)
        continue;
      const GElf_Dyn *dyn = objfile_bytes (of, p->p_vaddr, p->p_filesz);
      if (!dyn)
        break;
      uint64_t strtab = 0, soname = 0;
      bool have = false;
      for (size_t k = 0; k < p->p_filesz / sizeof *dyn; k++)
        {
          if (dyn[k].d_tag == DT_NULL)
            break;
          if (dyn[k].d_tag == DT_STRTAB)
            strtab = dyn[k].d_un.d_ptr;
          else if (dyn[k].d_tag == DT_SONAME)
            {
              soname = dyn[k].d_un.d_val;
              have = true;
            }
        }
      if (have && strtab)
        of->soname = objfile_string (of, strtab + soname);
      break;
    }
  if (!of->soname)
    {
      const char *slash = strrchr (of->path, '/');
      of->soname = slash ? slash + 1 : of->path;
    }
}

static struct objfile *
open_fd (int fd, const char *path, const char **err)
{
  if (!elf_ready)
    {
      elf_version (EV_CURRENT);
      elf_ready = true;
    }
  struct objfile *of = calloc (1, sizeof *of);
  struct stat st;
  if (!of || fstat (fd, &st) < 0)
    {
      free (of);
      close (fd);
      *err = "cannot read the file";
      return NULL;
    }
  of->fd = fd;
  of->dev = st.st_dev;
  of->ino = st.st_ino;
  of->path = strdup (path);
  of->elf = elf_begin (fd, ELF_C_READ_MMAP, NULL);
  GElf_Ehdr eh;
  if (!of->path || !of->elf || elf_kind (of->elf) != ELF_K_ELF
      || !gelf_getehdr (of->elf, &eh) || eh.e_ident[EI_CLASS] != ELFCLASS64
      || eh.e_machine != EM_X86_64)
    {
      *err = "not an x86-64 ELF file";
      objfile_close (of);
      return NULL;
    }
  of->image = (const unsigned char *) elf_rawfile (of->elf, &of->size);
  if (elf_getphdrnum (of->elf, &of->phnum) != 0 || !of->image)
    {
      *err = "malformed ELF file";
      objfile_close (of);
      return NULL;
    }
  of->ph = calloc (of->phnum ? of->phnum : 1, sizeof *of->ph);
  if (!of->ph)
    {
      *err = "out of memory";
      objfile_close (of);
      return NULL;
    }
  for (size_t i = 0; i < of->phnum; i++)
    if (!gelf_getphdr (of->elf, i, &of->ph[i]))
      {
        *err = "malformed ELF file";
        objfile_close (of);
        return NULL;
      }
  read_notes (of);
  read_soname (of);
  return of;
}

/* NULL, with ERR in *OC.  */
static struct objfile *
fail (struct outcome *oc, const char *err)
{
  outcome_fail (oc, ULP_EXIT_FAIL, "%s", err);
  return NULL;
}

struct objfile *
objfile_open_path (const char *path, struct outcome *oc)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail (oc, strerror (errno));
  const char *err;
  struct objfile *of = open_fd (fd, path, &err);
  return of ? of : fail (oc, err);
}

void
objfile_close (struct objfile *of)
{
  if (!of)
    return;
  if (of->elf)
    elf_end (of->elf);
  if (of->fd >= 0)
    close (of->fd);
  free (of->ph);
  free (of->syms);
  free (of->funcs);
  free (of->soname_alloc);
  free (of->path);
  free (of);
}

/* ------------------------------------------------------------------ */
/* The cache.                                                          */
/* ------------------------------------------------------------------ */

struct cache_entry
{
  dev_t dev;
  uint64_t ino;
  struct objfile *of;   /* NULL: could not be read.  */
  const char *err;
};

static struct cache_entry *cache;
static size_t ncache, cache_cap;

static struct objfile *get (pid_t pid, const struct proc_map *m,
                            const char **err);

struct objfile *
objfile_get (pid_t pid, const struct proc_map *m, struct outcome *oc)
{
  const char *err = NULL;
  struct objfile *of = get (pid, m, &err);
  return of ? of : fail (oc, err ? err : "cannot open the file");
}

/* objfile_get, with the reason a static string in *ERR.  */
static struct objfile *
get (pid_t pid, const struct proc_map *m, const char **err)
{
  dev_t dev = makedev (m->dev_major, m->dev_minor);
  for (size_t i = 0; i < ncache; i++)
    if (cache[i].dev == dev && cache[i].ino == m->inode)
      {
        *err = cache[i].err;
        return cache[i].of;
      }
  if (m->inode == 0 || m->path[0] != '/')
    {
      *err = "not a file";
      return NULL;
    }

  /* map_files reaches the very file mapped, even deleted; it needs
     privileges.  /proc/PID/root reaches it in the process's mount
     namespace; then the identity must be checked.  */
  char path[4200];
  struct objfile *of = NULL;
  *err = "cannot open the file";
  snprintf (path, sizeof path, "/proc/%d/map_files/%llx-%llx", (int) pid,
            (unsigned long long) m->start, (unsigned long long) m->end);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      snprintf (path, sizeof path, "/proc/%d/root%s", (int) pid, m->path);
      fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        fd = open (m->path, O_RDONLY | O_CLOEXEC);
      struct stat st;
      if (fd >= 0 && (fstat (fd, &st) < 0 || st.st_ino != m->inode))
        {
          close (fd);
          fd = -1;
          *err = "the file was replaced on disk";
        }
    }
  if (fd >= 0)
    {
      of = open_fd (fd, m->path, err);
      if (of)
        {
          /* Report the path the process knows.  */
          free (of->path);
          of->path = strdup (m->path);
          if (!of->path)
            {
              objfile_close (of);
              of = NULL;
              *err = "out of memory";
            }
          else
            {
              of->soname = NULL;
              read_soname (of);
            }
        }
    }
  if (ncache == cache_cap)
    {
      size_t cap = cache_cap ? 2 * cache_cap : 64;
      struct cache_entry *nc = realloc (cache, cap * sizeof *nc);
      if (!nc)
        return of;   /* Works, uncached (leaks at exit).  */
      cache = nc;
      cache_cap = cap;
    }
  cache[ncache].dev = dev;
  cache[ncache].ino = m->inode;
  cache[ncache].of = of;
  cache[ncache].err = of ? NULL : *err;
  ncache++;
  return of;
}

void
objfile_cache_clear (void)
{
  for (size_t i = 0; i < ncache; i++)
    objfile_close (cache[i].of);
  free (cache);
  cache = NULL;
  ncache = cache_cap = 0;
}

/* ------------------------------------------------------------------ */
/* Queries.                                                            */
/* ------------------------------------------------------------------ */

const char *
objfile_soname (const struct objfile *of)
{
  return of->soname;
}

const char *
objfile_build_id (const struct objfile *of)
{
  return of->build_id;
}

bool
objfile_ulp_note (const struct objfile *of, struct ulp_note *note)
{
  if (of->has_note && note)
    *note = of->note;
  return of->has_note;
}

const char *
objfile_path (const struct objfile *of)
{
  return of->path;
}

void
objfile_id (const struct objfile *of, uint64_t *dev, uint64_t *ino)
{
  *dev = of->dev;
  *ino = of->ino;
}

static int
cmp_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
  return x < y ? -1 : x > y;
}

static void
read_syms (struct objfile *of)
{
  if (of->syms_read)
    return;
  of->syms_read = true;
  Elf_Scn *scn = NULL, *dynsym = NULL, *versym = NULL;
  GElf_Shdr sh, dsh;
  memset (&dsh, 0, sizeof dsh);
  while ((scn = elf_nextscn (of->elf, scn)) != NULL)
    {
      if (!gelf_getshdr (scn, &sh))
        continue;
      if (sh.sh_type == SHT_DYNSYM)
        {
          dynsym = scn;
          dsh = sh;
        }
      else if (sh.sh_type == SHT_GNU_versym)
        versym = scn;
    }
  if (!dynsym)
    return;
  Elf_Data *d = elf_getdata (dynsym, NULL);
  Elf_Data *vd = versym ? elf_getdata (versym, NULL) : NULL;
  if (!d || dsh.sh_entsize == 0)
    return;
  size_t n = dsh.sh_size / dsh.sh_entsize;
  of->syms = calloc (n ? n : 1, sizeof *of->syms);
  of->funcs = calloc (n ? n : 1, sizeof *of->funcs);
  if (!of->syms || !of->funcs)
    return;
  for (size_t i = 1; i < n; i++)
    {
      GElf_Sym s;
      if (!gelf_getsym (d, i, &s) || s.st_shndx == SHN_UNDEF
          || s.st_value == 0)
        continue;
      const char *name = elf_strptr (of->elf, dsh.sh_link, s.st_name);
      if (!name)
        continue;
      struct dsym *ds = &of->syms[of->nsyms++];
      ds->name = name;
      ds->value = s.st_value;
      ds->size = s.st_size;
      ds->func = GELF_ST_TYPE (s.st_info) == STT_FUNC
                 || GELF_ST_TYPE (s.st_info) == STT_GNU_IFUNC;
      GElf_Versym v;
      if (vd && gelf_getversym (vd, i, &v))
        ds->hidden_version = (v & 0x8000) != 0;
      if (ds->func)
        of->funcs[of->nfuncs++] = s.st_value;
    }
}

uint64_t
objfile_dynsym (struct objfile *of, const char *name, uint64_t *size)
{
  read_syms (of);
  const struct dsym *fallback = NULL;
  for (size_t i = 0; i < of->nsyms; i++)
    if (strcmp (of->syms[i].name, name) == 0)
      {
        if (of->syms[i].hidden_version)
          {
            fallback = &of->syms[i];
            continue;
          }
        if (size)
          *size = of->syms[i].size;
        return of->syms[i].value;
      }
  if (fallback && size)
    *size = fallback->size;
  return fallback ? fallback->value : 0;
}

bool
objfile_dynsym_span (struct objfile *of, const char *const *names,
                     uint64_t *lo, uint64_t *hi)
{
  bool any = false;
  for (; *names; names++)
    {
      uint64_t size = 0, v = objfile_dynsym (of, *names, &size);
      if (!v)
        continue;
      if (!any || v < *lo)
        *lo = v;
      if (!any || v + size > *hi)
        *hi = v + size;
      any = true;
    }
  return any;
}

void
objfile_dynsym_neighbours (struct objfile *of, uint64_t lo, uint64_t hi,
                           uint64_t *before, uint64_t *after)
{
  read_syms (of);
  if (!of->funcs_sorted)
    {
      qsort (of->funcs, of->nfuncs, sizeof *of->funcs, cmp_u64);
      of->funcs_sorted = true;
    }
  *before = 0;
  *after = UINT64_MAX;
  for (size_t i = 0; i < of->nfuncs; i++)
    {
      uint64_t v = of->funcs[i];
      if (v < lo)
        *before = v;
      else if (v >= hi)
        {
          *after = v;
          break;
        }
    }
  /* The function before LO may run up to LO: the static functions of
     the group can only start after its own start.  */
}

uint64_t
objfile_find_code (const struct objfile *cof, const void *pat, size_t len)
{
  struct objfile *of = (struct objfile *) cof;
  if (len <= sizeof of->memo_pat && len == of->memo_len
      && memcmp (pat, of->memo_pat, len) == 0)
    return of->memo_result;
  uint64_t r = 0;
  for (size_t i = 0; i < of->phnum; i++)
    {
      const GElf_Phdr *p = &of->ph[i];
      if (p->p_type != PT_LOAD || !(p->p_flags & PF_X)
          || p->p_offset > of->size || p->p_filesz > of->size - p->p_offset)
        continue;
      const unsigned char *hit = memmem (of->image + p->p_offset,
                                         p->p_filesz, pat, len);
      if (hit)
        {
          r = p->p_vaddr + (hit - (of->image + p->p_offset));
          break;
        }
    }
  if (len <= sizeof of->memo_pat)
    {
      memcpy (of->memo_pat, pat, len);
      of->memo_len = len;
      of->memo_result = r;
    }
  return r;
}

void
objfile_text_span (const struct objfile *of, uint64_t *lo, uint64_t *hi)
{
  *lo = UINT64_MAX;
  *hi = 0;
  for (size_t i = 0; i < of->phnum; i++)
    {
      const GElf_Phdr *p = &of->ph[i];
      if (p->p_type != PT_LOAD || !(p->p_flags & PF_X))
        continue;
      if (p->p_vaddr < *lo)
        *lo = p->p_vaddr;
      if (p->p_vaddr + p->p_memsz > *hi)
        *hi = p->p_vaddr + p->p_memsz;
    }
  if (*lo > *hi)
    *lo = *hi = 0;
}

bool
objfile_tls (const struct objfile *of, uint64_t *vaddr, uint64_t *memsz)
{
  for (size_t i = 0; i < of->phnum; i++)
    if (of->ph[i].p_type == PT_TLS)
      {
        *vaddr = of->ph[i].p_vaddr;
        *memsz = of->ph[i].p_memsz;
        return true;
      }
  return false;
}

bool
objfile_bias (const struct objfile *of, const struct proc_map *m,
              uint64_t *bias)
{
  for (size_t i = 0; i < of->phnum; i++)
    {
      const GElf_Phdr *p = &of->ph[i];
      if (p->p_type != PT_LOAD)
        continue;
      if ((p->p_offset & ~PAGE_MASK_) == m->offset)
        {
          *bias = m->start - (p->p_vaddr & ~PAGE_MASK_);
          return true;
        }
    }
  return false;
}
