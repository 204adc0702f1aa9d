/* ulp-boundary.cc -- track when a thread enters and leaves an object.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Each applied patch opens a new universe of the object it patches, and
   a thread moves to the newest universe only when it enters the object
   from outside, so that one call into a library never mixes old and new
   code.  That needs to know, per thread, whether the thread has a frame
   of the object on its stack.

   The tracking is compiled into the body of every exported function, at
   GENERIC level before gimplification (PLUGIN_PRE_GENERICIZE): an
   entry sequence (see ulp-meta.h) and a decrement in the cleanup of a
   TRY_FINALLY_EXPR around the original body.  Being part of the body it
   keeps what a separate trampoline breaks: exception unwinding and
   pthread_cancel run the cleanup, backtraces and debuggers see ordinary
   frames, &foo is the same everywhere, and stack arguments, varargs and
   struct returns are untouched.  An exit the cleanup does not see
   (longjmp out of the object, an exception through C code built without
   -fexceptions) leaves a stale depth; the entry sequence recognises it
   because the stack pointer is no longer below the outermost frame, and
   the runtime's slow path repairs it.

   The state lives in the object itself, so a live-patchable library
   needs nothing at run time when no patch is ever applied:
   __ulp_object (struct ulp_object_state, hidden, one per linked object
   through COMDAT) and the thread-local __ulp_thread (struct
   ulp_thread_state).  The thread-local access is initial-exec by
   default, in shared objects too: the fastest, and correct everywhere,
   at the price of 24 bytes of glibc's static TLS surplus for each
   object loaded with dlopen.  TLS descriptors
   (-fplugin-arg-ulp-tls=desc) spare the surplus, but glibc before 2.40
   clobbers vector registers on a thread's first access to a dlopen'ed
   object's TLS (glibc bug 31372), which at a function's entry destroys
   its floating-point arguments; -fplugin-arg-ulp-tls=dynamic goes
   through __tls_get_addr, correct everywhere and slowest.

   In patch mode the functions that replace others get the same
   tracking, but on the target object's state, which the runtime
   describes in the patch's struct ulp_patch_state.  */

#include "ulp-plugin.h"
#include "function.h"
#include "stringpool.h"
#include "attribs.h"
#include "cgraph.h"
#include "varasm.h"
#include "stor-layout.h"
#include "fold-const.h"
#include "tree-iterator.h"
#include "gimplify.h"
#include "diagnostic-core.h"
#include "output.h"
#include "options.h"
#include "ulp-meta.h"
#include "ulp-patch.h"

/* The uint64_t element type of the state arrays, and pointers to it.  */
static tree u64;
static tree u64_ptr;

/* __ulp_object, __ulp_thread, __ulp_patch_state: created on first
   use.  */
static tree object_decl;
static tree thread_decl;
static tree patch_state_decl;

/* A hidden variable of NELTS uint64_t, one per linked object (COMDAT),
   with the C name NAME.  */

static tree
make_state_variable (const char *name, unsigned nelts, bool is_tls,
                     tree init)
{
  tree type = build_array_type_nelts (u64, nelts);
  tree decl = build_decl (BUILTINS_LOCATION, VAR_DECL, get_identifier (name),
                          type);
  SET_DECL_ASSEMBLER_NAME (decl, get_identifier (name));
  TREE_STATIC (decl) = 1;
  TREE_PUBLIC (decl) = 1;
  DECL_EXTERNAL (decl) = 0;
  DECL_ARTIFICIAL (decl) = 1;
  DECL_IGNORED_P (decl) = 1;
  TREE_USED (decl) = 1;
  DECL_PRESERVE_P (decl) = 1;
  DECL_VISIBILITY (decl) = VISIBILITY_HIDDEN;
  DECL_VISIBILITY_SPECIFIED (decl) = 1;
  /* The shared object state gets a cache line of its own, so the
     runtime's rare writes never disturb hot data; per-thread state
     needs no more than its natural alignment (static TLS is scarce).  */
  SET_DECL_ALIGN (decl, (is_tls ? 8 : 64) * BITS_PER_UNIT);
  DECL_USER_ALIGN (decl) = 1;
  DECL_INITIAL (decl) = init;
  if (is_tls)
    {
      /* In shared-object code, initial-exec unless TLS descriptors or
         __tls_get_addr were asked for; executables get GCC's default
         (local-exec or initial-exec).  */
      enum tls_model model = decl_default_tls_model (decl);
      if (flag_pic && !flag_pie && ulp_opts.tls == ULP_TLS_INITIAL_EXEC)
        model = TLS_MODEL_INITIAL_EXEC;
      set_decl_tls_model (decl, model);
    }
  make_decl_one_only (decl, DECL_ASSEMBLER_NAME (decl));
  varpool_node::finalize_decl (decl);
  return decl;
}

