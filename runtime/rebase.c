/* rebase.c -- load a patch within 32-bit reach of its target.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A patch made by ulp-mkpatch keeps the code the compiler made, whose
   references to the target's static functions and variables are 32-bit
   PC-relative (ULP_PATCH_RELOC): the patch must lie within 2 GiB of
   the target.  The loader maps a shared object wherever the kernel's
   mmap area has room, which is near the other libraries but usually
   terabytes away from a program (a position-independent executable
   sits at the bottom of the address space, a non-PIE one at 4 MiB).

   The loader does honour the address an ET_DYN object is linked at, as
   a hint to mmap (glibc maps the first segment at its p_vaddr plus no
   bias, and the kernel takes a hint that is free).  So when the target
   is far from the loader's area, the runtime picks a free range within
   reach of the target from /proc/self/maps and loads a copy of the
   patch relinked at that address, as prelink did for whole programs:
   every address the file holds moves by the same amount (program and
   section headers, the dynamic section's pointers, symbol values, the
   relocations' places and their addends that are addresses, and the
   GOT words the loader adds the bias to).  Position-independent
   references (code, .eh_frame) need nothing.  The copy is a sealed
   memfd (trust.c's ulp_trust_memfd), made from the bytes trust.c
   checked.

   A patch of a program built without -fPIE also holds absolute 32-bit
   addresses of its own data (ULP_PATCH_ABS32): it is placed below
   2 GiB, near such a program.

   Whether the kernel took the hint is seen after loading: where it
   did not (another thread mapped the range meanwhile), the 32-bit
   references are checked as always, and a patch out of reach is
   refused.  */

#include <config.h>

#include <errno.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "patch-file.h"
#include "trust.h"
#include "ulp-runtime.h"

#define PAGE 4096UL
#define REACH 0x7fff0000UL   /* a little under 2 GiB.  */

/* The extent of PF's loadable segments: [*LO, *HI) in the file's
   addresses, and the largest alignment they ask for.  */

static void
image_extent (const struct ulp_pfile *pf, uint64_t *lo, uint64_t *hi,
              uint64_t *align)
{
  *lo = UINT64_MAX;
  *hi = 0;
  *align = PAGE;
  for (size_t i = 0; i < pf->phnum; i++)
    {
      const GElf_Phdr *ph = &pf->ph[i];
      if (ph->p_type != PT_LOAD)
        continue;
      if (ph->p_vaddr < *lo)
        *lo = ph->p_vaddr;
      if (ph->p_vaddr + ph->p_memsz > *hi)
        *hi = ph->p_vaddr + ph->p_memsz;
      if (ph->p_align > *align)
        *align = ph->p_align;
    }
  *lo &= ~(*align - 1);
}

bool
ulp_rebase_wanted (const struct ulp_pfile *pf, uintptr_t lo, uintptr_t hi)
{
  /* Its own absolute 32-bit addresses need it low.  */
  if (pf->nabs > 0)
    return true;
  bool narrow = false;
  for (size_t i = 0; i < pf->nrelocs && !narrow; i++)
    narrow = pf->relocs[i].type != R_X86_64_64;
  if (!narrow)
    return false;
  /* The loader puts objects near the ones it loaded before, this
     runtime among them.  */
  uintptr_t self = (uintptr_t) &ulp_rebase_wanted;
  uintptr_t far = self > lo ? self - lo : lo - self;
  uintptr_t far_hi = self > hi ? self - hi : hi - self;
  if (far_hi > far)
    far = far_hi;
  return far > REACH / 2;
}

/* A free range of SIZE bytes aligned to ALIGN, ending at LIMIT at the
   latest, from which every byte of [LO, HI) is within 32-bit reach; 0
   if there is none.  Below the
   target first, as close to it as possible; else above it as far as
   reach allows, to leave room to the heap that follows a program.  */

static uintptr_t
find_range (uintptr_t lo, uintptr_t hi, uint64_t size, uint64_t align,
            uintptr_t limit)
{
  FILE *f = fopen ("/proc/self/maps", "re");
  if (!f)
    return 0;
  uintptr_t below = 0, above = 0;
  uintptr_t prev_end = PAGE * 16;
  char line[512];
  unsigned long s, e;
  while (fgets (line, sizeof line, f))
    {
      if (sscanf (line, "%lx-%lx", &s, &e) != 2)
        continue;
      /* The gap [prev_end, s), less a page on either side.  */
      uintptr_t g_lo = prev_end + PAGE, g_hi = s - PAGE;
      if (s > prev_end + 2 * PAGE && g_hi - g_lo >= size)
        {
          /* Below the target: as high as the gap allows.  */
          uintptr_t top = g_hi < lo ? g_hi : lo;
          if (top > limit)
            top = limit;
          uintptr_t cand = top >= size ? (top - size) & ~(align - 1) : 0;
          if (top >= size && cand >= g_lo && hi - cand <= REACH
              && cand > below)
            below = cand;
          /* Above it: as high as reach allows.  */
          top = g_hi < lo + REACH ? g_hi : lo + REACH;
          if (top > limit)
            top = limit;
          cand = top >= size ? (top - size) & ~(align - 1) : 0;
          if (top >= size && cand >= g_lo && cand >= hi && cand > above)
            above = cand;
        }
      if (e > prev_end)
        prev_end = e;
    }
  fclose (f);
  return below ? below : above;
}

