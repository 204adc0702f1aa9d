/* boundary-check.h -- is every entry of a linked object tracked?

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A thread enters a linked object from outside through the functions
   the object exports: the defined STT_FUNC symbols of its dynamic
   symbol table with global or weak binding and default or protected
   visibility, whatever made them so (the function's own visibility, an
   alias, .symver, a version script).  Each must land on a function
   whose record carries ULP_F_BOUNDARY (a tracked entry), or a call
   entering through it may run code of two universes.  This module
   compares the two sets; ulp-dump --check-boundary prints the result.

   Functions of vague linkage (inline functions and template instances,
   whose records carry ULP_F_COMDAT) are listed apart too: every user
   compiles its own copy, so they are entries of nothing, and the
   plugin never tracks them; an object that exports one (as C++ does
   without -fvisibility-inlines-hidden) is not missing anything.

   GNU indirect functions (STT_GNU_IFUNC) are listed apart: the
   symbol's value is the resolver, which the loader runs, and the
   function a caller reaches is whatever the resolver returns at run
   time, which no file can tell.  Symbols whose name starts with
   "__ulp_" are ulp's own and skipped.  */

#ifndef ULP_BOUNDARY_CHECK_H
#define ULP_BOUNDARY_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "ulp-elf.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ulp_bc_kind
{
  ULP_BC_UNTRACKED,   /* exported, but no tracked entry at its address. */
  ULP_BC_UNREACHABLE, /* a tracked entry no exported symbol reaches.  */
  ULP_BC_IFUNC,       /* an exported indirect function: not checked.  */
  ULP_BC_VAGUE        /* an exported inline function or template
                         instance: not an entry.  */
};

struct ulp_bc_item
{
  enum ulp_bc_kind kind;
  char *name;          /* symbol name, with @VERSION or @@VERSION when
                          versioned; the record's name for
                          ULP_BC_UNREACHABLE.  */
  uint64_t address;    /* link-time address.  */
  int has_record;      /* ULP_BC_UNTRACKED: a ulp record (without
                          ULP_F_BOUNDARY) is at the address.  */
};

struct ulp_bc_report
{
  size_t exported;     /* exported function symbols (ifuncs and vague
                          linkage aside).  */
  size_t tracked;      /* of which land on a tracked entry.  */
  size_t entries;      /* records with ULP_F_BOUNDARY.  */
  size_t nitems;
  struct ulp_bc_item *items; /* by kind, then address, then name.  */
};

/* Check UE, a linked object.  0 with *REPORT filled (free it with
   ulp_bc_free); -1 with the reason in *OC (ULP_EXIT_FAIL) when UE is no
   linked object or its dynamic symbol table cannot be read.  An object
   without a dynamic section (statically linked) exports nothing: 0,
   with an empty report.  */
int ulp_bc_check (const struct ulp_elf *ue, struct ulp_bc_report *report,
                  struct outcome *oc);

void ulp_bc_free (struct ulp_bc_report *report);

#ifdef __cplusplus
}
#endif

#endif /* ULP_BOUNDARY_CHECK_H */