static void
init_types (void)
{
  if (u64)
    return;
  u64 = long_long_unsigned_type_node;
  u64_ptr = build_pointer_type (u64);
}

static tree
object_state (void)
{
  if (!object_decl)
    {
      /* universe starts at 1: a new thread's universe (0) differs, so
         its first entry takes the slow path, where the runtime
         registers it.  */
      vec<constructor_elt, va_gc> *elts = NULL;
      CONSTRUCTOR_APPEND_ELT (elts, size_int (0), build_int_cst (u64, 1));
      tree type = build_array_type_nelts (u64, 8);
      object_decl = make_state_variable ("__ulp_object", 8, false,
                                         build_constructor (type, elts));
    }
  return object_decl;
}

static tree
thread_state (void)
{
  if (!thread_decl)
    thread_decl = make_state_variable ("__ulp_thread", 3, true, NULL_TREE);
  return thread_decl;
}

static tree
patch_state (void)
{
  if (!patch_state_decl)
    patch_state_decl = make_state_variable ("__ulp_patch_state", 4, false,
                                            NULL_TREE);
  return patch_state_decl;
}

/* Does the plugin track the boundary at DECL's entry?  */

bool
ulp_boundary_function_p (tree decl)
{
  if (ulp_opts.boundary == ULP_BOUNDARY_NEVER)
    return false;
  if (lookup_attribute ("naked", DECL_ATTRIBUTES (decl)))
    return false;
  if (ulp_opts.patch_mode)
    return lookup_attribute ("ulp_replace", DECL_ATTRIBUTES (decl));
  if (!TREE_PUBLIC (decl) || DECL_EXTERNAL (decl)
      || DECL_VISIBILITY (decl) != VISIBILITY_DEFAULT)
    return false;
  /* main is entered once and never left: as a boundary it would keep
     the process in its first universe forever.  */
  if (DECL_NAME (decl) && MAIN_NAME_P (DECL_NAME (decl)))
    return false;
  /* An executable's functions are entered from outside only through
     callbacks; by default only shared-object code is tracked.  */
  return (ulp_opts.boundary == ULP_BOUNDARY_ALWAYS
          || (flag_pic && !flag_pie));
}

/* Element I of the uint64_t array PTR points to.  */

static tree
elt (tree ptr, int i)
{
  tree addr = fold_build_pointer_plus_hwi (ptr, i * 8);
  return build2 (MEM_REF, u64, addr, build_int_cst (u64_ptr, 0));
}

static tree
local (tree fndecl, tree type, const char *name, tree *vars)
{
  tree var = build_decl (DECL_SOURCE_LOCATION (fndecl), VAR_DECL,
                         get_identifier (name), type);
  DECL_ARTIFICIAL (var) = 1;
  DECL_IGNORED_P (var) = 1;
  DECL_CONTEXT (var) = fndecl;
  TREE_USED (var) = 1;
  DECL_CHAIN (var) = *vars;
  *vars = var;
  return var;
}

static tree
assign (tree lhs, tree rhs)
{
  return build2 (MODIFY_EXPR, TREE_TYPE (lhs), lhs,
                 fold_convert (TREE_TYPE (lhs), rhs));
}

static tree
expect (tree cond, bool likely)
{
  tree fn = builtin_decl_explicit (BUILT_IN_EXPECT);
  tree call = build_call_expr (fn, 2, fold_convert (long_integer_type_node,
                                                    cond),
                               build_int_cst (long_integer_type_node,
                                              likely));
  return fold_build2 (NE_EXPR, boolean_type_node, call,
                      build_int_cst (long_integer_type_node, 0));
}

