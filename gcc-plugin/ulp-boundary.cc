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
#include "ulp-xsave.h"

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

/* Does the plugin track the boundary at DECL's entry: is DECL a
   tracked entry, or a function tracked in its own body?  */

bool
ulp_boundary_function_p (tree decl)
{
  return (ulp_tracked_entry_p (decl)
          || lookup_attribute (ULP_TRACKED_ATTR, DECL_ATTRIBUTES (decl)));
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

/* The cache of the vector state's save area size and XSAVE mask
   (ulp-xsave.h), one per linked object like __ulp_slow.  */
#define ULP_XSAVE_CACHE_NAME "__ulp_xsave_info"

/* __ulp_slow: save every register but the flags, call o->enter_slow
   (t, sp, o) with the C calling convention (or, with no runtime loaded,
   do what it would), restore.  Entered from the
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
  /* No runtime: a first entry takes the object's universe, anything
     else is a nested entry.  */
  "\tcmpq $0, 8(%rdx)\n"
  "\tjne 2f\n"
  "\tcmpq $0, (%rdi)\n"
  "\tjne 1f\n"
  "\tmovq (%rdx), %rax\n"
  "\tmovq %rax, 8(%rdi)\n"
  "\tmovq %rsi, 16(%rdi)\n"
  "\tmovq $1, (%rdi)\n"
  "\tjmp 3f\n"
  "1:\n"
  "\taddq $1, (%rdi)\n"
  "\tjmp 3f\n"
  /* The runtime's slow path is C and reaches glibc, whose AVX
     routines end with vzeroupper: the whole vector state is saved
     (ulp-xsave.h), then the arguments reloaded from their slots.  */
  "2:\n"
  ULP_XSAVE_SAVE (ULP_XSAVE_CACHE_NAME)
  "\tmovq -40(%rbp), %rdi\n"
  "\tmovq -32(%rbp), %rsi\n"
  "\tmovq -24(%rbp), %rdx\n"
  "\tcall *8(%rdx)\n"
  ULP_XSAVE_RESTORE (ULP_XSAVE_CACHE_NAME)
  "3:\n"
  "\tleaq -72(%rbp), %rsp\n"
  "\tpopq %r11\n\tpopq %r10\n\tpopq %r9\n\tpopq %r8\n"
  "\tpopq %rdi\n\tpopq %rsi\n\tpopq %rdx\n\tpopq %rcx\n"
  "\tpopq %rax\n"
  "\tpopq %rbp\n"
  "\t.cfi_def_cfa 7, 136\n"
  "\tret\n"
  "\t.cfi_endproc\n";

/* Print, in its own COMDAT section, the assembly function NAME: its
   pre-entry area and patchable entry like every other function, BODY
   (which ends with .cfi_endproc), and its record.  CFI_START is printed
   right after .cfi_startproc.  */

static void
print_asm_function (FILE *file, const char *name, const char *cfi_start,
                    const char *body)
{
  bool endbr = (flag_cf_protection & CF_BRANCH) != 0;
  /* Its unit is the one that emits it: under lto1, the first of the
     original units.  */
  const char *unit = main_input_filename ? main_input_filename : "";
  if (all_translation_units && !all_translation_units->is_empty ()
      && DECL_NAME ((*all_translation_units)[0]))
    unit = IDENTIFIER_POINTER (DECL_NAME ((*all_translation_units)[0]));
  fprintf (file,
           "\t.pushsection .text.%s,\"axG\",@progbits,%s,comdat\n"
           "\t.p2align 4\n"
           "\t.skip %d, 0x90\n"
           "\t.globl %s\n"
           "\t.hidden %s\n"
           "\t.type %s, @function\n"
           "%s:\n"
           "\t.cfi_startproc\n%s",
           name, name, ULP_PRE_ENTRY_SIZE, name, name, name, name,
           cfi_start);
  if (endbr)
    fputs ("\tendbr64\n", file);
  fputs ("\t.byte 0x66, 0x90\n", file);
  fputs (body, file);
  fprintf (file,
           ".LULP%s_end:\n"
           "\t.size %s, .-%s\n"
           "\t.popsection\n",
           name, name, name);
  fprintf (file,
           "\t.pushsection %s,\"aMS\",@progbits,1\n"
           ".LULP%s_name:\n\t.string \"%s\"\n"
           ".LULP%s_unit:\n\t.string \"%s\"\n"
           "\t.popsection\n"
           "\t.pushsection %s,\"aoG\",@progbits,%s,%s,comdat\n"
           "\t.balign 4\n"
           "\t.long %s - .\n"
           "\t.long .LULP%s_name - .\n"
           "\t.long 0\n"
           "\t.long .LULP%s_unit - .\n"
           "\t.long 0\n"
           "\t.long .LULP%s_end - %s\n"
           "\t.short %d\n"
           "\t.byte %d, %d, %d, %d\n"
           "\t.short 0\n"
           "\t.popsection\n",
           ULP_STR_SECTION, name, name, name, unit, ULP_META_SECTION, name,
           name, name, name, name, name, name,
           ULP_F_GLOBAL | ULP_F_COMDAT | (endbr ? ULP_F_ENDBR : 0)
             | (in_lto_p ? ULP_F_LTO : 0),
           ULP_KIND_FUNCTION, ULP_PRE_ENTRY_SIZE, endbr ? 4 : 0,
           ULP_ENTRY_SIZE);
}

/* Print __ulp_slow at the end of a unit that needs it; lto1 always
   does, as it cannot tell which of its partitions do (an unused copy
   goes with --gc-sections).  */

void
ulp_emit_slow_thunk (FILE *file)
{
  if (!instrumented_any && !in_lto_p)
    return;
  print_asm_function (file, "__ulp_slow",
                      "\t.cfi_def_cfa_offset 136\n"
                      "\t.cfi_offset 16, -136\n",
                      slow_thunk_body);
  fprintf (file,
           "\t.pushsection .bss.%s,\"awG\",@nobits,%s,comdat\n"
           "\t.balign 16\n"
           "\t.globl %s\n"
           "\t.hidden %s\n"
           "\t.type %s, @object\n"
           "\t.size %s, %d\n"
           "%s:\n"
           "\t.zero %d\n"
           "\t.popsection\n",
           ULP_XSAVE_CACHE_NAME, ULP_XSAVE_CACHE_NAME, ULP_XSAVE_CACHE_NAME,
           ULP_XSAVE_CACHE_NAME, ULP_XSAVE_CACHE_NAME, ULP_XSAVE_CACHE_NAME,
           ULP_XSAVE_CACHE_SIZE, ULP_XSAVE_CACHE_NAME, ULP_XSAVE_CACHE_SIZE);
}

/* The variants of __ulp_outer this unit's entries jump to: with or
   without stack arguments to copy, and with or without the cleanup that
   exceptions run.  */
enum
{
  OUTER_ARGS = 1,
  OUTER_EH = 2
};
static bool outer_used[4];

static const char *const outer_names[4]
  = { "__ulp_outer", "__ulp_outer_args", "__ulp_outer_eh",
      "__ulp_outer_args_eh" };

/* The __ulp_outer a tracked entry of this unit jumps to, for a
   function whose caller passes STACK_BYTES of arguments on the
   stack.  */

const char *
ulp_outer_trampoline (long stack_bytes)
{
  int v = (stack_bytes ? OUTER_ARGS : 0) | (flag_exceptions ? OUTER_EH : 0);
  outer_used[v] = true;
  instrumented_any = true;
  return outer_names[v];
}

/* __ulp_outer: the outer entry of a tracked entry, shared by all of an
   object's entries.  Entered by a jump from the entry, whose caller's
   return address is on the stack, with the arguments untouched, %r10 =
   the body, %r11 = the offset of the thread's state from the thread
   pointer (__ulp_thread, as the entry's fast path found it), and, in
   the _args variants, %eax = the bytes of arguments the caller passed
   on the stack.  It runs the outer-entry protocol (ulp-meta.h), calls
   the body (with a copy of the stack arguments), and on the way out (a
   return, or an exception or pthread_cancel unwinding through it) does
   the exit.  Return values, in any register, pass through untouched.
   Only functions without varargs get entries, so %rax is free at
   entry.

   The common case, a thread entering from outside into the universe it
   already has, is a few instructions each way: depth and recorded
   stack pointer set on the way in, both cleared on the way out.  Every
   other case (a new universe, a stale depth, a handler on an alternate
   stack) goes through __ulp_slow and leaves by decrementing the depth,
   as the runtime may have made it more than 1.  */

/* The cleanups of __ulp_outer's two call sites, for exceptions and
   pthread_cancel unwinding through it: the exit of the fast path (both
   cleared) and of the slow path (one depth less), then on with the
   unwinding.  Both variants keep the thread state's offset in %rbx.  */

static char *
outer_pads (const char *name)
{
  return xasprintf (".LULP%s_pad:\n"
                    "\tmovq $0, %%fs:(%%rbx)\n"
                    "\tmovq $0, %%fs:16(%%rbx)\n"
                    "\tmovq %%rax, %%rdi\n"
                    "\tcall _Unwind_Resume@PLT\n"
                    ".LULP%s_pad2:\n"
                    "\tsubq $1, %%fs:(%%rbx)\n"
                    "\tjnz 2f\n"
                    "\tmovq $0, %%fs:16(%%rbx)\n"
                    "2:\n"
                    "\tmovq %%rax, %%rdi\n"
                    "\tcall _Unwind_Resume@PLT\n", name, name);
}

/* The protocol and the call, in the variant without a frame pointer:
   the stack pointer at the call is the entry's less 8, 16-byte
   aligned.  */

static char *
outer_body_plain (const char *name, bool eh)
{
  return xasprintf (
    "\tpushq %%rbx\n"
    "\t.cfi_def_cfa_offset 16\n"
    "\t.cfi_offset %%rbx, -16\n"
    "\tmovq %%r11, %%rbx\n"
    "\tcmpq $0, %%fs:(%%rbx)\n"
    "\tjne .LULP%s_slow\n"
    "\tmovq __ulp_object(%%rip), %%rax\n"
    "\tcmpq %%rax, %%fs:8(%%rbx)\n"
    "\tjne .LULP%s_slow\n"
    "\tleaq 8(%%rsp), %%rax\n"
    "\tmovq %%rax, %%fs:16(%%rbx)\n"
    "\tmovq $1, %%fs:(%%rbx)\n"
    ".LULP%s_call:\n"
    "\tcall *%%r10\n"
    ".LULP%s_called:\n"
    "\tmovq $0, %%fs:(%%rbx)\n"
    "\tmovq $0, %%fs:16(%%rbx)\n"
    "\tpopq %%rbx\n"
    "\t.cfi_remember_state\n"
    "\t.cfi_def_cfa_offset 8\n"
    "\t.cfi_restore %%rbx\n"
    "\tret\n"
    "\t.cfi_restore_state\n"
    ".LULP%s_slow:\n"
    "\tpushq %%rdi\n"
    "\t.cfi_adjust_cfa_offset 8\n"
    "\tpushq %%rsi\n"
    "\t.cfi_adjust_cfa_offset 8\n"
    "\tpushq %%rdx\n"
    "\t.cfi_adjust_cfa_offset 8\n"
    "\tpushq %%r10\n"
    "\t.cfi_adjust_cfa_offset 8\n"
    "\tmovq %%fs:0, %%rdi\n"
    "\taddq %%rbx, %%rdi\n"
    "\tleaq 40(%%rsp), %%rsi\n"
    "\tleaq __ulp_object(%%rip), %%rdx\n"
    "\tlea -128(%%rsp), %%rsp\n"
    "\tcall __ulp_slow\n"
    "\tlea 128(%%rsp), %%rsp\n"
    "\tpopq %%r10\n"
    "\t.cfi_adjust_cfa_offset -8\n"
    "\tpopq %%rdx\n"
    "\t.cfi_adjust_cfa_offset -8\n"
    "\tpopq %%rsi\n"
    "\t.cfi_adjust_cfa_offset -8\n"
    "\tpopq %%rdi\n"
    "\t.cfi_adjust_cfa_offset -8\n"
    ".LULP%s_call2:\n"
    "\tcall *%%r10\n"
    ".LULP%s_called2:\n"
    "\tsubq $1, %%fs:(%%rbx)\n"
    "\tjnz 1f\n"
    "\tmovq $0, %%fs:16(%%rbx)\n"
    "1:\n"
    "\tpopq %%rbx\n"
    "\t.cfi_remember_state\n"
    "\t.cfi_def_cfa_offset 8\n"
    "\t.cfi_restore %%rbx\n"
    "\tret\n"
    "\t.cfi_restore_state\n"
    "%s"
    "\t.cfi_endproc\n",
    name, name, name, name, name, name, name,
    eh ? outer_pads (name) : "");
}

/* The same with a frame pointer, for functions with stack arguments:
   they are copied below a 16-byte aligned stack pointer.  */

static char *
outer_body_args (const char *name, bool eh)
{
  return xasprintf (
    "\tpushq %%rbp\n"
    "\t.cfi_def_cfa_offset 16\n"
    "\t.cfi_offset %%rbp, -16\n"
    "\tmovq %%rsp, %%rbp\n"
    "\t.cfi_def_cfa_register %%rbp\n"
    "\tpushq %%rbx\n"
    "\t.cfi_offset %%rbx, -24\n"
    "\tpushq %%rax\n"
    "\tmovq %%r11, %%rbx\n"
    "\tcmpq $0, %%fs:(%%rbx)\n"
    "\tjne .LULP%s_slow\n"
    "\tmovq __ulp_object(%%rip), %%rax\n"
    "\tcmpq %%rax, %%fs:8(%%rbx)\n"
    "\tjne .LULP%s_slow\n"
    "\tleaq 8(%%rbp), %%rax\n"
    "\tmovq %%rax, %%fs:16(%%rbx)\n"
    "\tmovq $1, %%fs:(%%rbx)\n"
    "\tmovq -16(%%rbp), %%rax\n"
    "\tsubq %%rax, %%rsp\n"
    "\tandq $-16, %%rsp\n"
    ".LULP%s_copy:\n"
    "\tsubq $8, %%rax\n"
    "\tmovq 16(%%rbp,%%rax), %%r11\n"
    "\tmovq %%r11, (%%rsp,%%rax)\n"
    "\tjnz .LULP%s_copy\n"
    ".LULP%s_call:\n"
    "\tcall *%%r10\n"
    ".LULP%s_called:\n"
    "\tmovq $0, %%fs:(%%rbx)\n"
    "\tmovq $0, %%fs:16(%%rbx)\n"
    "\tmovq -8(%%rbp), %%rbx\n"
    "\tleave\n"
    "\t.cfi_remember_state\n"
    "\t.cfi_def_cfa %%rsp, 8\n"
    "\t.cfi_restore %%rbx\n"
    "\t.cfi_restore %%rbp\n"
    "\tret\n"
    "\t.cfi_restore_state\n"
    ".LULP%s_slow:\n"
    "\tpushq %%rdi\n"
    "\tpushq %%rsi\n"
    "\tpushq %%rdx\n"
    "\tpushq %%r10\n"
    "\tmovq %%fs:0, %%rdi\n"
    "\taddq %%rbx, %%rdi\n"
    "\tleaq 8(%%rbp), %%rsi\n"
    "\tleaq __ulp_object(%%rip), %%rdx\n"
    "\tlea -128(%%rsp), %%rsp\n"
    "\tcall __ulp_slow\n"
    "\tlea 128(%%rsp), %%rsp\n"
    "\tpopq %%r10\n"
    "\tpopq %%rdx\n"
    "\tpopq %%rsi\n"
    "\tpopq %%rdi\n"
    "\tmovq -16(%%rbp), %%rax\n"
    "\tsubq %%rax, %%rsp\n"
    "\tandq $-16, %%rsp\n"
    ".LULP%s_copy2:\n"
    "\tsubq $8, %%rax\n"
    "\tmovq 16(%%rbp,%%rax), %%r11\n"
    "\tmovq %%r11, (%%rsp,%%rax)\n"
    "\tjnz .LULP%s_copy2\n"
    ".LULP%s_call2:\n"
    "\tcall *%%r10\n"
    ".LULP%s_called2:\n"
    "\tsubq $1, %%fs:(%%rbx)\n"
    "\tjnz 1f\n"
    "\tmovq $0, %%fs:16(%%rbx)\n"
    "1:\n"
    "\tmovq -8(%%rbp), %%rbx\n"
    "\tleave\n"
    "\t.cfi_remember_state\n"
    "\t.cfi_def_cfa %%rsp, 8\n"
    "\t.cfi_restore %%rbx\n"
    "\t.cfi_restore %%rbp\n"
    "\tret\n"
    "\t.cfi_restore_state\n"
    "%s"
    "\t.cfi_endproc\n",
    name, name, name, name, name, name, name, name, name, name, name,
    eh ? outer_pads (name) : "");
}

static void
print_outer (FILE *file, int v)
{
  const char *name = outer_names[v];
  bool eh = (v & OUTER_EH) != 0;
  char *cfi_start
    = eh ? xasprintf ("\t.cfi_personality 0x9b, DW.ref.__gcc_personality_v0\n"
                      "\t.cfi_lsda 0x1b, .LULP%s_lsda\n", name)
         : xstrdup ("");
  char *body = (v & OUTER_ARGS) ? outer_body_args (name, eh)
                                : outer_body_plain (name, eh);
  print_asm_function (file, name, cfi_start, body);
  if (eh)
    {
      /* Two call sites, each with its cleanup.  */
      fprintf (file,
               "\t.pushsection .gcc_except_table.%s,\"aG\",@progbits,%s,"
               "comdat\n"
               ".LULP%s_lsda:\n"
               "\t.byte 0xff\n"          /* @LPStart: the function.  */
               "\t.byte 0xff\n"          /* no type table.  */
               "\t.byte 0x1\n"           /* call sites: uleb128.  */
               "\t.uleb128 .LULP%s_cse - .LULP%s_csb\n"
               ".LULP%s_csb:\n"
               "\t.uleb128 .LULP%s_call - %s\n"
               "\t.uleb128 .LULP%s_called - .LULP%s_call\n"
               "\t.uleb128 .LULP%s_pad - %s\n"
               "\t.uleb128 0\n"          /* a cleanup.  */
               "\t.uleb128 .LULP%s_call2 - %s\n"
               "\t.uleb128 .LULP%s_called2 - .LULP%s_call2\n"
               "\t.uleb128 .LULP%s_pad2 - %s\n"
               "\t.uleb128 0\n"
               ".LULP%s_cse:\n"
               "\t.popsection\n"
               "\t.hidden DW.ref.__gcc_personality_v0\n"
               "\t.weak DW.ref.__gcc_personality_v0\n"
               "\t.pushsection .data.rel.local.DW.ref.__gcc_personality_v0,"
               "\"awG\",@progbits,DW.ref.__gcc_personality_v0,comdat\n"
               "\t.balign 8\n"
               "\t.type DW.ref.__gcc_personality_v0, @object\n"
               "\t.size DW.ref.__gcc_personality_v0, 8\n"
               "DW.ref.__gcc_personality_v0:\n"
               "\t.quad __gcc_personality_v0\n"
               "\t.popsection\n",
               name, name, name, name, name, name, name, name, name, name,
               name, name, name, name, name, name, name, name, name);
    }
  free (cfi_start);
  free (body);
}

/* With lazy arming, the object's constructor that has the runtime, if
   it is loaded, arm the object's entries while it loads, when no thread
   can be inside it yet (ulp_object_loaded in ulp.h).  Without the
   runtime the weak reference is null and nothing happens.  One per
   object (COMDAT), run from .init_array.  */

static void
print_arm_at_load (FILE *file)
{
  print_asm_function (file, "__ulp_arm_at_load", "",
                      "\tmovq ulp_object_loaded@GOTPCREL(%rip), %rax\n"
                      "\ttestq %rax, %rax\n"
                      "\tjz 1f\n"
                      "\tleaq __ulp_object(%rip), %rdi\n"
                      "\tjmp *%rax\n"
                      "1:\tret\n"
                      "\t.cfi_endproc\n");
  fprintf (file,
           "\t.weak ulp_object_loaded\n"
           "\t.pushsection .init_array.__ulp_arm_at_load,\"awG\",@init_array,"
           "__ulp_arm_at_load,comdat\n"
           "\t.balign 8\n"
           "\t.quad __ulp_arm_at_load\n"
           "\t.popsection\n");
}

/* Print the __ulp_outer variants this unit's entries use.  */

void
ulp_emit_outer_trampolines (FILE *file)
{
  bool any = false;
  for (int v = 0; v < 4; v++)
    if (outer_used[v])
      {
        print_outer (file, v);
        any = true;
      }
  if (any && ulp_opts.lazy_arming)
    print_arm_at_load (file);
}

/* The marker call that guards the tracking code compiled into a
   function's body until ulp-exported.cc knows whether the function is
   an entry of the object:
   only then are its aliases known (the alias idiom declares them at the
   end of the unit).  */

tree
ulp_marker_call (void)
{
  tree type = build_function_type_list (integer_type_node, NULL_TREE);
  tree fn = build_fn_decl (ULP_MARKER_NAME, type);
  TREE_NOTHROW (fn) = 1;
  DECL_ARTIFICIAL (fn) = 1;
  return fold_build2 (NE_EXPR, boolean_type_node,
                      build_call_expr (fn, 0),
                      build_int_cst (integer_type_node, 0));
}

/* Statements that set T, O and SP: this thread's state, the object's
   state, and the stack pointer at the function's entry (its CFA less
   the return address), which is what the entry's fast path compares.  */

static void
state_pointers (tree t, tree o, tree sp, tree *list)
{
  if (ulp_opts.patch_mode)
    {
      append_to_statement_list (assign (t, patch_thread_state_address ()),
                                list);
      tree state = fold_convert (u64_ptr,
                                 build_fold_addr_expr (patch_state ()));
      append_to_statement_list (assign (o, elt (state, 0)), list);
    }
  else
    {
      append_to_statement_list (assign (t, build_fold_addr_expr
                                             (thread_state ())),
                                list);
      append_to_statement_list (assign (o, build_fold_addr_expr
                                             (object_state ())),
                                list);
    }
  append_to_statement_list (opaque (t), list);
  append_to_statement_list (assign (sp, fold_build2 (MINUS_EXPR, u64,
                                                     frame_cfa (),
                                                     build_int_cst (u64,
                                                                    8))),
                            list);
}

/* The outer entry: the thread is not provably inside the object (its
   stack pointer is not below the outermost tracked frame).  */

static tree
outer_entry (tree t, tree o, tree sp, tree d)
{
  tree list = alloc_stmt_list ();
  append_to_statement_list (assign (d, elt (t, 0)), &list);
  tree zero = build_int_cst (u64, 0), one = build_int_cst (u64, 1);

  /* Outside, universe unchanged: the common case.  */
  tree outermost = fold_build2 (TRUTH_ANDIF_EXPR, boolean_type_node,
                                fold_build2 (EQ_EXPR, boolean_type_node, d,
                                             zero),
                                fold_build2 (EQ_EXPR, boolean_type_node,
                                             elt (t, 1), elt (o, 0)));
  tree outermost_body = alloc_stmt_list ();
  append_to_statement_list (assign (elt (t, 2), sp), &outermost_body);
  append_to_statement_list (assign (elt (t, 0), one), &outermost_body);

  /* Everything else (migration, a stale depth, a signal handler on an
     alternate stack above the outermost frame): the runtime's slow
     path, or without a runtime what it would do, both reached through
     __ulp_slow, out of line.  */
  tree slow = call_slow_path (t, sp, o);
  append_to_statement_list (build3 (COND_EXPR, void_type_node,
                                    expect (outermost, true), outermost_body,
                                    slow),
                            &list);
  return list;
}

/* The exit of an outer entry: one tracked frame less; the last one
   also clears the recorded stack pointer, so that the fast path's one
   comparison tells "inside" from "outside".  */

static tree
outer_exit (tree t, tree d)
{
  tree list = alloc_stmt_list ();
  tree one = build_int_cst (u64, 1), zero = build_int_cst (u64, 0);
  append_to_statement_list (assign (d, fold_build2 (MINUS_EXPR, u64,
                                                    elt (t, 0), one)),
                            &list);
  append_to_statement_list (assign (elt (t, 0), d), &list);
  append_to_statement_list (build3 (COND_EXPR, void_type_node,
                                    fold_build2 (EQ_EXPR, boolean_type_node,
                                                 d, zero),
                                    assign (elt (t, 2), zero), NULL_TREE),
                            &list);
  return list;
}

/* Is the thread provably inside the object already?  */

static tree
nested_p (tree t, tree sp)
{
  return fold_build2 (LT_EXPR, boolean_type_node, sp, elt (t, 2));
}

/* Entry mode: nothing changes in FNDECL's body.  If the function turns
   out to be an entry of the object (ulp-exported.cc), its label becomes
   a tracked entry in front of its patchable entry: assembly that
   ulp-entry.cc prints, which reaches the body through __ulp_outer when
   a thread enters from outside.  __ulp_outer uses the object's and the
   thread's state: they must be defined in every unit that has an
   entry.  */

static void
instrument_entry (tree)
{
  object_state ();
  thread_state ();
}

/* In-body mode, for the functions whose arguments cannot be forwarded
   (varargs, ...): the tracking is compiled around the body itself, and
   a nested entry only compares the stack pointer.

     outer = 0;
     if (marker && !inside)
       { outer = 1; outer entry; }
     try { body } finally { if (outer) outer exit; }

   Without a marker (patch mode), the tracking is always on.  */

static void
instrument_in_body (tree fndecl, bool with_marker)
{
  tree vars = NULL_TREE;
  tree t = local (fndecl, u64_ptr, "__ulp_t", &vars);
  tree o = local (fndecl, u64_ptr, "__ulp_o", &vars);
  tree sp = local (fndecl, u64, "__ulp_sp", &vars);
  tree d = local (fndecl, u64, "__ulp_d", &vars);
  tree outer = local (fndecl, boolean_type_node, "__ulp_outer", &vars);

  tree list = alloc_stmt_list ();
  append_to_statement_list (assign (outer, boolean_false_node), &list);
  append_to_statement_list (assign (t, build_int_cst (u64_ptr, 0)), &list);

  tree track = alloc_stmt_list ();
  state_pointers (t, o, sp, &track);
  tree enter = alloc_stmt_list ();
  append_to_statement_list (assign (outer, boolean_true_node), &enter);
  append_to_statement_list (outer_entry (t, o, sp, d), &enter);
  append_to_statement_list (build3 (COND_EXPR, void_type_node,
                                    nested_p (t, sp), NULL_TREE, enter),
                            &track);
  if (with_marker)
    track = build3 (COND_EXPR, void_type_node, ulp_marker_call (), track,
                    NULL_TREE);
  append_to_statement_list (track, &list);

  tree cleanup = build3 (COND_EXPR, void_type_node, outer, outer_exit (t, d),
                         NULL_TREE);
  append_to_statement_list (build2 (TRY_FINALLY_EXPR, void_type_node,
                                    DECL_SAVED_TREE (fndecl), cleanup),
                            &list);

  /* No BLOCK of its own: the variables are artificial and ignored by
     debug info, and the function's block tree stays as it was.  */
  tree bind = build3 (BIND_EXPR, void_type_node, vars, list, NULL_TREE);
  TREE_SIDE_EFFECTS (bind) = 1;
  DECL_SAVED_TREE (fndecl) = bind;
}

/* Does the body of FNDECL use something a separate entry would
   change: its return address or caller's frame, or a nested function
   (whose static chain the copy would not follow)?  */

static tree
needs_own_frame_r (tree *tp, int *walk_subtrees, void *data)
{
  tree fndecl = (tree) data;
  tree x = *tp;
  if (TREE_CODE (x) == CALL_EXPR)
    {
      tree fn = get_callee_fndecl (x);
      if (fn && fndecl_built_in_p (fn, BUILT_IN_NORMAL))
        switch (DECL_FUNCTION_CODE (fn))
          {
          case BUILT_IN_RETURN_ADDRESS:
          case BUILT_IN_FRAME_ADDRESS:
          case BUILT_IN_APPLY_ARGS:
          case BUILT_IN_DWARF_CFA:
          case BUILT_IN_EXTRACT_RETURN_ADDR:
            return x;
          default:
            break;
          }
    }
  else if (TREE_CODE (x) == FUNCTION_DECL && x != fndecl
           && DECL_CONTEXT (x) == fndecl)
    return x;
  else if (TYPE_P (x))
    *walk_subtrees = 0;
  return NULL_TREE;
}

/* Can a call of FNDECL be forwarded from its tracked entry to its body
   with the arguments as they are?  */

static bool
forwardable_p (tree fndecl)
{
  tree type = TREE_TYPE (fndecl);
  /* __ulp_outer reaches the thread's state by initial-exec TLS or a
     TLS descriptor, which preserve the argument registers; with
     __tls_get_addr every function keeps its tracking in its body.  */
  if (ulp_opts.tls == ULP_TLS_DYNAMIC && flag_pic && !flag_pie)
    return false;
  if (stdarg_p (type))
    return false;
  /* Classes passed or returned by invisible reference, constructors and
     destructors are forwarded as they are: __ulp_outer passes the
     registers and the stack arguments on untouched.  */
  static const char *const own_frame_attributes[]
    = { "always_inline", "returns_twice", "target", "target_clones",
        "ifunc", "alias", "noipa" };
  for (const char *a : own_frame_attributes)
    if (lookup_attribute (a, DECL_ATTRIBUTES (fndecl)))
      return false;
  if (walk_tree_without_duplicates (&DECL_SAVED_TREE (fndecl),
                                    needs_own_frame_r, fndecl))
    return false;
  return true;
}

/* Could a thread enter FNDECL from outside the object?  Only a function
   with external linkage can be exported, by its own visibility or
   through an alias that ulp-exported.cc will see; inline functions and
   template instances (COMDAT) are compiled into every user and are
   not entries of anything.  */

static bool
candidate_p (tree fndecl)
{
  if (ulp_opts.boundary == ULP_BOUNDARY_NEVER || ulp_opts.patch_mode)
    return false;
  if (!TREE_PUBLIC (fndecl) || DECL_EXTERNAL (fndecl)
      || DECL_COMDAT (fndecl) || DECL_ONE_ONLY (fndecl)
      || DECL_COMDAT_GROUP (fndecl))
    return false;
  if (lookup_attribute ("naked", DECL_ATTRIBUTES (fndecl)))
    return false;
  /* main is entered once and never left: as a boundary it would keep
     the process in its first universe forever.  */
  if (DECL_NAME (fndecl) && MAIN_NAME_P (DECL_NAME (fndecl)))
    return false;
  /* An executable's functions are entered from outside only through
     callbacks; by default only shared-object code is tracked.  */
  return (ulp_opts.boundary == ULP_BOUNDARY_ALWAYS
          || (flag_pic && !flag_pie));
}

/* PLUGIN_PRE_GENERICIZE: called by the C and C++ front ends for each
   function body before it is lowered.  */

void
ulp_instrument_boundary (void *gcc_data, void *)
{
  tree fndecl = (tree) gcc_data;
  if (!fndecl || TREE_CODE (fndecl) != FUNCTION_DECL
      || !DECL_SAVED_TREE (fndecl))
    return;
  init_types ();
  if (ulp_opts.patch_mode)
    {
      /* A replacement of a function tracked in its own body is tracked
         the same way, on the target's state; the body of a tracked entry
         is not tracked, and neither is its replacement.  */
      if (ulp_opts.boundary != ULP_BOUNDARY_NEVER
          && lookup_attribute ("ulp_replace", DECL_ATTRIBUTES (fndecl))
          && TREE_PUBLIC (fndecl) && !forwardable_p (fndecl))
        {
          instrumented_any = true;
          instrument_in_body (fndecl, false);
          DECL_ATTRIBUTES (fndecl)
            = tree_cons (get_identifier (ULP_TRACKED_ATTR), NULL_TREE,
                         DECL_ATTRIBUTES (fndecl));
        }
      return;
    }
  /* A program's threads never leave it, and by default nothing of it is
     tracked: ulp-apply pins each thread to its universe and moves it on
     by checking its stack (the manual's "Patches of programs").  That
     needs the per-thread state in every program built with the
     plugin.  */
  if (ulp_opts.boundary != ULP_BOUNDARY_NEVER && !(flag_pic && !flag_pie))
    {
      thread_state ();
      object_state ();
    }
  if (!candidate_p (fndecl))
    return;
  instrumented_any = true;
  if (forwardable_p (fndecl))
    {
      instrument_entry (fndecl);
      DECL_ATTRIBUTES (fndecl)
        = tree_cons (get_identifier (ULP_CANDIDATE_ATTR),
                     build_tree_list (NULL_TREE, integer_one_node),
                     DECL_ATTRIBUTES (fndecl));
    }
  else
    {
      instrument_in_body (fndecl, true);
      DECL_ATTRIBUTES (fndecl)
        = tree_cons (get_identifier (ULP_CANDIDATE_ATTR),
                     build_tree_list (NULL_TREE, integer_zero_node),
                     DECL_ATTRIBUTES (fndecl));
    }
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
