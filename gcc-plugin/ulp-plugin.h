/* ulp-plugin.h -- declarations shared by the modules of the ulp GCC
   plugin.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The plugin is split by concern: ulp-plugin.cc reads the arguments and
   wires everything into GCC; ulp-entry.cc gives each function its
   patchable entry; ulp-records.cc writes the metadata record that
   describes it; ulp-boundary.cc compiles the universe tracking and
   ulp-split.cc splits each exported function into a tracked entry and
   an untracked body; ulp-ipa.cc switches off the interprocedural
   optimisations that would let a caller depend on a callee's body;
   ulp-lto.cc makes a link-time optimised build without the plugin on
   the link line fail loudly instead of producing an unpatchable
   object.  */

#ifndef ULP_PLUGIN_H
#define ULP_PLUGIN_H

/* GCC's plugin headers must come first and in this order.  */
#include "gcc-plugin.h"
#include "tree.h"
/* What differs between the GCC versions the plugin supports.  */
#include "gcc-compat.h"
/* The entry geometry and record format the plugin writes.  */
#include "ulp-meta.h"

enum ulp_boundary_mode
{
  ULP_BOUNDARY_AUTO,   /* exported functions of shared-object code.  */
  ULP_BOUNDARY_ALWAYS, /* exported functions, also in executables.  */
  ULP_BOUNDARY_NEVER
};

/* How a shared object reaches its per-thread boundary state.  */
enum ulp_tls_mode
{
  ULP_TLS_INITIAL_EXEC, /* the default.  */
  ULP_TLS_DESC,         /* TLS descriptors.  */
  ULP_TLS_DYNAMIC       /* __tls_get_addr.  */
};

/* What the user asked for on the command line.  */
struct ulp_options
{
  enum ulp_boundary_mode boundary;
  /* -fplugin-arg-ulp-tls=.  */
  enum ulp_tls_mode tls;
  /* -fplugin-arg-ulp-patch: compiling a live patch.  */
  bool patch_mode;
  /* Names (source or assembler) of functions to leave without a
     patchable entry, from -fplugin-arg-ulp-exclude=.  */
  vec<const char *> excluded;
  /* -fplugin-arg-ulp-verbose: a note for each function.  */
  bool verbose;
  /* -fplugin-arg-ulp-interposition=full: the object's own calls of its
     exported functions keep going through their tracked entries (and
     the PLT), as an LD_PRELOADed replacement expects.  */
  bool full_interposition;
  /* -fplugin-arg-ulp-arming=lazy (the default): tracked entries start
     unarmed (a jump straight to the body) until the runtime arms the
     object (ULP_F_ARMABLE); =eager: they track from the start.  */
  bool lazy_arming;
  /* -fplugin-arg-ulp-entry=fused (the default): a function's first
     instruction is its entry where it can be (ulp-entry.cc); =nop: a
     2-byte NOP always.  */
  bool fused_entry;
};
extern ulp_options ulp_opts;

/* What ulp-entry.cc learnt about the function being compiled, read by
   ulp-records.cc once the function's assembly is out.  Labels are
   numbered by ID and spelled .LULP<kind><id>.  */
struct ulp_function_state
{
  tree decl;          /* The function this describes, or NULL.  */
  unsigned id;        /* Number used in this function's labels.  */
  bool excluded;      /* No patchable entry.  */
  bool endbr;         /* endbr64 precedes the entry instruction.  */
  bool first_cold;    /* The function starts in its cold section.  */
  bool pre_printed;   /* The pre-entry area was printed.  */
  bool cold_printed;  /* A cold part got a pre-entry area and label.  */
  bool end_printed;   /* The end label .LULPX<id> was printed.  */
  bool fused;         /* The entry is the function's first instruction
                         (ULP_F_FUSED).  */
  int rip_tail;       /* Of a fused entry addressing relative to %rip
                         (ULP_F_RIP): bytes of immediate operand after
                         its displacement; else -1.  */
  bool tracked_entry; /* The function is an entry of the object: its
                         label is a tracked entry in front of its
                         patchable entry (ulp-exported.cc).  */
  /* Assembler names of the functions inlined into this one, collected
     before final frees the function's BLOCK tree.  */
  vec<const char *> inlined;
};
extern ulp_function_state ulp_fn;

/* ulp-entry.cc */
void ulp_reset_function_state (void);
opt_pass *ulp_make_entry_pass (gcc::context *);
void ulp_install_entry_hooks (void);
bool ulp_function_excluded_p (tree decl);

/* ulp-records.cc */
opt_pass *ulp_make_record_pass (gcc::context *);
void ulp_write_records (FILE *);
void ulp_finish_unit (void *, void *);

/* ulp-inline.cc */
opt_pass *ulp_make_inline_pass (gcc::context *);
void ulp_collect_inlined (tree decl, vec<const char *> *names);

/* Internal attributes (a space in the name: no source can spell them)
   that carry the boundary decisions from the front end to the split
   pass and on to the records, also through LTO streaming.  */
#define ULP_CANDIDATE_ATTR "ulp candidate" /* (1): entry mode, (0):
                                              tracked in its body; until
                                              the split pass decides.  */
#define ULP_ENTRY_ATTR "ulp entry"   /* an entry of the object: its label
                                        is a tracked entry.  */
#define ULP_TRACKED_ATTR "ulp tracked" /* tracked in its own body.  */
/* The function whose calls guard the tracking code until then.  */
#define ULP_MARKER_NAME "__ulp_boundary_marker"

/* ulp-boundary.cc */
bool ulp_boundary_function_p (tree decl);
tree ulp_marker_call (void);
void ulp_instrument_boundary (void *, void *);
void ulp_choose_tls_dialect (void);
void ulp_emit_patch_state_entry (FILE *);
void ulp_emit_slow_thunk (FILE *);
const char *ulp_outer_trampoline (long stack_bytes);
void ulp_emit_outer_trampolines (FILE *);

/* ulp-exported.cc */
opt_pass *ulp_make_exported_pass (gcc::context *);
bool ulp_tracked_entry_p (tree decl);
tree ulp_clone_origin (tree decl);
char *ulp_inner_name (tree decl);
bool ulp_inner_symbol_p (tree decl);
void ulp_emit_inner_fallbacks (FILE *);
void ulp_redirect_calls_to_inner (void);

/* ulp-ipa.cc */
void ulp_disable_unsafe_ipa (void);
void ulp_disable_unsafe_ipa_per_function (void *, void *);

/* ulp-lto.cc */
void ulp_lto_mark_unit (void *, void *);
void ulp_lto_finish_unit (void *, void *);


#endif /* ULP_PLUGIN_H */