/* The frame's canonical frame address: the caller's stack pointer
   before the call.  Entries from the same level of the stack have the
   same CFA whatever their frame sizes, so an entry after a longjmp out
   of the object is recognised as not nested even when its frame is
   larger; nested frames always lie below it.  __builtin_dwarf_cfa is
   one lea off %rsp, where __builtin_frame_address would force a frame
   pointer.  */

static tree
frame_cfa (void)
{
  tree call = build_call_expr (builtin_decl_explicit (BUILT_IN_DWARF_CFA), 0);
  return fold_convert (u64, call);
}

/* An empty asm that makes VAR's value opaque.  Without it GCC treats
   the thread-local address as cheap to recompute and repeats the TLS
   descriptor call at every exit instead of keeping it in a register.  */

static tree
opaque (tree var)
{
  tree out = build_tree_list (build_tree_list (NULL_TREE,
                                               build_string (3, "=r")),
                              var);
  tree in = build_tree_list (build_tree_list (NULL_TREE,
                                              build_string (2, "0")),
                             var);
  tree expr = build5 (ASM_EXPR, void_type_node, build_string (1, ""), out,
                      in, NULL_TREE, NULL_TREE);
  SET_EXPR_LOCATION (expr, BUILTINS_LOCATION);
  return expr;
}

/* T = the address of this thread's state in patch mode: through the
   target's static TLS offset when it has one, else __tls_get_addr.  */

static tree
patch_thread_state_address (void)
{
  tree state = build_fold_addr_expr (patch_state ());
  state = fold_convert (u64_ptr, state);
  tree tpoff = elt (state, 1);
  tree tp = build_call_expr (builtin_decl_explicit (BUILT_IN_THREAD_POINTER),
                             0);
  tree static_addr = fold_build_pointer_plus (fold_convert (u64_ptr, tp),
                                              fold_convert (sizetype, tpoff));
  tree get_addr_type = build_function_type_list (ptr_type_node,
                                                 ptr_type_node, NULL_TREE);
  tree get_addr = build_fn_decl ("__tls_get_addr", get_addr_type);
  TREE_NOTHROW (get_addr) = 1;
  tree dynamic_addr = build_call_expr (get_addr, 1,
                                       fold_build_pointer_plus_hwi (state,
                                                                    16));
  return build3 (COND_EXPR, u64_ptr,
                 fold_build2 (NE_EXPR, boolean_type_node, tpoff,
                              build_int_cst (u64, 0)),
                 static_addr, fold_convert (u64_ptr, dynamic_addr));
}

/* Whether this unit instrumented anything, and so needs __ulp_slow.  */
static bool instrumented_any;

/* Call __ulp_slow (T, SP, O) from an asm.  A plain call would clobber
   the caller-saved registers, and to keep its arguments and values
   alive across it GCC would save callee-saved registers in every
   instrumented function, on the fast path too.  __ulp_slow instead
   preserves every register; the asm steps over the red zone first,
   since GCC may treat the function as a leaf.  */

static tree
call_slow_path (tree t, tree sp, tree o)
{
  tree inputs = NULL_TREE;
  static const char *const constraints[3] = { "D", "S", "d" };
  tree values[3] = { t, sp, o };
  for (int i = 2; i >= 0; i--)
    inputs = tree_cons (build_tree_list (NULL_TREE,
                                         build_string (2, constraints[i])),
                        values[i], inputs);
  tree clobbers = tree_cons (NULL_TREE, build_string (7, "memory"),
                             tree_cons (NULL_TREE, build_string (3, "cc"),
                                        NULL_TREE));
  static const char text[] = "lea -128(%%rsp), %%rsp\n\t"
                             "call __ulp_slow\n\t"
                             "lea 128(%%rsp), %%rsp";
  tree expr = build5 (ASM_EXPR, void_type_node,
                      build_string (sizeof text, text), NULL_TREE, inputs,
                      clobbers, NULL_TREE);
  SET_EXPR_LOCATION (expr, BUILTINS_LOCATION);
  ASM_VOLATILE_P (expr) = 1;
  return expr;
}