/* The dynamic tags whose value is an address.  */

static bool
pointer_tag (GElf_Sxword tag)
{
  switch (tag)
    {
    case DT_PLTGOT:
    case DT_HASH:
    case DT_STRTAB:
    case DT_SYMTAB:
    case DT_RELA:
    case DT_INIT:
    case DT_FINI:
    case DT_REL:
    case DT_DEBUG:
    case DT_JMPREL:
    case DT_INIT_ARRAY:
    case DT_FINI_ARRAY:
    case DT_PREINIT_ARRAY:
    case DT_SYMTAB_SHNDX:
    case DT_VERSYM:
    case DT_VERDEF:
    case DT_VERNEED:
    case 0x70000000:           /* DT_X86_64_PLT.  */
      return true;
    default:
      return tag >= DT_ADDRRNGLO && tag <= DT_ADDRRNGHI;
    }
}

/* The dynamic tags that are sizes, counts, flags or string offsets.  */

static bool
value_tag (GElf_Sxword tag)
{
  switch (tag)
    {
    case DT_NULL:
    case DT_NEEDED:
    case DT_PLTRELSZ:
    case DT_RELASZ:
    case DT_RELAENT:
    case DT_STRSZ:
    case DT_SYMENT:
    case DT_SONAME:
    case DT_RPATH:
    case DT_SYMBOLIC:
    case DT_RELSZ:
    case DT_RELENT:
    case DT_PLTREL:
    case DT_TEXTREL:
    case DT_BIND_NOW:
    case DT_INIT_ARRAYSZ:
    case DT_FINI_ARRAYSZ:
    case DT_RUNPATH:
    case DT_FLAGS:
    case DT_PREINIT_ARRAYSZ:
    case DT_FLAGS_1:
    case DT_RELACOUNT:
    case DT_RELCOUNT:
    case DT_VERDEFNUM:
    case DT_VERNEEDNUM:
    case DT_GNU_PRELINKED:
    case DT_GNU_CONFLICTSZ:
    case DT_GNU_LIBLISTSZ:
    case DT_CHECKSUM:
    case DT_PLTPADSZ:
    case DT_MOVEENT:
    case DT_MOVESZ:
    case DT_POSFLAG_1:
    case DT_SYMINSZ:
    case DT_SYMINENT:
    case 0x70000001:           /* DT_X86_64_PLTSZ.  */
    case 0x70000003:           /* DT_X86_64_PLTENT.  */
      return true;
    default:
      return false;
    }
}

struct rebase
{
  const char *path;
  Elf *elf;
  int64_t delta;
  struct ulp_error *err;
};

/* Refuse to move the patch, for the reason FMT says.  */

static int __attribute__ ((format (printf, 3, 4)))
place_fail (const char *path, struct ulp_error *err, const char *fmt, ...)
{
  char why[256];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (why, sizeof why, fmt, ap);
  va_end (ap);
  return ulp_fail (err, ULP_E_LOAD, "%s: cannot place it near its target: "
                   "%s", path, why);
}

/* The same for libelf's latest error, about WHAT.  */

static int
elf_fail (struct rebase *rb, const char *what)
{
  int e = elf_errno ();
  return place_fail (rb->path, rb->err, "%s%s%s", what, e ? ": " : "",
                     e ? elf_errmsg (e) : "");
}

static int
move_headers (struct rebase *rb)
{
  GElf_Ehdr eh;
  if (!gelf_getehdr (rb->elf, &eh))
    return elf_fail (rb, "ELF header");
  if (eh.e_entry)
    {
      eh.e_entry += rb->delta;
      if (!gelf_update_ehdr (rb->elf, &eh))
        return elf_fail (rb, "ELF header");
    }
  size_t n;
  if (elf_getphdrnum (rb->elf, &n) != 0)
    return elf_fail (rb, "program headers");
  for (size_t i = 0; i < n; i++)
    {
      GElf_Phdr ph;
      if (!gelf_getphdr (rb->elf, (int) i, &ph))
        return elf_fail (rb, "program headers");
      if (ph.p_type == PT_GNU_STACK)
        continue;
      ph.p_vaddr += rb->delta;
      ph.p_paddr += rb->delta;
      if (!gelf_update_phdr (rb->elf, (int) i, &ph))
        return elf_fail (rb, "program headers");
    }
  return 0;
}

