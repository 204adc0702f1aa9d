/* mkpatch.h -- the data shared by the phases of ulp-mkpatch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-mkpatch turns two builds of the same object files, ORIG (what the
   running target was linked from) and PATCHED (the fixed sources), into
   a live patch.  It works in named phases, one module each, in this
   order; every phase either completes or prints why it cannot and
   returns false:

     load       (mkpatch-load.c)       read the objects and the target
     correlate  (mkpatch-correlate.c)  pair each function and data object
                                       of PATCHED with its ORIG twin and
                                       each ORIG one with the target's
     compare    (mkpatch-compare.c)    decide what changed, and why
                (mkpatch-lines.c)      and which functions changed only
                                       their line numbers
     include    (mkpatch-include.c)    decide what goes into the patch and
                                       how each reference is resolved
     verify     (mkpatch-verify.c)     check the target is ORIG's build,
                                       refuse what cannot be applied live
                (mkpatch-layout.c)     and changed layouts of data types
     write      (mkpatch-write.c)      write the patch and link it
                (elf-writer.c)         with a writer of relocatable
                                       objects that knows nothing of
                                       patches

   The unit of comparison and of copying is the section: the plugin puts
   every function and every data object in a section of its own, so a
   function is its section's bytes and relocations, and copying it into
   the patch keeps its code byte for byte.  */

#ifndef MKPATCH_H
#define MKPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

#include "ulp-elf.h"

/* Exit statuses.  */
enum
{
  MK_EXIT_OK = 0,        /* a patch was written (or would be).  */
  MK_EXIT_TROUBLE = 1,   /* bad usage, unreadable input, failed link.  */
  MK_EXIT_REFUSED = 2,   /* a change that cannot be applied live, or a
                            target that is not ORIG's build.  */
  MK_EXIT_NO_CHANGE = 3  /* ORIG and PATCHED have the same code.  */
};

/* ------------------------------------------------------------------ */
/* Utilities (mkpatch-util.c).                                         */
/* ------------------------------------------------------------------ */

/* A string-keyed hash table.  Keys are not copied.  */
struct mk_map
{
  size_t n, cap;
  const char **keys;
  void **vals;
};

/* The value of KEY, or NULL.  */
void *mk_map_get (const struct mk_map *m, const char *key);
/* Add KEY with VAL unless present; return the value KEY had (NULL when
   it was added).  */
void *mk_map_put (struct mk_map *m, const char *key, void *val);
/* Set KEY to VAL, adding KEY if needed.  */
void mk_map_set (struct mk_map *m, const char *key, void *val);
void mk_map_free (struct mk_map *m);

void *mk_xmalloc (size_t n);
void *mk_xcalloc (size_t n, size_t size);
void *mk_xrealloc (void *p, size_t n);
char *mk_xstrdup (const char *s);
char *mk_xasprintf (const char *fmt, ...)
  __attribute__ ((format (printf, 1, 2)));

/* Grow the array *P of *CAP elements of SIZE bytes so that it holds at
   least N + 1.  */
void mk_grow (void *p, size_t *cap, size_t n, size_t size);

/* Print `ulp-mkpatch: CONTEXT: MESSAGE' on stderr (CONTEXT may be
   NULL), or `ulp-mkpatch: CONTEXT: warning: MESSAGE', through the
   programs' reporting (tool-report.h).  The engine's diagnostics are
   a stream, as a compiler's: it goes on after most of them.  */