/* __ulp_slow: save every register but the flags, call o->enter_slow
   (t, sp, o) with the C calling convention, restore.  Entered from the
   asm above with %rdi = t, %rsi = sp, %rdx = o and %rsp 128 bytes
   below the instrumented function's own, which the CFI states so that
   a backtrace taken inside the runtime unwinds into the caller
   correctly: its stack pointer is 136 bytes above ours at entry.  One
   copy per linked object (COMDAT), hidden.  */

static const char slow_thunk_body[] =
  "\tpushq %rbp\n"
  "\t.cfi_def_cfa_offset 144\n"
  "\t.cfi_offset 6, -144\n"
  "\tmovq %rsp, %rbp\n"
  "\t.cfi_def_cfa_register 6\n"
  "\tpushq %rax\n\tpushq %rcx\n\tpushq %rdx\n\tpushq %rsi\n"
  "\tpushq %rdi\n\tpushq %r8\n\tpushq %r9\n\tpushq %r10\n"
  "\tpushq %r11\n"
  "\tandq $-16, %rsp\n"
  "\tsubq $256, %rsp\n"
  "\tmovdqa %xmm0, 0(%rsp)\n\tmovdqa %xmm1, 16(%rsp)\n"
  "\tmovdqa %xmm2, 32(%rsp)\n\tmovdqa %xmm3, 48(%rsp)\n"
  "\tmovdqa %xmm4, 64(%rsp)\n\tmovdqa %xmm5, 80(%rsp)\n"
  "\tmovdqa %xmm6, 96(%rsp)\n\tmovdqa %xmm7, 112(%rsp)\n"
  "\tmovdqa %xmm8, 128(%rsp)\n\tmovdqa %xmm9, 144(%rsp)\n"
  "\tmovdqa %xmm10, 160(%rsp)\n\tmovdqa %xmm11, 176(%rsp)\n"
  "\tmovdqa %xmm12, 192(%rsp)\n\tmovdqa %xmm13, 208(%rsp)\n"
  "\tmovdqa %xmm14, 224(%rsp)\n\tmovdqa %xmm15, 240(%rsp)\n"
  "\tcall *8(%rdx)\n"
  "\tmovdqa 0(%rsp), %xmm0\n\tmovdqa 16(%rsp), %xmm1\n"
  "\tmovdqa 32(%rsp), %xmm2\n\tmovdqa 48(%rsp), %xmm3\n"
  "\tmovdqa 64(%rsp), %xmm4\n\tmovdqa 80(%rsp), %xmm5\n"
  "\tmovdqa 96(%rsp), %xmm6\n\tmovdqa 112(%rsp), %xmm7\n"
  "\tmovdqa 128(%rsp), %xmm8\n\tmovdqa 144(%rsp), %xmm9\n"
  "\tmovdqa 160(%rsp), %xmm10\n\tmovdqa 176(%rsp), %xmm11\n"
  "\tmovdqa 192(%rsp), %xmm12\n\tmovdqa 208(%rsp), %xmm13\n"
  "\tmovdqa 224(%rsp), %xmm14\n\tmovdqa 240(%rsp), %xmm15\n"
  "\tleaq -72(%rbp), %rsp\n"
  "\tpopq %r11\n\tpopq %r10\n\tpopq %r9\n\tpopq %r8\n"
  "\tpopq %rdi\n\tpopq %rsi\n\tpopq %rdx\n\tpopq %rcx\n"
  "\tpopq %rax\n"
  "\tpopq %rbp\n"
  "\t.cfi_def_cfa 7, 136\n"
  "\tret\n"
  "\t.cfi_endproc\n";

/* Print __ulp_slow at the end of a unit that needs it; lto1 always
   does, as it cannot tell which of its partitions do (an unused copy
   goes with --gc-sections).  It is laid out like every other function,
   with a patchable entry and a record, so that every function of a
   live-patchable object has both.  */

