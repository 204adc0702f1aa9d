/* ulp-patch.h -- the live patch format, and writing a patch by hand.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A live patch is an ELF shared object built with the ulp plugin in
   patch mode (-fplugin-arg-ulp-patch).  Besides its own ULP note and
   records it carries a table of struct ulp_patch_entry in the section
   .ulp_patch, which the linker script brackets and points to from the
   note (ulp_note.patch_table).  The entries say which object the patch
   is for, which functions of that object it replaces and with what, and
   which symbols of that object its code refers to: those references go
   through 8-byte slots the runtime fills at apply time with the address
   of the instance in the running process, so the patch shares the
   target's static variables and functions instead of copying them.

   References inside an entry are self-relative, as in ulp-meta.h.  The
   macros below emit entries from C; ulp-mkpatch writes the same format.

   Writing a patch by hand (C, GNU extensions):

     #include <ulp-patch.h>
     ULP_PATCH_TARGET ("libfoo.so.1", "3f2a...");   soname and build-id
     ULP_PATCH_INFO ("fix-1234", "Check the length in foo_parse");
     ULP_TARGET_REF (int, counter_ref, "counter");  int *counter_ref, set
                                                    to &counter of the
                                                    running libfoo
     int foo_parse_fixed (const char *s)
       __attribute__ ((ulp_replace ("foo_parse")));
     int foo_parse_fixed (const char *s) { ... (*counter_ref)++ ... }

   The ulp_replace attribute is the plugin's: it adds the REPLACE entry,
   keeps the function, and in patch mode gives it the same boundary
   tracking the replaced function has, working on the target's
   per-thread state.  A replaced static function of the target is named
   with ulp_replace ("name", "unit.c") when several units have one.  */

#ifndef ULP_PATCH_H
#define ULP_PATCH_H

#include <stdint.h>

#define ULP_PATCH_VERSION 1

enum ulp_patch_kind
{
  ULP_PATCH_TARGET = 1,  /* A: soname of the target object; B: its GNU
                            build-id in lower-case hex.  Exactly one.  */
  ULP_PATCH_REPLACE = 2, /* A: the replacement function; B: assembler
                            name of the target function; C: its unit,
                            or 0 when the name is unique.  */
  ULP_PATCH_REF = 3,     /* A: an 8-byte slot the runtime fills with the
                            address of B in the target; C: unit, or 0.
                            B may name a function or a variable.  */
  ULP_PATCH_INFO = 4,    /* A: the patch's name; B: a description, or 0;
                            FLAGS: the patch's version (see below).  */
  ULP_PATCH_STATE = 5,   /* A: the patch's struct ulp_patch_state, which
                            the runtime fills.  At most one.  */
  ULP_PATCH_RELOC = 6,   /* A: a place in the patch (code or data) that
                            refers to B, a symbol of the target (C: its
                            unit, or 0); FLAGS: the ELF relocation type
                            (R_X86_64_PC32, R_X86_64_PLT32, R_X86_64_64,
                            or, for a program built without -fPIE,
                            R_X86_64_32 or R_X86_64_32S); RESERVED: the
                            addend, as a signed 32-bit value.  The
                            runtime writes the place (S + A - P, or
                            S + A) before any of the patch can run, and
                            refuses the patch when a 32-bit value does
                            not fit.  ulp-mkpatch uses these to keep
                            compiled code byte for byte while its
                            references to the target's static functions
                            and variables resolve to the running
                            instances.  */
  ULP_PATCH_ABS32 = 7    /* A: a place in the patch (code or data) that
                            holds the absolute address B, a place in the
                            patch itself; FLAGS: R_X86_64_32 (zero-
                            extended) or R_X86_64_32S (sign-extended).
                            Code built without -fPIE takes its own
                            data's addresses so, which a shared object
                            cannot hold as a relocation: the runtime
                            loads such a patch below 2 GiB and writes
                            the place before any of the patch can
                            run.  */
};

struct ulp_patch_entry
{
  uint32_t kind;     /* enum ulp_patch_kind.  */
  int32_t a;         /* self-relative references, 0 for none.  */
  int32_t b;
  int32_t c;
  uint32_t flags;    /* 0, except for RELOC (the type) and INFO (the
                        version).  */
  uint32_t reserved; /* 0.  */
};

