/* patch-file.h -- reading and checking a live patch file.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   patch-file.c reads a patch (ulp-patch.h) from its file with libelf,
   before anything is loaded, and checks everything that can be checked
   without the target: that it is an x86-64 shared object with a ULP
   note and a patch table, and that every entry is well formed and all
   its references fall inside the file.  */

#ifndef ULP_PATCH_FILE_H
#define ULP_PATCH_FILE_H

#include <libelf.h>
#include <gelf.h>
#include <sys/stat.h>

#include "ulp-format.h"
#include "ulp-runtime.h"

struct ulp_pfile_replace
{
  uint64_t vaddr;        /* the replacement function.  */
  const char *name;      /* target function.  */
  const char *unit;      /* or NULL.  */
};

struct ulp_pfile_ref
{
  uint64_t slot;         /* vaddr of the 8-byte slot.  */
  const char *name;
  const char *unit;      /* or NULL.  */
};

struct ulp_pfile_reloc
{
  uint64_t place;        /* vaddr of the 4 or 8 bytes to write.  */
  const char *name;
  const char *unit;      /* or NULL.  */
  uint32_t type;         /* R_X86_64_PC32, _PLT32, _64, _32 or _32S.  */
  int32_t addend;
};

/* An absolute 32-bit address of the patch's own (ULP_PATCH_ABS32).  */
struct ulp_pfile_abs
{
  uint64_t place;        /* vaddr of the 4 bytes to write.  */
  uint64_t value;        /* vaddr whose address they get.  */
  uint32_t type;         /* R_X86_64_32 or R_X86_64_32S.  */
};

struct ulp_pfile
{
  const char *path;
  int fd;
  Elf *elf;
  const unsigned char *image;
  size_t size;
  struct stat st;
  GElf_Phdr *ph;
  size_t phnum;
  char build_id[129];    /* hex, "" when none.  */

  uint64_t patch_table, patch_size;
  uint64_t meta_table, meta_table_size;  /* the patch's own records.  */
  uint32_t meta_record_size;
  const char *target_soname;
  const char *target_build_id;
  const char *name;          /* INFO, or NULL.  */
  const char *description;   /* or NULL.  */
  uint32_t version;          /* INFO's flags; 0: unversioned.  */
  uint64_t state;            /* vaddr of struct ulp_patch_state, or 0.  */
  struct ulp_pfile_replace *replace;
  size_t nreplace;
  struct ulp_pfile_ref *refs;
  size_t nrefs;
  struct ulp_pfile_reloc *relocs;
  size_t nrelocs;
  struct ulp_pfile_abs *abs;
  size_t nabs;
};

/* The protection the loader gives the patch's byte at VADDR once it is
   loaded (PT_LOAD flags, read-only inside PT_GNU_RELRO), or -1.  */
int ulp_pfile_prot (const struct ulp_pfile *pf, uint64_t vaddr) ULP_HIDDEN;

/* Open and check PATH.  0, or -1 with *ERR filled (and nothing left
   open).  */
int ulp_pfile_open (const char *path, struct ulp_pfile *pf,
                    struct ulp_error *err) ULP_HIDDEN;

/* The same for the file open as FD (taken over, closed on failure),
   whose identity is ST.  ulp_apply passes the sealed copy trust.c made,
   with the original file's ST.  */
int ulp_pfile_open_fd (const char *path, int fd, const struct stat *st,
                       struct ulp_pfile *pf, struct ulp_error *err)
  ULP_HIDDEN;

void ulp_pfile_close (struct ulp_pfile *pf) ULP_HIDDEN;

/* The file's bytes at VADDR, SIZE of them, or NULL.  */
const unsigned char *ulp_pfile_bytes (const struct ulp_pfile *pf,
                                      uint64_t vaddr, uint64_t size)
  ULP_HIDDEN;

/* ------------------------------------------------------------------ */
/* Placing a patch within reach of its target (rebase.c).              */
/* ------------------------------------------------------------------ */

/* Whether PF has 32-bit references to its target, loaded at [LO, HI),
   and the target lies far from where the loader maps objects.  */
bool ulp_rebase_wanted (const struct ulp_pfile *pf, uintptr_t lo,
                        uintptr_t hi) ULP_HIDDEN;

/* A sealed memory file holding PF's bytes (PATH names it in messages)
   relinked at a free range within 32-bit reach of [LO, HI), and in
   *DELTA how far every address moved; -1 with *ERR filled when there is
   no such range or the file cannot be moved.  */
int ulp_rebase_copy (const struct ulp_pfile *pf, const char *path,
                     uintptr_t lo, uintptr_t hi, uint64_t *delta,
                     struct ulp_error *err) ULP_HIDDEN;

/* ------------------------------------------------------------------ */
/* Names in a loaded target (resolve.c).                               */
/* ------------------------------------------------------------------ */

/* The function record NAME (in UNIT when not NULL) of H that a patch
   can replace.  NULL with *ERR filled otherwise.  */
const struct ulp_record *ulp_find_function (struct ulp_obj *h,
                                            const char *name,
                                            const char *unit,
                                            struct ulp_error *err)
  ULP_HIDDEN;

/* The address in H of the function or variable NAME (in UNIT): from
   the records, the dynamic symbols, or the file's symbol table.  */
int ulp_find_symbol (struct ulp_obj *h, const char *name, const char *unit,
                     uintptr_t *addr, struct ulp_error *err) ULP_HIDDEN;

#endif /* ULP_PATCH_FILE_H */