void
ulp_emit_slow_thunk (FILE *file)
{
  if (!instrumented_any && !in_lto_p)
    return;
  bool endbr = (flag_cf_protection & CF_BRANCH) != 0;
  /* Its unit is the one that emits it: under lto1, the first of the
     original units.  */
  const char *unit = main_input_filename ? main_input_filename : "";
  if (all_translation_units && !all_translation_units->is_empty ()
      && DECL_NAME ((*all_translation_units)[0]))
    unit = IDENTIFIER_POINTER (DECL_NAME ((*all_translation_units)[0]));
  fputs ("\t.pushsection .text.__ulp_slow,\"axG\",@progbits,__ulp_slow,"
         "comdat\n"
         "\t.p2align 4\n"
         "\t.skip 14, 0x90\n"
         "\t.globl __ulp_slow\n"
         "\t.hidden __ulp_slow\n"
         "\t.type __ulp_slow, @function\n"
         "__ulp_slow:\n"
         "\t.cfi_startproc\n"
         "\t.cfi_def_cfa_offset 136\n"
         "\t.cfi_offset 16, -136\n", file);
  if (endbr)
    fputs ("\tendbr64\n", file);
  fputs ("\t.byte 0x66, 0x90\n", file);
  fputs (slow_thunk_body, file);
  fputs (".LULPslow_end:\n"
         "\t.size __ulp_slow, .-__ulp_slow\n"
         "\t.popsection\n", file);
  fprintf (file,
           "\t.pushsection %s,\"aMS\",@progbits,1\n"
           ".LULPslow_name:\n\t.string \"__ulp_slow\"\n"
           ".LULPslow_unit:\n\t.string \"%s\"\n"
           "\t.popsection\n"
           "\t.pushsection %s,\"aoG\",@progbits,__ulp_slow,__ulp_slow,"
           "comdat\n"
           "\t.balign 4\n"
           "\t.long __ulp_slow - .\n"
           "\t.long .LULPslow_name - .\n"
           "\t.long 0\n"
           "\t.long .LULPslow_unit - .\n"
           "\t.long 0\n"
           "\t.long .LULPslow_end - __ulp_slow\n"
           "\t.short %d\n"
           "\t.byte %d, %d, %d, %d\n"
           "\t.short 0\n"
           "\t.popsection\n",
           ULP_STR_SECTION, unit, ULP_META_SECTION,
           ULP_F_GLOBAL | ULP_F_COMDAT | (endbr ? ULP_F_ENDBR : 0)
             | (in_lto_p ? ULP_F_LTO : 0),
           ULP_KIND_FUNCTION, ULP_PRE_ENTRY_SIZE, endbr ? 4 : 0, ULP_ENTRY_SIZE);
}

/* Wrap FNDECL's body in the entry sequence and the exit cleanup.  */