static int
move_dynamic (struct rebase *rb, Elf_Data *d, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      GElf_Dyn dyn;
      if (!gelf_getdyn (d, (int) i, &dyn))
        return elf_fail (rb, "dynamic section");
      if (dyn.d_tag == DT_NULL)
        break;
      if (dyn.d_tag == DT_RELR || dyn.d_tag == DT_TEXTREL)
        return place_fail (rb->path, rb->err, "%s",
                           dyn.d_tag == DT_RELR
                             ? "packed relative relocations (DT_RELR)"
                             : "text relocations");
      if (pointer_tag (dyn.d_tag))
        {
          if (dyn.d_un.d_ptr == 0)
            continue;
          dyn.d_un.d_ptr += rb->delta;
          if (!gelf_update_dyn (d, (int) i, &dyn))
            return elf_fail (rb, "dynamic section");
        }
      else if (!value_tag (dyn.d_tag))
        return place_fail (rb->path, rb->err, "dynamic tag %#llx is not "
                           "known", (unsigned long long) dyn.d_tag);
    }
  return 0;
}

static int
move_symbols (struct rebase *rb, Elf_Data *d, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      GElf_Sym sym;
      if (!gelf_getsym (d, (int) i, &sym))
        return elf_fail (rb, "symbol table");
      if (sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_ABS
          || sym.st_shndx == SHN_COMMON || GELF_ST_TYPE (sym.st_info) == STT_TLS)
        continue;
      sym.st_value += rb->delta;
      if (!gelf_update_sym (d, (int) i, &sym))
        return elf_fail (rb, "symbol table");
    }
  return 0;
}

/* The word at address ADDR in an allocated section, moved by DELTA.  */

static int
move_word (struct rebase *rb, GElf_Addr addr)
{
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn (rb->elf, scn)))
    {
      GElf_Shdr sh;
      if (!gelf_getshdr (scn, &sh) || sh.sh_type != SHT_PROGBITS
          || !(sh.sh_flags & SHF_ALLOC))
        continue;
      /* Section addresses are moved already.  */
      GElf_Addr at = addr + rb->delta;
      if (at < sh.sh_addr || at + 8 > sh.sh_addr + sh.sh_size)
        continue;
      Elf_Data *d = elf_getdata (scn, NULL);
      if (!d || !d->d_buf || at - sh.sh_addr + 8 > d->d_size)
        return elf_fail (rb, "GOT");
      unsigned char *p = (unsigned char *) d->d_buf + (at - sh.sh_addr);
      uint64_t v;
      memcpy (&v, p, 8);
      if (v)
        v += rb->delta;
      memcpy (p, &v, 8);
      elf_flagdata (d, ELF_C_SET, ELF_F_DIRTY);
      return 0;
    }
  return place_fail (rb->path, rb->err, "a jump slot outside the image");
}

static int
move_relocs (struct rebase *rb, Elf_Data *d, size_t n, bool alloc)
{
  for (size_t i = 0; i < n; i++)
    {
      GElf_Rela r;
      if (!gelf_getrela (d, (int) i, &r))
        return elf_fail (rb, "relocations");
      if (!alloc)
        continue;
      unsigned type = GELF_R_TYPE (r.r_info);
      r.r_offset += rb->delta;
      switch (type)
        {
        case R_X86_64_RELATIVE:
        case R_X86_64_IRELATIVE:
          r.r_addend += rb->delta;
          break;
        case R_X86_64_JUMP_SLOT:
          /* Lazy binding adds the bias to the word the link left.  */
          if (move_word (rb, r.r_offset - rb->delta) < 0)
            return -1;
          break;
        case R_X86_64_NONE:
        case R_X86_64_64:
        case R_X86_64_GLOB_DAT:
        case R_X86_64_DTPMOD64:
        case R_X86_64_DTPOFF64:
        case R_X86_64_TPOFF64:
        case R_X86_64_TLSDESC:
        case R_X86_64_COPY:
          break;
        default:
          return place_fail (rb->path, rb->err, "dynamic relocation type "
                             "%u", type);
        }
      if (!gelf_update_rela (d, (int) i, &r))
        return elf_fail (rb, "relocations");
    }
  return 0;
}

