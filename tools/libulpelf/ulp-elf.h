/* ulp-elf.h -- read ulp metadata from ELF files.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   This module is the one place where ulp's tools (ulp-dump, and later
   ulp-mkpatch, ulp-apply, ulp-status) turn an ELF file into the list of
   function bodies its metadata describes.  It reads linked objects
   (shared objects, executables, PIEs) through their program headers and
   the ULP note, so stripped files work, and relocatable objects through
   their .ulp_meta sections and relocations.  Every reference is bounds
   checked: a damaged file yields an error message, never a crash.
   Errors fill the caller's struct outcome (ULP_EXIT_FAIL, a message
   without the file name), so each tool can print `tool: FILE: message'.
   All strings and byte pointers handed out stay valid until
   ulp_elf_close.  */

#ifndef ULP_ELF_H
#define ULP_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libelf.h>

#include "outcome.h"
#include "ulp-meta.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An open file with its decoded metadata.  */
struct ulp_elf;

/* What kind of ELF file it is.  */
enum ulp_elf_type
{
  ULP_ELF_REL,  /* relocatable object (.o).  */
  ULP_ELF_EXEC, /* position-dependent executable.  */
  ULP_ELF_DYN,  /* shared object.  */
  ULP_ELF_PIE   /* position-independent executable.  */
};

/* Why ulp_elf_open failed.  Tools that look at many objects (ulp-status)
   treat ULP_ELF_NOT_PATCHABLE as an answer rather than a failure.  */
enum ulp_elf_status
{
  ULP_ELF_OK = 0,
  ULP_ELF_ERR_IO,          /* cannot open or read the file.  */
  ULP_ELF_ERR_NOT_ELF,     /* not an ELF file.  */
  ULP_ELF_ERR_NOT_X86_64,  /* ELF, but not a 64-bit x86-64 object.  */
  ULP_ELF_ERR_TYPE,        /* an x86-64 ELF file of another type (core).  */
  ULP_ELF_NOT_PATCHABLE,   /* no ulp metadata at all.  */
  ULP_ELF_ERR_NO_NOTE,     /* ulp records, but linked without ulp.ld.  */
  ULP_ELF_ERR_VERSION,     /* metadata of a version this ulp cannot read.  */
  ULP_ELF_ERR_CORRUPT,     /* malformed metadata or ELF structures.  */
  ULP_ELF_ERR_NOMEM        /* out of memory.  */
};

/* One function body, decoded from its struct ulp_record.  */
struct ulp_func
{
  size_t index;           /* position of the record in the file: in the
                             table of a linked object, or counting the
                             .ulp_meta sections of a .o in order.  */
  const char *name;       /* assembler name.  */
  const char *origin;     /* what a clone or cold part comes from, or
                             NULL.  */
  const char *unit;       /* translation unit, or NULL.  */
  const char **inlined;   /* functions inlined into it; NULL-terminated,
                             never NULL itself.  */
  size_t n_inlined;

  /* Where the body is.  In a linked object ADDRESS is its link-time
     virtual address and SECTION is NULL.  In a .o ADDRESS is the offset
     in the section named SECTION, whose index is SHNDX.  */
  uint64_t address;
  const char *section;
  size_t shndx;

  uint32_t code_size;
  uint16_t flags;         /* ULP_F_*.  */
  uint8_t kind;           /* enum ulp_kind; other values are possible in
                             damaged files and are passed through.  */
  uint8_t pre_entry;
  uint8_t entry_offset;
  uint8_t entry_size;
  uint16_t tracking;      /* of a tracked entry: bytes from its tracking
                             code to ADDRESS; else 0.  */

  /* The bytes the file holds at ADDRESS + ENTRY_OFFSET (ENTRY_SIZE of
     them) and at ADDRESS - PRE_ENTRY (PRE_ENTRY of them), or NULL when
     the file does not hold them (a size of 0, or code outside the file's
     contents).  */
  const unsigned char *entry_bytes;
  const unsigned char *pre_entry_bytes;
};

/* Open PATH and decode its metadata.  On failure return NULL, with
   the message (without the file name) in *OC if OC is not NULL, and
   the reason in *STATUS if STATUS is not NULL.  */
struct ulp_elf *ulp_elf_open_status (const char *path,
                                     enum ulp_elf_status *status,
                                     struct outcome *oc);

/* The same for the SIZE bytes at IMAGE, named NAME in messages (the
   fuzz harnesses read their input this way).  IMAGE must stay valid,
   and is not freed, until ulp_elf_close.  */
struct ulp_elf *ulp_elf_open_memory (const char *name, void *image,
                                     size_t size,
                                     enum ulp_elf_status *status,
                                     struct outcome *oc);

/* The same, for callers that only want the message.  */
struct ulp_elf *ulp_elf_open (const char *path, struct outcome *oc);

/* Release everything ulp_elf_open returned.  NULL is allowed.  */
void ulp_elf_close (struct ulp_elf *ue);

/* The path it was opened with.  */
const char *ulp_elf_path (const struct ulp_elf *ue);

enum ulp_elf_type ulp_elf_type (const struct ulp_elf *ue);

/* "relocatable object", "shared object" ...  */
const char *ulp_elf_type_name (enum ulp_elf_type type);

/* Metadata format version (from the note; ULP_META_VERSION for a .o,
   which carries none).  */
unsigned ulp_elf_version (const struct ulp_elf *ue);

/* The GNU build-id (by the rule of ulp-note.h), or NULL (then *LEN is
   0).  LEN may be NULL.  */
const unsigned char *ulp_elf_build_id (const struct ulp_elf *ue,
                                       size_t *len);

/* Linked objects: the ULP note, decoded and checked (ulp-note.h).
   False for a .o.  */
bool ulp_elf_note (const struct ulp_elf *ue, struct ulp_note *note);

/* Linked objects: the file's loaded contents, for the patch-table
   reader of ulp-format.h.  */
struct ulp_image;
void ulp_elf_image (const struct ulp_elf *ue, struct ulp_image *im);

/* The decoded functions, in the order of their records.  */
size_t ulp_elf_nfuncs (const struct ulp_elf *ue);
const struct ulp_func *ulp_elf_funcs (const struct ulp_elf *ue);

/* The first function named NAME, or NULL.  */
const struct ulp_func *ulp_elf_find (const struct ulp_elf *ue,
                                     const char *name);

/* Linked objects: the record table the ULP note describes (link-time
   address, bytes, record stride).  False for a .o.  */
bool ulp_elf_table (const struct ulp_elf *ue, uint64_t *addr,
                    uint64_t *size, uint32_t *record_size);

/* Linked objects: the file's bytes at link-time address VADDR, SIZE of
   them, when one PT_LOAD segment holds them all in the file; else
   NULL.  */
const unsigned char *ulp_elf_read_vaddr (const struct ulp_elf *ue,
                                         uint64_t vaddr, uint64_t size);

/* Relocatable objects: SIZE bytes at OFFSET in section SHNDX, or
   NULL.  */
const unsigned char *ulp_elf_read_section (const struct ulp_elf *ue,
                                           size_t shndx, uint64_t offset,
                                           uint64_t size);

/* The underlying libelf handle, for tools that need more (symbols,
   relocations).  Owned by UE.  */
Elf *ulp_elf_handle (const struct ulp_elf *ue);

#ifdef __cplusplus
}
#endif

#endif /* ULP_ELF_H */
