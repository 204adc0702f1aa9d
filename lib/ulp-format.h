/* ulp-format.h -- reading ulp's patch tables, and naming units.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The one decoder of the patch table (ulp-patch.h) that the runtime,
   ulp-apply, ulp-status and ulp-dump share.  It reads a linked file
   through a struct ulp_image, which each caller builds over its own
   view of the PT_LOAD segments (the runtime over a patch file it is
   about to load, the tools over files on disk), so the decoder sees
   exactly the bytes the caller checks.

   Two ways to read a table: ulp_patch_describe takes what a tool shows
   or chooses processes by (target, name, version) from a table that
   may be damaged; ulp_patch_check is the runtime's: every entry checked
   against the contract, nothing of a patch loaded before it passed.

   Nothing here allocates or prints.  */

#ifndef ULP_FORMAT_H
#define ULP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ulp-patch.h"

/* Strings a table refers to are NUL-terminated within this many bytes.  */
#define ULP_STRING_MAX 4096

/* How ulp_image.prot is asked.  */
enum
{
  ULP_IMAGE_IN_FILE = 1,   /* the range must have bytes in the file.  */
  ULP_IMAGE_RELRO = 2      /* as left after relocation: read-only inside
                              PT_GNU_RELRO.  */
};

/* A linked object's loaded contents, by link-time address.  */
struct ulp_image
{
  const void *ctx;
  /* The bytes the file holds at VADDR, with in *ROOM how many follow in
     the same PT_LOAD segment; NULL when no segment holds VADDR in its
     file contents.  */
  const unsigned char *(*at) (const void *ctx, uint64_t vaddr,
                              uint64_t *room);
  /* PROT_* of the PT_LOAD that holds [VADDR, VADDR+SIZE) (HOW: the
     ULP_IMAGE_* above), or -1 when none does.  Only ulp_patch_check
     asks.  */
  int (*prot) (const void *ctx, uint64_t vaddr, uint64_t size, int how);
};

/* SIZE bytes of the file at VADDR, or NULL.  */
const unsigned char *ulp_image_bytes (const struct ulp_image *im,
                                      uint64_t vaddr, uint64_t size);

/* The string at VADDR (NUL within ULP_STRING_MAX bytes), or NULL.  */
const char *ulp_image_string (const struct ulp_image *im, uint64_t vaddr);

/* One entry of a patch table, its references resolved.  */
struct ulp_patch_item
{
  size_t index;
  uint32_t kind;
  uint32_t flags;
  uint32_t reserved;
  int32_t ref_a, ref_b, ref_c;  /* the references as stored.  */
  uint64_t a, b, c;          /* addresses they lead to; 0 for a
                                reference of 0.  */
  const char *sa, *sb, *sc;  /* the strings there, or NULL when the
                                reference is 0 or no string is there.  */
};

/* Entry I of the table at TABLE into *IT.  False when its bytes are not
   in the file.  */
bool ulp_patch_item_read (const struct ulp_image *im, uint64_t table,
                          size_t i, struct ulp_patch_item *it);

/* What a table says about its patch, for the tools: the last TARGET and
   INFO entries win, as they did for every reader so far.  */
struct ulp_patch_about
{
  const char *soname;        /* TARGET's, or NULL.  */
  const char *build_id;      /* TARGET's, or NULL.  */
  bool bad_target;           /* a TARGET entry lacks one of them.  */
  const char *name;          /* INFO's, or NULL.  */
  const char *description;   /* or NULL.  */
  uint32_t version;          /* INFO's flags.  */
};

/* Fill *ABOUT from the table of SIZE bytes at TABLE.  False when the
   size is not a whole number of entries or an entry is outside the
   file.  */
bool ulp_patch_describe (const struct ulp_image *im, uint64_t table,
                         uint64_t size, struct ulp_patch_about *about);

/* Why ulp_patch_check refused a table.  */
enum ulp_patch_fault
{
  ULP_PATCH_OK = 0,
  ULP_PATCH_GEOMETRY,    /* size 0, not whole entries, or misaligned.  */
  ULP_PATCH_OUTSIDE,     /* the table is outside the file's contents.  */
  ULP_PATCH_FLAGS,       /* entry ENTRY has unknown flags.  */
  ULP_PATCH_KIND,        /* entry ENTRY has unknown kind KIND.  */
  ULP_PATCH_ENTRY,       /* entry ENTRY (KIND) is malformed: WHAT.  */
  ULP_PATCH_VISIT,       /* the caller's VISIT refused entry ENTRY.  */
  ULP_PATCH_TARGETS,     /* COUNT TARGET entries, not one.  */
  ULP_PATCH_REPEATED,    /* more than one INFO or STATE entry.  */
  ULP_PATCH_NO_REPLACE   /* no REPLACE entry.  */
};

struct ulp_patch_problem
{
  enum ulp_patch_fault fault;
  size_t entry;
  uint32_t kind;
  const char *what;
  size_t count;
};

/* Check the table of SIZE bytes at TABLE against ulp-patch.h: kinds and
   flags; exactly one TARGET (soname, lower-case hex build-id), at most
   one INFO and one STATE, at least one REPLACE; every reference inside
   the file's contents and every string NUL-terminated; replacements in
   code executable after relocation, reference slots and the state
   8-byte aligned in writable data, relocated places inside the patch
   with a supported type.  VISIT, when not NULL, sees each good entry in
   order and may refuse it by returning non-zero.  0, or -1 with
   *PROBLEM filled.  */
int ulp_patch_check (const struct ulp_image *im, uint64_t table,
                     uint64_t size,
                     int (*visit) (void *arg, const struct ulp_patch_item *),
                     void *arg, struct ulp_patch_problem *problem);

/* Units.  A patch names the unit of a static symbol as its author sees
   it ("src/foo.c"); the compiler may have seen "../src/foo.c" or
   "/build/src/foo.c".  */

/* Whether unit names A and B name the same unit: equal, or one is the
   other with leading directories.  NULL is the same only as NULL.  */
bool ulp_unit_same (const char *a, const char *b);

/* Whether a record of unit REC_UNIT (or NULL) is one a patch naming
   UNIT means: any record when UNIT is NULL.  */
bool ulp_unit_matches (const char *rec_unit, const char *unit);

#endif /* ULP_FORMAT_H */