/* Move every address of the ELF file open as RB->elf by RB->delta.  */

static int
move_image (struct rebase *rb)
{
  if (move_headers (rb) < 0)
    return -1;
  /* Section addresses first: the jump slots' words are found by them.  */
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn (rb->elf, scn)))
    {
      GElf_Shdr sh;
      if (!gelf_getshdr (scn, &sh))
        return elf_fail (rb, "section headers");
      if (sh.sh_type == SHT_RELR || sh.sh_type == SHT_REL)
        return place_fail (rb->path, rb->err, "%s relocations",
                           sh.sh_type == SHT_RELR ? "packed relative"
                                                  : "REL");
      if (sh.sh_addr && (sh.sh_flags & SHF_ALLOC))
        {
          sh.sh_addr += rb->delta;
          if (!gelf_update_shdr (scn, &sh))
            return elf_fail (rb, "section headers");
        }
    }
  scn = NULL;
  while ((scn = elf_nextscn (rb->elf, scn)))
    {
      GElf_Shdr sh;
      if (!gelf_getshdr (scn, &sh))
        return elf_fail (rb, "section headers");
      if (sh.sh_type != SHT_DYNAMIC && sh.sh_type != SHT_SYMTAB
          && sh.sh_type != SHT_DYNSYM && sh.sh_type != SHT_RELA)
        continue;
      Elf_Data *d = elf_getdata (scn, NULL);
      if (!d || sh.sh_entsize == 0)
        return elf_fail (rb, "section data");
      size_t n = sh.sh_size / sh.sh_entsize;
      int r;
      if (sh.sh_type == SHT_DYNAMIC)
        r = move_dynamic (rb, d, n);
      else if (sh.sh_type == SHT_RELA)
        r = move_relocs (rb, d, n, (sh.sh_flags & SHF_ALLOC) != 0);
      else
        r = move_symbols (rb, d, n);
      if (r < 0)
        return -1;
      elf_flagdata (d, ELF_C_SET, ELF_F_DIRTY);
    }
  return 0;
}

int
ulp_rebase_copy (const struct ulp_pfile *pf, const char *path, uintptr_t lo,
                 uintptr_t hi, uint64_t *delta, struct ulp_error *err)
{
  uint64_t img_lo, img_hi, align;
  image_extent (pf, &img_lo, &img_hi, &align);
  if (img_lo >= img_hi)
    return place_fail (path, err, "no loadable segment");
  /* Absolute 32-bit addresses of its own: below 2 GiB (4 GiB when
     they are all zero-extended).  */
  uintptr_t limit = UINTPTR_MAX;
  for (size_t i = 0; i < pf->nabs; i++)
    {
      uintptr_t l = pf->abs[i].type == R_X86_64_32 ? 0xffffffffUL
                                                  : 0x7fffffffUL;
      if (l < limit)
        limit = l;
    }
  uintptr_t at = find_range (lo, hi, img_hi - img_lo, align, limit);
  if (!at)
    return ulp_fail (err, ULP_E_LOAD, "%s: no free range of %zu bytes "
                     "within 2 GiB of its target", path,
                     (size_t) (img_hi - img_lo));
  int fd = ulp_trust_memfd (path);
  if (fd < 0)
    return place_fail (path, err, "no memory file (%s)", strerror (errno));
  for (size_t off = 0; off < pf->size;)
    {
      ssize_t w = write (fd, pf->image + off, pf->size - off);
      if (w <= 0)
        {
          int e = w < 0 ? errno : EIO;
          close (fd);
          return place_fail (path, err, "%s", strerror (e));
        }
      off += (size_t) w;
    }
  struct rebase rb = { path, NULL, (int64_t) (at - img_lo), err };
  elf_errno ();
  rb.elf = elf_begin (fd, ELF_C_RDWR, NULL);
  int r = -1;
  if (!rb.elf)
    elf_fail (&rb, "the copy");
  else
    {
      /* Keep every offset: only values change.  */
      elf_flagelf (rb.elf, ELF_C_SET, ELF_F_LAYOUT);
      if (move_image (&rb) == 0)
        {
          if (elf_update (rb.elf, ELF_C_WRITE) < 0)
            elf_fail (&rb, "writing the copy");
          else
            r = 0;
        }
      elf_end (rb.elf);
    }
  if (r == 0 && ulp_trust_seal (fd) < 0)
    r = place_fail (path, err, "cannot seal the copy: %s", strerror (errno));
  if (r < 0)
    {
      close (fd);
      return -1;
    }
  *delta = at - img_lo;
  return fd;
}
