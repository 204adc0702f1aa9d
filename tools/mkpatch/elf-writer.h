/* elf-writer.h -- build an x86-64 relocatable ELF object and write it.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A small writer of ET_REL objects over libelf, for ulp-mkpatch's
   intermediate object: the caller adds sections with their bytes and
   relocations, and symbols (every local one before the first global,
   as ELF requires), then writes the file.  The file gets the content
   sections in the order they were added, then one .rela section for
   each of them that has relocations, then .symtab, .strtab and
   .shstrtab.  Nothing here knows what the sections mean.  */

#ifndef ELF_WRITER_H
#define ELF_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

/* One content section.  The caller fills DATA (malloc'ed, then owned
   by the writer; NULL for SHT_NOBITS) and SIZE, and may change SH's
   flags; the writer sets the rest.  */
struct elfw_section
{
  char *name;
  GElf_Shdr sh;                /* type, flags, alignment, entry size.  */
  unsigned char *data;
  uint64_t size;
  size_t index;                /* its section header index in the file.  */
  size_t sym;                  /* its section symbol, once
                                  elfw_add_section_symbols has run.  */
  size_t link_to;              /* SHF_LINK_ORDER: the index of the section
                                  it follows, or 0.  */
  GElf_Rela *relas;
  size_t nrelas, relas_cap;
};

struct elfw;

/* A new, empty object, with the null symbol.  */
struct elfw *elfw_new (void);
void elfw_free (struct elfw *w);

/* Add a section (no bytes yet); return its number K for the functions
   below, counted from 0 in the order of addition.  */
size_t elfw_add_section (struct elfw *w, const char *name, uint32_t type,
                         uint64_t flags, uint64_t align, uint64_t entsize);
/* Section K, valid until the next elfw_add_section.  */
struct elfw_section *elfw_section (struct elfw *w, size_t k);
size_t elfw_nsections (const struct elfw *w);
/* Append LEN bytes to section K; return the offset they start at.  */
uint64_t elfw_append (struct elfw *w, size_t k, const void *bytes,
                      size_t len);
/* A relocation of section K at OFFSET, against symbol SYM.  */
void elfw_add_rela (struct elfw *w, size_t k, uint64_t offset, uint32_t type,
                    size_t sym, int64_t addend);

/* Add a symbol (NAME may be NULL); return its index.  */
size_t elfw_add_symbol (struct elfw *w, const char *name, unsigned char bind,
                        unsigned char type, size_t shndx, uint64_t value,
                        uint64_t size, unsigned char other);
/* A section symbol for every section added so far.  */
void elfw_add_section_symbols (struct elfw *w);
/* Mark the end of the local symbols: every symbol added from now on
   is global.  */
void elfw_end_locals (struct elfw *w);
/* The undefined global (WEAK: weak) symbol NAME, added on first use.  */
size_t elfw_undefined_symbol (struct elfw *w, const char *name, bool weak);

/* Write the object to PATH; false after printing why.  */
bool elfw_write (const struct elfw *w, const char *path);

#endif /* ELF_WRITER_H */