static void
instrument (tree fndecl)
{
  init_types ();
  instrumented_any = true;
  tree vars = NULL_TREE;
  tree t = local (fndecl, u64_ptr, "__ulp_t", &vars);
  tree o = local (fndecl, u64_ptr, "__ulp_o", &vars);
  tree sp = local (fndecl, u64, "__ulp_sp", &vars);
  tree d = local (fndecl, u64, "__ulp_d", &vars);

  tree entry = alloc_stmt_list ();
  if (ulp_opts.patch_mode)
    {
      append_to_statement_list (assign (t, patch_thread_state_address ()),
                                &entry);
      tree state = fold_convert (u64_ptr,
                                 build_fold_addr_expr (patch_state ()));
      append_to_statement_list (assign (o, elt (state, 0)), &entry);
    }
  else
    {
      append_to_statement_list (assign (t, build_fold_addr_expr
                                             (thread_state ())),
                                &entry);
      append_to_statement_list (assign (o, build_fold_addr_expr
                                             (object_state ())),
                                &entry);
    }
  append_to_statement_list (opaque (t), &entry);
  append_to_statement_list (assign (sp, frame_cfa ()), &entry);
  append_to_statement_list (assign (d, elt (t, 0)), &entry);

  tree zero = build_int_cst (u64, 0), one = build_int_cst (u64, 1);

  /* Outermost entry, universe unchanged: the common case.  */
  tree outermost = fold_build2 (TRUTH_ANDIF_EXPR, boolean_type_node,
                                fold_build2 (EQ_EXPR, boolean_type_node, d,
                                             zero),
                                fold_build2 (EQ_EXPR, boolean_type_node,
                                             elt (t, 1), elt (o, 0)));
  tree outermost_body = alloc_stmt_list ();
  append_to_statement_list (assign (elt (t, 2), sp), &outermost_body);
  append_to_statement_list (assign (elt (t, 0), one), &outermost_body);

  /* Nested entry: below the outermost frame.  */
  tree nested = fold_build2 (TRUTH_ANDIF_EXPR, boolean_type_node,
                             fold_build2 (NE_EXPR, boolean_type_node, d,
                                          zero),
                             fold_build2 (LT_EXPR, boolean_type_node, sp,
                                          elt (t, 2)));
  tree nested_body = assign (elt (t, 0), fold_build2 (PLUS_EXPR, u64, d,
                                                      one));

  /* Everything else: the runtime's slow path, or what it would do when
     there is no runtime.  */
  tree call_slow = call_slow_path (t, sp, o);
  tree no_runtime = alloc_stmt_list ();
  {
    tree fresh = alloc_stmt_list ();
    append_to_statement_list (assign (elt (t, 1), elt (o, 0)), &fresh);
    append_to_statement_list (assign (elt (t, 2), sp), &fresh);
    append_to_statement_list (assign (elt (t, 0), one), &fresh);
    append_to_statement_list (build3 (COND_EXPR, void_type_node,
                                      fold_build2 (EQ_EXPR,
                                                   boolean_type_node, d,
                                                   zero),
                                      fresh, nested_body),
                              &no_runtime);
  }
  tree slow = build3 (COND_EXPR, void_type_node,
                      fold_build2 (NE_EXPR, boolean_type_node, elt (o, 1),
                                   zero),
                      call_slow, no_runtime);

  append_to_statement_list (
    build3 (COND_EXPR, void_type_node, expect (outermost, true),
            outermost_body,
            build3 (COND_EXPR, void_type_node, expect (nested, true),
                    unshare_expr (nested_body), slow)),
    &entry);

  tree cleanup = assign (elt (t, 0),
                         fold_build2 (MINUS_EXPR, u64, elt (t, 0), one));
  tree body = DECL_SAVED_TREE (fndecl);
  append_to_statement_list (build2 (TRY_FINALLY_EXPR, void_type_node, body,
                                    cleanup),
                            &entry);

  /* No BLOCK of its own: the variables are artificial and ignored by
     debug info, and the function's block tree stays as it was.  */
  tree bind = build3 (BIND_EXPR, void_type_node, vars, entry, NULL_TREE);
  TREE_SIDE_EFFECTS (bind) = 1;
  DECL_SAVED_TREE (fndecl) = bind;
}

/* PLUGIN_PRE_GENERICIZE: called by the C and C++ front ends for each
   function body before it is lowered.  */

void
ulp_instrument_boundary (void *gcc_data, void *)
{
  tree fndecl = (tree) gcc_data;
  if (!fndecl || TREE_CODE (fndecl) != FUNCTION_DECL
      || !DECL_SAVED_TREE (fndecl) || !ulp_boundary_function_p (fndecl))
    return;
  instrument (fndecl);
}

/* With -fplugin-arg-ulp-tls=desc, make thread-local accesses of
   shared-object code use TLS descriptors (this also applies to the
   unit's own thread-local variables); with =dynamic, __tls_get_addr.  */

void
ulp_choose_tls_dialect (void)
{
  if (flag_pic && !flag_pie && ulp_opts.tls == ULP_TLS_DESC
      && ulp_opts.boundary != ULP_BOUNDARY_NEVER && !ulp_opts.patch_mode)
    global_options.x_ix86_tls_dialect = TLS_DIALECT_GNU2;
  else if (flag_pic && !flag_pie && ulp_opts.tls == ULP_TLS_DYNAMIC)
    global_options.x_ix86_tls_dialect = TLS_DIALECT_GNU;
}

/* In patch mode, the entry that tells the runtime where this patch's
   struct ulp_patch_state is, in the variable's COMDAT group so a patch
   made of several units has exactly one.  Called at the end of the
   unit with the assembly file open.  */

void
ulp_emit_patch_state_entry (FILE *file)
{
  if (!patch_state_decl)
    return;
  fprintf (file,
           "\t.pushsection %s,\"aG\",@progbits,__ulp_patch_state,comdat\n"
           "\t.balign 4\n\t.long %d\n\t.long __ulp_patch_state - .\n"
           "\t.long 0, 0, 0, 0\n\t.popsection\n",
           ULP_PATCH_SECTION, ULP_PATCH_STATE);
}
