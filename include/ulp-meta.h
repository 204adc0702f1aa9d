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
   reader of an older version would misread.  The linker script's note
   takes it from here (ldscripts/ulp.ld.in).  Version 2: tracked entries
   in front of their functions (ULP_F_ARMABLE with TRACKING, no
   ULP_KIND_ENTRY), fused entries (ULP_F_FUSED).  Version 3: fused
   entries that address relative to %rip (ULP_F_RIP).  */
#define ULP_META_VERSION 3

/* Sizes of struct ulp_note and struct ulp_record, checked below, for
   the linker script.  */
#define ULP_NOTE_SIZE 56
#define ULP_RECORD_SIZE 32

/* Owner name and types of ulp's ELF notes.  */
#define ULP_NOTE_NAME "ULP"
#define NT_ULP_OBJECT 1 /* a live-patchable object: struct ulp_note.  */

/* Section names.  */
#define ULP_META_SECTION ".ulp_meta"
#define ULP_STR_SECTION ".ulp_str"
#define ULP_AUX_SECTION ".ulp_aux"
#define ULP_PATCH_SECTION ".ulp_patch"

/* Descriptor of the NT_ULP_OBJECT note.  Addresses are link-time
   virtual addresses: add the load bias (dlpi_addr, l_addr) at run
   time.  */
struct ulp_note
{
  uint32_t version;      /* ULP_META_VERSION.  */
  uint32_t record_size;  /* sizeof (struct ulp_record) when linked.  */
  uint64_t table;        /* address of the first record.  */
  uint64_t table_size;   /* bytes of records.  */
  uint64_t object_state; /* address of this object's struct
                            ulp_object_state (__ulp_object), or 0 when
                            nothing in it is boundary-tracked.  */
  uint64_t thread_state; /* address of struct ulp_thread_state
                            (__ulp_thread) in the PT_TLS image: its
                            offset in the object's TLS block is this
                            minus PT_TLS's p_vaddr; or 0.  */
  uint64_t patch_table;  /* address of the struct ulp_patch_entry table
                            (ulp-patch.h) when the object is a live
                            patch, else 0.  */
  uint64_t patch_size;   /* bytes of patch entries.  */
};

/* Kinds of function body.  */
enum ulp_kind
{
  ULP_KIND_FUNCTION = 0, /* an ordinary function.  */
  ULP_KIND_CLONE = 1,    /* an IPA clone (.constprop, .isra, .part ...);
                            ORIGIN names the function it was made from. */
  ULP_KIND_COLD = 2,     /* the cold part (.cold) of a split function;
                            ORIGIN names that function.  Never called,
                            so never detoured: patch ORIGIN instead.  */
  ULP_KIND_VARIABLE = 3  /* a variable with static storage; CODE_SIZE is
                            its size, ORIGIN the function a static local
                            belongs to.  No entry.  */
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
  ULP_F_LTO = 1 << 6,      /* compiled by lto1 (link-time optimisation). */
  ULP_F_BOUNDARY = 1 << 7, /* boundary-tracked: entering it from outside
                              the object moves the thread to the
                              object's newest universe.  */
  ULP_F_TLS = 1 << 8,      /* a thread-local variable.  */
  ULP_F_ARMABLE = 1 << 9,  /* the tracked entry at the function's label
                              (ULP_F_BOUNDARY, TRACKING non-zero) starts
                              unarmed: the runtime arms the object at its
                              first patch (ULP_ARM_SITE_SIZE below).
                              Without it a tracked entry tracks from the
                              start.  */
  ULP_F_FUSED = 1 << 10,   /* the entry instruction is the function's own
                              first instruction (ENTRY_SIZE bytes, at
                              least 2), not the 2-byte NOP: it runs
                              anywhere (no branch; a %rip-relative
                              operand with ULP_F_RIP), so the runtime
                              runs a copy of it
                              for a thread that must run this version
                              once the first 2 bytes are a detour.  */
  ULP_F_RIP = 1 << 11      /* the fused entry instruction addresses
                              memory (or takes an address) relative to
                              %rip: the copy that runs elsewhere needs
                              its 32-bit displacement moved.  Bits
                              ULP_F_RIP_DISP_SHIFT and up give the
                              displacement's offset in the instruction
                              (ULP_RECORD_RIP_DISP).  */
};

#define ULP_F_RIP_DISP_SHIFT 12
#define ULP_RECORD_RIP_DISP(flags) (((flags) >> ULP_F_RIP_DISP_SHIFT) & 15)

/* Geometry of the patchable entry the plugin emits.  */
#define ULP_PRE_ENTRY_SIZE 6  /* NOP bytes before the function label:
                                 room for the detour's jmp *SLOT(%rip),
                                 its slot in a page near the object.
                                 Objects of older plugins have 14; the
                                 runtime needs at least this many.  */
#define ULP_ENTRY_SIZE 2      /* the entry instruction: 66 90, unless
                                 ULP_F_FUSED (then at least 2 bytes).  */
#define ULP_ENTRY_MAX 15      /* the longest x86 instruction.  */
#define ULP_ENTRY_NOP0 0x66
#define ULP_ENTRY_NOP1 0x90