void mk_error (const char *context, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
void mk_warning (const char *context, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

/* Verbose output (-v): LEVEL 1 is the phases, 2 every decision; LEVEL
   0 is a note always printed.  */
extern int mk_verbose;
void mk_note (int level, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
/* Progress of PHASE on a terminal: DONE of TOTAL objects.  */
void mk_progress (const char *phase, size_t done, size_t total);

/* NAME with every `.N' (a dot and digits) that GCC adds when it numbers
   clones, static locals and literals removed: "foo.constprop.3" ->
   "foo.constprop", "calls.0" -> "calls".  malloc'ed.  */
char *mk_unnumbered (const char *name);

/* Little-endian integers.  */
uint32_t mk_get32 (const unsigned char *p);
uint64_t mk_get64 (const unsigned char *p);
void mk_put32 (unsigned char *p, uint32_t v);
void mk_put64 (unsigned char *p, uint64_t v);

/* The width in bytes of the field an x86-64 relocation TYPE writes, or
   0 for types that mark an instruction without writing (TLSDESC_CALL)
   or that ulp-mkpatch does not know.  */
unsigned mk_reloc_width (uint32_t type);
/* The name of relocation TYPE ("R_X86_64_PC32"), or "type N".  */
const char *mk_reloc_name (uint32_t type);

/* ------------------------------------------------------------------ */
/* Objects (mkpatch-load.c).                                           */
/* ------------------------------------------------------------------ */

struct mk_object;
struct mk_elem;

/* One relocation of a section.  */
struct mk_rela
{
  uint64_t offset;
  int64_t addend;
  uint32_t type;
  uint32_t sym;          /* index in the object's symbol table.  */
};

/* What a section is, for comparing and copying.  */
enum mk_sec_kind
{
  MK_SEC_OTHER,          /* not loaded, or of no interest.  */
  MK_SEC_TEXT,           /* code.  */
  MK_SEC_DATA,           /* writable data (.data, .bss).  */
  MK_SEC_RODATA,         /* read-only data.  */
  MK_SEC_TLS,            /* thread-local data (.tdata, .tbss).  */
  MK_SEC_STRINGS,        /* merged string literals (SHF_MERGE|STRINGS). */
  MK_SEC_CONSTS,         /* merged constants (SHF_MERGE, fixed size).  */
  MK_SEC_INIT,           /* .init_array, .preinit_array, .ctors.  */
  MK_SEC_FINI,           /* .fini_array, .dtors.  */
  MK_SEC_EH,             /* .eh_frame.  */
  MK_SEC_EXCEPT,         /* .gcc_except_table.*.  */
  MK_SEC_ULP_META,       /* a record (.ulp_meta).  */
  MK_SEC_ULP_AUX,        /* an inline list (.ulp_aux).  */
  MK_SEC_ULP_STR,        /* record strings (.ulp_str).  */
  MK_SEC_GROUP,          /* SHT_GROUP.  */
  MK_SEC_RELA,           /* relocations of another section.  */
  MK_SEC_SYMTAB          /* symbols and their strings.  */
};

struct mk_section
{
  size_t index;
  const char *name;
  GElf_Shdr sh;
  const unsigned char *data;   /* NULL for SHT_NOBITS.  */
  uint64_t size;
  enum mk_sec_kind kind;
  struct mk_rela *relas;       /* sorted by offset.  */
  size_t nrelas;
  size_t group;                /* its SHT_GROUP section, or 0.  */
  const char *group_sig;       /* that group's signature.  */
  struct mk_elem *elem;        /* the one function or object it holds.  */
  size_t nelems;               /* how many it holds.  */
  size_t meta;                 /* its .ulp_meta record section, or 0.  */
  size_t aux;                  /* its .ulp_aux inline list, or 0.  */

  /* Include phase.  */
  bool include;                /* copied into the patch.  */
  struct mk_plan *plan;        /* how each relocation is written.  */
  /* Write phase.  */
  size_t out;                  /* index in the intermediate object.  */
  size_t out_sym;              /* its section symbol there.  */
};

struct mk_symbol
{
  size_t index;
  const char *name;            /* "" for none.  */
  GElf_Sym sym;
  unsigned char type, bind, vis;
  struct mk_section *sec;      /* NULL when undefined or absolute.  */
  struct mk_elem *elem;        /* the function or object it names.  */
  size_t out;                  /* index in the intermediate object.  */
};

enum mk_elem_kind
{
  MK_FUNC,
  MK_DATA
};

enum mk_status
{
  MK_UNCHANGED,
  MK_CHANGED,
  MK_NEW,
  MK_REMOVED
};

/* What the plugin itself adds to every unit: never part of a patch,
   always the target's.  */
enum mk_plugin_kind
{
  MK_PLUGIN_NONE,
  MK_PLUGIN_OBJECT,            /* __ulp_object.  */
  MK_PLUGIN_THREAD,            /* __ulp_thread.  */
  MK_PLUGIN_SLOW               /* __ulp_slow, __ulp_outer*,
                                  __ulp_arm_at_load: the plugin's
                                  routines, the target's own.  */
};

/* A function body or a data object: the things compared.  */
struct mk_elem
{
  enum mk_elem_kind kind;
  const char *name;            /* assembler name.  */
  struct mk_object *obj;
  struct mk_symbol *sym;
  struct mk_section *sec;
  const struct ulp_func *rec;  /* its ulp record, or NULL.  */
  struct mk_elem *twin;        /* the counterpart in the other build.  */
  struct mk_elem *origin;      /* a clone's or cold part's function.  */
  struct mk_elem *cold;        /* a function's cold part.  */
  enum mk_plugin_kind plugin;
  bool local;                  /* STB_LOCAL.  */
  bool weak;
  bool comdat;
  bool tls;
  bool writable;
  bool initializer;            /* runs when the object is loaded.  */

  /* Correlate phase (ORIG elements): the target's instance.  */
  bool in_target;
  uint64_t target_addr;        /* its link-time address there.  */
  const struct ulp_func *target_rec;

  /* Compare phase (PATCHED elements).  */
  enum mk_status status;
  char *why;                   /* what changed, for the table.  */
  bool copy;                   /* a changed constant, copied.  */
  bool lines_only;             /* a function that differs from its twin
                                  only by line numbers (proven).  */

  /* Include phase.  */
  bool include;                /* its section goes into the patch.  */
  bool replace;                /* and replaces its twin in the target.  */
  bool referenced;             /* included code refers to it.  */
  struct mk_elem *instead;     /* COMDAT: the copy included instead.  */
};

/* A CIE or FDE of a .eh_frame section.  */
struct mk_eh_rec
{
  uint64_t offset;             /* in the section.  */
  uint64_t size;               /* with its length field.  */
  bool cie;
  uint64_t cie_offset;         /* an FDE's CIE.  */
  size_t pc_sec;               /* an FDE's function section.  */
  bool keep;                   /* copied into the patch.  */
  uint64_t out_offset;         /* where, in the patch's .eh_frame.  */
};

struct mk_object
{
  char *path;
  char *rel;                   /* the name it is paired by.  */
  bool orig;                   /* ORIG (else PATCHED).  */
  struct ulp_elf *ue;
  Elf *elf;
  size_t shnum;
  struct mk_section *secs;     /* SHNUM of them, by index.  */
  struct mk_symbol *syms;
  size_t nsyms;
  size_t symtab;               /* index of .symtab.  */
  struct mk_elem **elems;
  size_t nelems, elems_cap;
  struct mk_map by_name;       /* elements by every name they have.  */
  const char *unit;            /* translation unit, from the records.  */
  const char *switches;        /* .GCC.command.line, or NULL.  */
  bool cet;                    /* functions start with endbr64.  */
  bool has_records;
  size_t eh_index;             /* its .eh_frame, or 0.  */
  struct mk_eh_rec *eh;        /* the records in it.  */
  size_t neh;
};

/* A pair of objects with the same relative name.  */
struct mk_unit
{
  const char *rel;
  struct mk_object *orig;      /* NULL for a new object.  */
  struct mk_object *patched;   /* NULL for a removed one.  */
};

/* A symbol of the target, from its records or its symbol tables.  */
struct mk_tsym
{
  const char *name;
  const char *unit;            /* for local symbols, when known.  */
  uint64_t addr;
  uint64_t size;
  const struct ulp_func *rec;
  bool local;
  bool tls;
  bool func;
  struct mk_tsym *next;        /* the next one of the same name.  */
};

struct mk_target
{
  const char *path;
  struct ulp_elf *ue;
  Elf *elf;
  int fd;
  enum ulp_elf_type type;
  const char *soname;
  char build_id[129];
  struct mk_map syms;          /* name -> struct mk_tsym chain.  */
  uint64_t object_state;       /* from the ULP note, 0 when none.  */
  uint64_t thread_state;
  uint64_t tls_vaddr, tls_memsz, tls_align;
  struct mk_map got;           /* symbol name -> its GOT entry's address + 1,
                                  from R_X86_64_GLOB_DAT.  */
  bool has_tls;
  char **needed;               /* DT_NEEDED.  */
  size_t nneeded;
};

/* ------------------------------------------------------------------ */
/* How the patch refers to things (include and write phases).          */
/* ------------------------------------------------------------------ */

/* What to do with one relocation of a copied section.  */
enum mk_action
{
  MK_KEEP,          /* keep it: internal to the patch, or resolved by
                       the dynamic linker (libc ...).  */
  MK_DROP,          /* drop it (TLSDESC_CALL markers).  */
  MK_TARGET,        /* a RELOC entry: the runtime writes the target's
                       address.  */
  MK_REF,           /* PC32 to a REF slot instead of the GOT.  */
  MK_TLSDESC,       /* PC32 to the patch's TLS descriptor of the
                       target's __ulp_thread.  */
  MK_TLSIE,         /* PC32 to the target's TP offset of __ulp_thread
                       in the patch state.  */
  MK_CONST,         /* a value known now, written into the bytes.  */
  MK_ABS32          /* an ABS32 entry: the runtime writes the patch's
                       own address (OBJ, SYM + ADDEND) as an absolute
                       32-bit value (code built without -fPIE).  */
};

struct mk_plan
{
  enum mk_action action;
  /* MK_KEEP: the symbol to use: a symbol of some object (OBJ, SYM), or
     an external name (EXTERN).  */
  struct mk_object *obj;
  size_t sym;
  const char *extern_name;
  bool extern_weak;
  /* MK_TARGET and MK_REF: what it names in the target.  */
  const char *name;
  const char *unit;
  int64_t addend;              /* the addend to write.  */
  uint32_t type;               /* the relocation type to write.  */
  size_t ref;                  /* MK_REF: slot number.  */
  uint64_t value;              /* MK_CONST.  */
};

/* Where the target holds a literal, learned from ORIG's code there.  */
struct mk_learned
{
  uint64_t addr;               /* its link-time address.  */
  const struct mk_elem *anchor;  /* an ORIG function the runtime finds by
                                    name, to express ADDR relative to.  */
};

/* One REPLACE entry.  */
struct mk_replace
{
  struct mk_elem *repl;        /* the included PATCHED function.  */
  const char *name;            /* what it replaces in the target.  */
  const char *unit;            /* or NULL.  */
};

/* One RELOC entry.  */
struct mk_reloc
{
  struct mk_section *sec;      /* the copied section holding the place.  */
  uint64_t offset;
  uint32_t type;
  int32_t addend;
  const char *name;
  const char *unit;
};

/* One REF slot.  */
struct mk_ref
{
  const char *name;
  const char *unit;
};

/* A reason not to make the patch.  */
struct mk_problem
{
  char *what;                  /* "counter (lib.c)".  */
  char *why;                   /* why it cannot be applied live.  */
  char *todo;                  /* what the user can do.  */
  bool forceable;              /* --force allows it.  */
};

struct mk_options
{
  const char *output;
  const char *name;
  const char *description;
  const char *target;
  const char *orig;
  const char *patched;
  const char *ldscript;
  bool force;
  bool dry_run;
  bool save_temps;
  bool keep_line_changes;    /* replace functions whose only change is
                                line numbers.  */
  uint32_t version;          /* --patch-version; 0: unversioned.  */
  const char *install_to;    /* --install-to DIR, or NULL.  */
};

/* Everything the phases share.  */
struct mk_ctx
{
  struct mk_options opt;
  struct mk_unit *units;
  size_t nunits, units_cap;
  struct mk_target target;

  /* Compare.  */
  size_t nchanged, nnew, nremoved;
  size_t nlines;               /* functions with line numbers only
                                  changed.  */
  void *lines;                 /* mkpatch-lines.c's DWARF and sources.  */

  /* Include.  */
  struct mk_replace *replaces;
  size_t nreplaces, replaces_cap;
  struct mk_reloc *relocs;
  size_t nrelocs, relocs_cap;
  struct mk_ref *refs;
  size_t nrefs, refs_cap;
  struct mk_map ref_index;     /* "unit\0name" keys -> slot + 1.  */
  bool need_state;             /* the patch needs __ulp_patch_state.  */
  bool need_tlsdesc;           /* and a TLS descriptor.  */
  size_t nincluded;            /* functions and objects included.  */
  size_t nliterals;            /* references to the target's literals.  */
  size_t ngots;                /* loads from the target's GOT.  */
  struct mk_map literals;      /* literal contents -> struct mk_learned.  */
  struct mk_map globals;       /* PATCHED global names -> element.  */
  const struct mk_elem *anchor;  /* an ORIG function the runtime finds by
                                    name, for addresses without one.  */
  int64_t thread_tpoff;        /* the target's TP offset of __ulp_thread,
                                  when THREAD_TPOFF_KNOWN.  */
  bool thread_tpoff_known;
  char **keys;                 /* keys owned by LITERALS and REF_INDEX.  */
  size_t nkeys, keys_cap;

  /* Load: the directories of .la operands.  */
  char *orig_dir, *patched_dir;

  /* Verify.  */
  struct mk_problem *problems;
  size_t nproblems, problems_cap;
};

/* ------------------------------------------------------------------ */
/* Phases.                                                             */
/* ------------------------------------------------------------------ */

bool mk_load (struct mk_ctx *ctx);
bool mk_correlate (struct mk_ctx *ctx);
bool mk_compare (struct mk_ctx *ctx);
bool mk_include (struct mk_ctx *ctx);
/* False when the patch must not be made (the problems are printed).  */
/* Whether ORIG function F has, apart from what the linker fills in, the
   bytes the target has at ADDR (F's section placed so that F is there);
   if not, *AT is the offset in F's section of the first difference.  */
bool mk_same_in_target (struct mk_ctx *ctx, const struct mk_elem *f,
                        uint64_t addr, uint64_t *at);
bool mk_verify (struct mk_ctx *ctx);
bool mk_write (struct mk_ctx *ctx);

/* Part of verify (mkpatch-layout.c): with debug information, compare
   the layouts of the types the patch's code and the kept variables use
   between ORIG and PATCHED, and record a problem for each change; say
   once when there is no debug information to do it with.  */
void mk_check_layouts (struct mk_ctx *ctx);

/* Part of compare (mkpatch-lines.c): whether PATCHED function P, whose
   size and relocations are its twin's, differs from it only by line
   numbers, proven by the line tables and the sources of both builds;
   then *WHY gets the description.  */
bool mk_lines_only (struct mk_ctx *ctx, const struct mk_elem *p, char **why);
void mk_lines_free (struct mk_ctx *ctx);

/* Shared by mkpatch-layout.c and mkpatch-lines.c: the DWARF of object
   OBJ through libdwfl, which applies its relocations, or NULL when it
   has none.  */
struct Dwfl;
struct Dwfl_Module;
struct Dwarf;
struct Dwfl *mk_dwfl_open (const struct mk_object *obj,
                           struct Dwfl_Module **mod, struct Dwarf **dw);

/* The analysis table (--dry-run, -v).  */
void mk_print_table (struct mk_ctx *ctx, bool all);

/* Release everything.  */
void mk_free (struct mk_ctx *ctx);

/* Helpers shared by the phases.  */

/* "name" or "name (unit)" for messages, malloc'ed.  */
char *mk_elem_label (const struct mk_elem *e);
/* The element symbol SYMI of OBJ refers to at OFFSET + ADDEND bytes into
   its section, or NULL; *OFF gets the offset from the element's start.  */
struct mk_elem *mk_sym_elem (const struct mk_object *obj, size_t symi,
                             int64_t addend, int64_t *off);
/* Free what the load phase read of the target.  */
void mk_target_free (struct mk_target *t);
/* The target's symbol NAME (for a local one, of UNIT), or NULL.  */
const struct mk_tsym *mk_target_lookup (const struct mk_target *t,
                                        const char *name, const char *unit,
                                        bool local);
/* Record a problem.  */
void mk_problem (struct mk_ctx *ctx, bool forceable, const char *what,
                 const char *why, const char *todo);
/* Copy KEY into memory CTX owns.  */
const char *mk_ctx_key (struct mk_ctx *ctx, const char *key, size_t len);

/* Whether R of section SEC in OBJ refers to __ulp_thread, and its kind
   of TLS access.  */
bool mk_tls_type_p (uint32_t type);

#endif /* MKPATCH_H */