/* Where the boundary tracking compiled into a patch finds the target's
   state (see ulp-meta.h): filled by the runtime before any replacement
   can run.  */
struct ulp_patch_state
{
  uint64_t object;        /* &__ulp_object of the target.  */
  uint64_t tpoff;         /* offset of the target's __ulp_thread from the
                             thread pointer when the target's TLS is
                             static, else 0.  */
  uint64_t tls_index[2];  /* { module id, offset } of the target's
                             __ulp_thread, for __tls_get_addr.  */
};

#ifdef __cplusplus
static_assert (sizeof (struct ulp_patch_entry) == 24, "entry layout");
#else
_Static_assert (sizeof (struct ulp_patch_entry) == 24, "entry layout");
#endif

/* Emitting entries from C: one top-level asm statement per entry.
   String operands go to .ulp_str behind numeric local labels.  */
#define ULP_PATCH__ENTRY(kind, a, b, c)                                   \
  __asm__ (".pushsection .ulp_patch,\"a\",@progbits\n\t.balign 4\n\t"     \
           ".long " #kind "\n\t" a "\n\t" b "\n\t" c                      \
           "\n\t.long 0, 0\n\t.popsection")
#define ULP_PATCH__STRREF(n, str)                                         \
  ".pushsection .ulp_str,\"aMS\",@progbits,1\n" #n ":\t.string \"" str    \
  "\"\n\t.popsection\n\t.long " #n "b - ."
#define ULP_PATCH__SYMREF(sym) ".long " #sym " - ."
#define ULP_PATCH__NOREF ".long 0"

/* The object this patch is for: its soname and GNU build-id (hex).  */
#define ULP_PATCH_TARGET(soname, build_id)                                \
  ULP_PATCH__ENTRY (1, ULP_PATCH__STRREF (1, soname),                     \
                    ULP_PATCH__STRREF (2, build_id), ULP_PATCH__NOREF)

/* The patch's name and a one-line description.  */
#define ULP_PATCH_INFO(name, description)                                 \
  ULP_PATCH__ENTRY (4, ULP_PATCH__STRREF (1, name),                       \
                    ULP_PATCH__STRREF (2, description), ULP_PATCH__NOREF)

/* Versions.  The FLAGS of the INFO entry hold the patch's version, a
   number that grows with each new patch of the same name for the same
   target object (the same build-id); 0 means "unversioned".  The
   runtime refuses a versioned patch when a patch of the same name is
   applied to the same object at the same or a newer version, and
   replaces an applied older version (or an unversioned one) of that
   name by the new one in a single universe step: every thread runs
   either the old or the new version, never neither.  Unversioned
   patches of the same name stack, as they did before versions.  */
#define ULP_PATCH_INFO_VERSION(name, description, version)                \
  ULP_PATCH__INFO_VERSION (name, description, version)
/* One more level, so that VERSION may be a macro.  */
#define ULP_PATCH__INFO_VERSION(name, description, version)               \
  __asm__ (".pushsection .ulp_patch,\"a\",@progbits\n\t.balign 4\n\t"     \
           ".long 4\n\t" ULP_PATCH__STRREF (1, name) "\n\t"               \
           ULP_PATCH__STRREF (2, description) "\n\t" ULP_PATCH__NOREF     \
           "\n\t.long " #version ", 0\n\t.popsection")

/* Declare VAR, a pointer to TYPE that the runtime sets to the address of
   TARGET (a variable or function of the target object) before the patch
   runs.  _IN names the unit of a static symbol whose name is not unique
   in the target.  */
#define ULP_TARGET_REF(type, var, target)                                 \
  static type *var __attribute__ ((used));                                \
  ULP_PATCH__ENTRY (3, ULP_PATCH__SYMREF (var),                           \
                    ULP_PATCH__STRREF (1, target), ULP_PATCH__NOREF)
#define ULP_TARGET_REF_IN(type, var, target, unit)                        \
  static type *var __attribute__ ((used));                                \
  ULP_PATCH__ENTRY (3, ULP_PATCH__SYMREF (var),                           \
                    ULP_PATCH__STRREF (1, target),                        \
                    ULP_PATCH__STRREF (2, unit))

#endif /* ULP_PATCH_H */