/* A tracked entry: a function a thread can enter from outside the
   object (ULP_F_BOUNDARY, TRACKING non-zero) has, at its label (past
   endbr64), a 2-byte arming site in front of its entry instruction,
   ENTRY_OFFSET bytes from the label, where the object's own calls enter
   (the plugin's local label NAME.ulp_inner):

     tracking code              TRACKING bytes before the label:
                                  nested (the stack pointer is below the
                                  outermost frame): jump to the entry;
                                  else jump to __ulp_outer, which calls
                                  the entry in the outer-entry protocol
     pre-entry area             PRE_ENTRY bytes
   label:
     [endbr64]
     arming site                2E 2E: two CS segment-override prefixes,
                                  part of the entry instruction (one
                                  instruction, nothing more to run);
                                EB <to the tracking code>, armed
     entry instruction          66 90, detoured like any other

   Until the runtime arms the object (ULP_F_ARMABLE), a call through the
   label runs exactly what a call of the entry runs.  Arming is one
   aligned 2-byte store per entry, so a thread sees one form or the
   other.  */
#define ULP_ARM_SITE_SIZE 2
#define ULP_UNARMED_PREFIX 0x2e
#define ULP_ARMED_JUMP 0xeb

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
                           label: 4 after endbr64, 2 more after a tracked
                           entry's arming site.  */
  uint8_t entry_size;   /* bytes of the entry instruction; 0 when the
                           function has no patchable entry.  */
  uint16_t tracking;    /* of a tracked entry: bytes from the start of
                           its tracking code to the label; else 0.  */
};

/* Universes.  Each object counts its own: the runtime bumps
   ulp_object_state.universe for every patch applied to or reverted from
   that object.  A thread's view of an object changes only when it
   enters the object from outside: the plugin instruments every
   exported function so that, on entry, a thread with no frame of the
   object on its stack (depth 0) takes the object's newest universe,
   and nested entries (recursion, callbacks that call back in, signal
   handlers interrupting the object) keep the one it has.  */

/* Per object, hidden symbol __ulp_object (one per linked object).  */
struct ulp_object_state
{
  uint64_t universe;   /* newest universe; starts at 1, written only by
                          the runtime.  */
  uint64_t enter_slow; /* void (*) (struct ulp_thread_state *, uint64_t sp,
                          struct ulp_object_state *): the runtime's slow
                          path for entries the inline code does not
                          settle, or 0 when no runtime is loaded.  */
  uint64_t runtime;    /* the runtime's handle for this object, or 0.  */
  uint64_t reserved[5];
};

/* Per thread and object, hidden thread-local symbol __ulp_thread.  */
struct ulp_thread_state
{
  uint64_t depth;    /* outer entries of the object on this thread's
                        stack (see below).  */
  uint64_t universe; /* the universe the thread lives in for this
                        object; 0 before its first entry.  */
  uint64_t outer_sp; /* stack pointer at the outermost entry, or 0
                        outside the object.  */
};

/* Offset of outer_sp in struct ulp_thread_state, for the entries' fast
   path and the runtime's stubs, which are written in assembly.  */
#define ULP_THREAD_OUTER_SP_OFFSET 16

/* What a tracked entry does (SP is the stack pointer at the entry,
   before anything is pushed: the caller's stack pointer less the return
   address):

     if (sp < t->outer_sp)
       goto body;                               nested: already inside
     if (t->depth == 0 && t->universe == o->universe)
       t->outer_sp = sp, t->depth = 1;          outermost, nothing new
     else if (o->enter_slow)
       o->enter_slow (t, sp, o);                migration, a stale depth
                                                (longjmp out of the
                                                object, a foreign unwind),
                                                or a signal handler on an
                                                alternate stack above
     else if (t->depth == 0)
       t->universe = o->universe, t->outer_sp = sp, t->depth = 1;
     else
       t->depth++;
     ... call body ...
     if (--t->depth == 0)                       on every exit, also
       t->outer_sp = 0;                         through exceptions

   So DEPTH counts outer entries (1 while the thread is inside, more
   only for handlers on an alternate stack), and OUTER_SP is 0 whenever
   DEPTH is.  A function tracked in its own body (one whose arguments
   cannot be forwarded: varargs, ...) does the same around its body,
   skipping both the entry and the exit when nested.  */

#ifdef __cplusplus
static_assert (sizeof (struct ulp_record) == ULP_RECORD_SIZE,
               "ulp_record layout");
static_assert (sizeof (struct ulp_note) == ULP_NOTE_SIZE, "ulp_note layout");
static_assert (sizeof (struct ulp_object_state) == 64, "object layout");
static_assert (sizeof (struct ulp_thread_state) == 24, "thread layout");
#else
_Static_assert (sizeof (struct ulp_record) == ULP_RECORD_SIZE,
                "ulp_record layout");
_Static_assert (sizeof (struct ulp_note) == ULP_NOTE_SIZE, "ulp_note layout");
_Static_assert (sizeof (struct ulp_object_state) == 64, "object layout");
_Static_assert (sizeof (struct ulp_thread_state) == 24, "thread layout");
#endif

/* Resolve a self-relative reference held at FIELD; NULL for 0.  */
static inline const void *
ulp_ref (const int32_t *field)
{
  return *field ? (const char *) field + *field : (const void *) 0;
}

#endif /* ULP_META_H */
