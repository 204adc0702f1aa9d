/* ulp-meta.h -- the metadata a live-patchable object carries.

   Copyright (C) 2026 The ulp authors.

   This file is part of ulp.  It is shared by the GCC plugin (which
   writes the records), the linker script (which gathers them and adds
   the note), and the runtime and tools (which read them).  It must stay
   valid C and C++.

   Layout in a linked object:

     PT_NOTE  owner "ULP", type NT_ULP_OBJECT, descriptor struct ulp_note
              -> link-time address and size of the record table
     .ulp_meta  read-only table of struct ulp_record, 4-byte aligned,
                one record per function body the compiler emitted
     .ulp_str   NUL-terminated strings the records point to (merged)
     .ulp_aux   NUL-ended arrays of string references (inline lists)

   Every reference inside a record is a signed 32-bit offset relative to
   the address of the field that holds it, resolved by the static
   linker.  So the table needs no dynamic relocation, stays read-only,
   is position independent, and symbol interposition cannot redirect
   it.  A reference of 0 means "none".

   In a relocatable object (.o) the same records live in one
   ".ulp_meta" section per function (SHF_LINK_ORDER to the function's
   text section, and in its COMDAT group if it has one), so the linker
   drops a record together with a function removed by --gc-sections or
   COMDAT de-duplication.  Their references are R_X86_64_PC32
   relocations.  */

#ifndef ULP_META_H
#define ULP_META_H

#include <stdint.h>

/* Format version of the note and the records.  Bump on any change a
   reader of an older version would misread.  */
#define ULP_META_VERSION 1

/* Owner name and types of ulp's ELF notes.  */
#define ULP_NOTE_NAME "ULP"
#define NT_ULP_OBJECT 1 /* a live-patchable object: struct ulp_note.  */

/* Section names.  */
#define ULP_META_SECTION ".ulp_meta"
#define ULP_STR_SECTION ".ulp_str"
#define ULP_AUX_SECTION ".ulp_aux"

/* Descriptor of the NT_ULP_OBJECT note.  Addresses are link-time
   virtual addresses: add the load bias (dlpi_addr, l_addr) at run
   time.  */
struct ulp_note
{
  uint32_t version;     /* ULP_META_VERSION.  */
  uint32_t record_size; /* sizeof (struct ulp_record) when linked.  */
  uint64_t table;       /* address of the first record.  */
  uint64_t table_size;  /* bytes of records.  */
};

/* Kinds of function body.  */
enum ulp_kind
{
  ULP_KIND_FUNCTION = 0, /* an ordinary function.  */
  ULP_KIND_CLONE = 1,    /* an IPA clone (.constprop, .isra, .part ...);
                            ORIGIN names the function it was made from. */
  ULP_KIND_COLD = 2      /* the cold part (.cold) of a split function;
                            ORIGIN names that function.  Never called,
                            so never detoured: patch ORIGIN instead.  */
};

/* Record flags.  */
enum ulp_record_flags
{
  ULP_F_GLOBAL = 1 << 0,   /* external linkage.  */
  ULP_F_EXPORTED = 1 << 1, /* external linkage, default visibility.  */
  ULP_F_WEAK = 1 << 2,     /* weak definition.  */
  ULP_F_COMDAT = 1 << 3,   /* in a COMDAT group (C++ inline, template).  */
  ULP_F_ENDBR = 1 << 4,    /* endbr64 precedes the entry instruction.  */
  ULP_F_EXCLUDED = 1 << 5, /* no patchable entry: excluded by attribute
                              or plugin argument.  */
  ULP_F_LTO = 1 << 6       /* compiled by lto1 (link-time optimisation). */
};

/* Geometry of the patchable entry the plugin emits.  */
#define ULP_PRE_ENTRY_SIZE 14 /* NOP bytes before the function label.  */
#define ULP_ENTRY_SIZE 2      /* the entry instruction: 66 90.  */
#define ULP_ENTRY_NOP0 0x66
#define ULP_ENTRY_NOP1 0x90

/* One record per emitted function body.  32 bytes, 4-byte aligned.  */
struct ulp_record
{
  int32_t addr;         /* -> the function's label (its symbol value).  */
  int32_t name;         /* -> assembler name, in .ulp_str.  */
  int32_t origin;       /* -> assembler name of the function a clone or
                           cold part comes from, or 0.  */
  int32_t unit;         /* -> name of the translation unit (the main
                           source file as given to the compiler).  */
  int32_t inlined;      /* -> in .ulp_aux: an array of int32_t string
                           references (each relative to its own
                           element), ending with 0: the functions whose
                           bodies were inlined into this one; or 0.  */
  uint32_t code_size;   /* bytes from the label to the end of this
                           part of the function.  */
  uint16_t flags;       /* ULP_F_*.  */
  uint8_t kind;         /* enum ulp_kind.  */
  uint8_t pre_entry;    /* bytes of NOP area before the label.  */
  uint8_t entry_offset; /* offset of the entry instruction from the
                           label (4 after endbr64, else 0).  */
  uint8_t entry_size;   /* bytes of the entry instruction; 0 when the
                           function has no patchable entry.  */
  uint16_t reserved;    /* 0.  */
};

#ifdef __cplusplus
static_assert (sizeof (struct ulp_record) == 32, "ulp_record layout");
static_assert (sizeof (struct ulp_note) == 24, "ulp_note layout");
#else
_Static_assert (sizeof (struct ulp_record) == 32, "ulp_record layout");
_Static_assert (sizeof (struct ulp_note) == 24, "ulp_note layout");
#endif

/* Resolve a self-relative reference held at FIELD; NULL for 0.  */
static inline const void *
ulp_ref (const int32_t *field)
{
  return *field ? (const char *) field + *field : (const void *) 0;
}

#endif /* ULP_META_H */
