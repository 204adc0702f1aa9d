/* ulp-note.h -- the ELF notes ulp reads: the build-id and the ULP note.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The runtime (objects in memory, patch files, a loaded object's file)
   and the tools (ulp-dump, ulp-apply, ulp-status, ulp-mkpatch) all find
   an object's build-id and its ULP note (ulp-meta.h) the same way,
   here.  The walk takes a memory buffer, so the runtime can hand it a
   loaded PT_NOTE segment; notes laid out with 8-byte alignment (a
   PT_NOTE whose p_align is 8, which modern linkers make for
   .note.gnu.property) are read as such.  libelf's gelf_getnote does the
   walking, on an Elf_Data made over the buffer: it allocates nothing
   and takes no lock, so the runtime may scan while threads are stopped
   or from a constructor.

   The rule every reader follows:

   - Build-id: the first NT_GNU_BUILD_ID note owned by "GNU" whose
     descriptor holds 1 to ULP_BUILD_ID_MAX bytes, in the PT_NOTE
     segments in program-header order; a relocatable object without
     program headers is read through its SHT_NOTE sections instead, in
     section order.  Notes of other sizes are not build-ids.

   - ULP note: the first NT_ULP_OBJECT note owned by ULP_NOTE_NAME,
     found the same way; ulp_note_decode checks its header.  */

#ifndef ULP_NOTE_H
#define ULP_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

#include "ulp-meta.h"

/* The longest build-id ulp accepts, in bytes (hex: twice that).  */
#define ULP_BUILD_ID_MAX 64

/* A walk over the notes of one buffer.  */
struct ulp_note_iter
{
  Elf_Data data;
  size_t off;
};

/* One note the walk hands out.  */
struct ulp_note_item
{
  uint32_t type;
  const char *name;          /* owner, NAMESZ bytes (with its NUL).  */
  size_t namesz;
  const unsigned char *desc;
  size_t descsz;
};

/* Start a walk over the SIZE bytes of notes at BUF, aligned as ALIGN
   says (the p_align of a PT_NOTE or the sh_addralign of an SHT_NOTE):
   8 means 8-byte alignment, anything else 4.  */
void ulp_note_iter_init (struct ulp_note_iter *it, const void *buf,
                         size_t size, uint64_t align);

/* The next note into *NOTE; false at the end or at a malformed note.  */
bool ulp_note_next (struct ulp_note_iter *it, struct ulp_note_item *note);

/* What the notes of an object hold, by the rule above.  Start zeroed
   and scan each buffer in turn: the first of each kind stays.  */
struct ulp_notes
{
  const unsigned char *build_id;  /* or NULL.  */
  size_t build_id_len;
  const unsigned char *ulp;       /* descriptor of the ULP note, or NULL.  */
  size_t ulp_size;
};

void ulp_notes_scan (struct ulp_notes *found, const void *buf, size_t size,
                     uint64_t align);

/* The notes of a file open in libelf, by the rule above: its PT_NOTE
   segments, or the SHT_NOTE sections of a file without program
   headers.  The pointers stay valid until elf_end.  -1 when a PT_NOTE
   segment lies outside the file (then *FOUND holds what came before),
   else 0.  */
int ulp_notes_read_elf (Elf *elf, struct ulp_notes *found);

/* The notes of one PT_NOTE segment of ELF, described by PH.  False when
   the segment lies outside the file.  */
bool ulp_notes_scan_phdr (struct ulp_notes *found, Elf *elf,
                          const GElf_Phdr *ph);

/* What ulp_note_decode thinks of a ULP note's descriptor, in the order
   it checks.  */
enum ulp_note_status
{
  ULP_NOTE_OK = 0,
  ULP_NOTE_SHORT,        /* too short to hold a version.  */
  ULP_NOTE_VERSION,      /* not ULP_META_VERSION.  */
  ULP_NOTE_TRUNCATED,    /* shorter than struct ulp_note.  */
  ULP_NOTE_RECORD_SIZE,  /* record_size below ULP_RECORD_SIZE.  */
  ULP_NOTE_TABLE_SIZE    /* table_size not a multiple of it.  */
};

/* Decode the SIZE-byte descriptor DESC of a ULP note into *NOTE (the
   bytes it has; the rest 0) and check it against ulp-meta.h.  */
enum ulp_note_status ulp_note_decode (const unsigned char *desc, size_t size,
                                      struct ulp_note *note);

#endif /* ULP_NOTE_H */
