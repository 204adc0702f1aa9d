/* ulp-exported.cc -- decide which functions are entries of the object,
   and let the object's own calls of them skip the tracking.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A thread enters the object through the functions the object exports:
   by their own default visibility, or through a public alias of a
   hidden function (the libxml2 and glibc idiom, where the alias is
   declared at the end of the unit).  Only those entries must track the
   boundary; the object's own calls must not pay for it.

   The front end (ulp-boundary.cc) marks every function with external
   linkage as a candidate, because it cannot know yet whether the
   function will be exported.  A simple IPA pass runs once every
   declaration of the unit is known and before any inlining, and
   decides for each:

   - exported, and its arguments can be forwarded: the function gets a
     tracked entry (ULP_ENTRY_ATTR).  Its label, the address every
     symbol and alias of it has, is two bytes in front of its patchable
     entry, and a second label, NAME.ulp_inner, is right behind them
     (ulp-entry.cc).  Unarmed, the two bytes are segment-override
     prefixes of the entry instruction: a call through the label runs
     exactly the instructions a call of NAME.ulp_inner runs.  Armed,
     they are a short jump back to the tracking code in front of the
     function.  Nothing is copied, so &foo is the same inside and
     outside, and the function's code is the one GCC compiled;
   - exported, tracked in its own body (varargs, ...): the marker is 1;
   - not exported: the marker is 0, and nothing of the tracking stays.

   Once a function is compiled to RTL, every direct call it makes of a
   function with a tracked entry in this unit (or, under -flto, in this
   object), or of an alias of one, is pointed at NAME.ulp_inner (a
   local label; global and hidden under -flto, for the calls between
   partitions): the
   object's own calls run no tracking code at all, even armed.  Like
   -fno-semantic-interposition, this binds the object's calls of its
   exported functions to its own definitions, and an LD_PRELOADed
   replacement of the function no longer sees them;
   -fplugin-arg-ulp-interposition=full keeps the calls of functions that
   can be interposed on the label (through the PLT) instead, at the
   price of the entry's nested path once armed.  Weak definitions are
   always called through the label: another unit may replace them.
   Inline functions and template instances are never entries (they are
   not entries of anything), and no inlining decision changes.  */

#include "ulp-plugin.h"
#include "tree-pass.h"
#include "context.h"
#include "function.h"
#include "basic-block.h"
#include "cgraph.h"
#include "gimple.h"
#include "gimple-iterator.h"
#include "tree-cfg.h"
#include "tree-cfgcleanup.h"
#include "tree-eh.h"
#include "gimple-ssa.h"
#include "stringpool.h"
#include "attribs.h"
#include "diagnostic-core.h"
#include "rtl.h"
#include "memmodel.h"
#include "emit-rtl.h"
#include "explow.h"

static bool
marker_call_p (gimple *stmt)
{
  if (!is_gimple_call (stmt))
    return false;
  tree fn = gimple_call_fndecl (stmt);
  return (fn && DECL_NAME (fn)
          && strcmp (IDENTIFIER_POINTER (DECL_NAME (fn)), ULP_MARKER_NAME)
               == 0);
}

/* Replace every marker call of the current function by VALUE and fold
   the conditions that test it, then drop what became unreachable.  */

static void
fold_markers (bool value)
{
  auto_vec<tree> temps;
  basic_block bb;
  FOR_EACH_BB_FN (bb, cfun)
    for (gimple_stmt_iterator gsi = gsi_start_bb (bb); !gsi_end_p (gsi);
         gsi_next (&gsi))
      {
        gimple *stmt = gsi_stmt (gsi);
        if (!marker_call_p (stmt))
          continue;
        tree lhs = gimple_call_lhs (stmt);
        gcc_assert (lhs);
        temps.safe_push (lhs);
        gimple *set = gimple_build_assign (lhs, build_int_cst (TREE_TYPE (lhs),
                                                               value));
        gsi_replace (&gsi, set, false);
      }
  FOR_EACH_BB_FN (bb, cfun)
    {
      gimple *last = last_stmt (bb);
      if (!last || gimple_code (last) != GIMPLE_COND)
        continue;
      gcond *cond = as_a<gcond *> (last);
      if (!temps.contains (gimple_cond_lhs (cond)))
        continue;
      gcc_assert (gimple_cond_code (cond) == NE_EXPR
                  && integer_zerop (gimple_cond_rhs (cond)));
      if (value)
        gimple_cond_make_true (cond);
      else
        gimple_cond_make_false (cond);
      update_stmt (cond);
    }
  cleanup_tree_cfg ();
  maybe_remove_unreachable_handlers ();
}

/* Make NODE the function being worked on, as GCC's passes expect.  */

static void
enter (cgraph_node *node)
{
  push_cfun (DECL_STRUCT_FUNCTION (node->decl));
  current_function_decl = node->decl;
}

static void
leave (void)
{
  pop_cfun ();
  current_function_decl = NULL_TREE;
}

static void
fold_markers_in (cgraph_node *node, bool value)
{
  enter (node);
  fold_markers (value);
  leave ();
}

/* Does a thread outside the object reach SYM: is it public with default
   or protected visibility?  */

static bool
exported_symbol_p (symtab_node *sym, void *)
{
  tree decl = sym->decl;
  return (TREE_PUBLIC (decl) && !DECL_EXTERNAL (decl)
          && (DECL_VISIBILITY (decl) == VISIBILITY_DEFAULT
              || DECL_VISIBILITY (decl) == VISIBILITY_PROTECTED));
}

/* Is NODE exported under its own name or under one of its aliases?  */

static bool
exported_p (cgraph_node *node)
{
  return node->call_for_symbol_and_aliases (
    [] (cgraph_node *n, void *) { return exported_symbol_p (n, NULL); },
    NULL, true);
}

/* Is DECL a C++ thunk (this-adjusting, virtual or covariant: _ZTh,
   _ZTv, _ZTc in the Itanium ABI)?  GCC builds thunks as ordinary
   functions here (ulp-entry.cc), and they are entries too: a call
   through a vtable lands on them from outside the object.  */

static bool
thunk_p (tree decl)
{
  if (!DECL_ARTIFICIAL (decl) || !DECL_ASSEMBLER_NAME_SET_P (decl))
    return false;
  const char *name = IDENTIFIER_POINTER (DECL_ASSEMBLER_NAME (decl));
  return (strncmp (name, "_ZTh", 4) == 0 || strncmp (name, "_ZTv", 4) == 0
          || strncmp (name, "_ZTc", 4) == 0);
}

/* Give the exported thunk NODE a tracked entry when the function it
   adjusts for has one.  The front end made no candidate of it (a thunk
   has no source), and GCC may inline its target into it, so it must
   track the boundary itself.  */

static void
maybe_track_thunk (cgraph_node *node)
{
  if (!thunk_p (node->decl) || !exported_p (node) || !node->callees
      || node->callees->next_callee
      || ulp_tracked_entry_p (node->decl))
    return;
  cgraph_node *target = node->callees->callee->ultimate_alias_target ();
  if (!target || !ulp_tracked_entry_p (target->decl))
    return;
  DECL_ATTRIBUTES (node->decl)
    = tree_cons (get_identifier (ULP_ENTRY_ATTR), NULL_TREE,
                 DECL_ATTRIBUTES (node->decl));
}

/* Does DECL get a tracked entry at its label?  */

bool
ulp_tracked_entry_p (tree decl)
{
  return lookup_attribute (ULP_ENTRY_ATTR, DECL_ATTRIBUTES (decl)) != NULL;
}

/* The name of the label behind DECL's tracked entry (xmalloc'ed): an
   assembler-local label, which leaves no symbol in the object, except
   under lto1, whose partitions call each other's functions.  */

char *
ulp_inner_name (tree decl)
{
  const char *name = IDENTIFIER_POINTER (DECL_ASSEMBLER_NAME (decl));
  if (name[0] == '*')
    name++;
  return xasprintf ("%s%s.ulp_inner", in_lto_p ? "" : ".L", name);
}

/* The function a direct call of FN reaches past its tracked entry, or
   NULL when the call must stay a call of the label.  */

static tree
inner_callee (tree fn)
{
  cgraph_node *callee = cgraph_node::get (fn);
  if (!callee)
    return NULL_TREE;
  enum availability avail;
  cgraph_node *target = callee->ultimate_alias_target (&avail);
  if (!target || !target->definition || !ulp_tracked_entry_p (target->decl))
    return NULL_TREE;
  /* Another definition may replace a weak one at link time.  */
  if (DECL_WEAK (fn) || DECL_WEAK (target->decl))
    return NULL_TREE;
  if (target->decl != current_function_decl
      && ulp_opts.full_interposition && avail <= AVAIL_INTERPOSABLE)
    return NULL_TREE;
  return target->decl;
}

/* Point every direct call the current function makes of a function
   with a tracked entry at the label behind the entry.  Called on the
   final RTL, so every call GCC kept is seen, tail calls included.  A
   thunk without a tracked entry of its own keeps calling the label: it
   is itself reached from outside, through a vtable.  */

void
ulp_redirect_calls_to_inner (void)
{
  if (ulp_opts.patch_mode
      || (thunk_p (current_function_decl)
          && !ulp_tracked_entry_p (current_function_decl)))
    return;
  for (rtx_insn *insn = get_insns (); insn; insn = NEXT_INSN (insn))
    {
      if (!CALL_P (insn))
        continue;
      rtx call = get_call_rtx_from (insn);
      if (!call || !MEM_P (XEXP (call, 0)))
        continue;
      rtx mem = XEXP (call, 0);
      rtx addr = XEXP (mem, 0);
      if (GET_CODE (addr) != SYMBOL_REF || !SYMBOL_REF_DECL (addr)
          || TREE_CODE (SYMBOL_REF_DECL (addr)) != FUNCTION_DECL)
        continue;
      tree target = inner_callee (SYMBOL_REF_DECL (addr));
      if (!target)
        continue;
      char *name = ulp_inner_name (target);
      char *verbatim = concat ("*", name, NULL);
      rtx inner = gen_rtx_SYMBOL_REF (Pmode, ggc_strdup (verbatim));
      free (verbatim);
      free (name);
      /* Bound here, so x86 calls it directly, with no PLT or GOT.  */
      SYMBOL_REF_FLAGS (inner) = SYMBOL_FLAG_LOCAL | SYMBOL_FLAG_FUNCTION;
      XEXP (call, 0) = replace_equiv_address_nv (mem, inner);
    }
}

namespace {

const pass_data exported_pass_data = {
  SIMPLE_IPA_PASS, /* type */
  "ulp_exported",  /* name */
  OPTGROUP_NONE,   /* optinfo_flags */
  TV_NONE,         /* tv_id */
  0,               /* properties_required */
  0,               /* properties_provided */
  0,               /* properties_destroyed */
  0,               /* todo_flags_start */
  0,               /* todo_flags_finish */
};

class exported_pass : public simple_ipa_opt_pass
{
public:
  exported_pass (gcc::context *ctxt)
    : simple_ipa_opt_pass (exported_pass_data, ctxt)
  {
  }

  unsigned int
  execute (function *) final override
  {
    cgraph_node *node;
    FOR_EACH_FUNCTION_WITH_GIMPLE_BODY (node)
      {
        tree attr = lookup_attribute (ULP_CANDIDATE_ATTR,
                                      DECL_ATTRIBUTES (node->decl));
        if (!attr)
          continue;
        bool entry_mode = integer_onep (TREE_VALUE (TREE_VALUE (attr)));
        bool exported = exported_p (node);
        DECL_ATTRIBUTES (node->decl)
          = remove_attribute (ULP_CANDIDATE_ATTR, DECL_ATTRIBUTES (node->decl));
        if (entry_mode)
          {
            /* Nothing was compiled into the body.  */
            if (exported)
              {
                DECL_ATTRIBUTES (node->decl)
                  = tree_cons (get_identifier (ULP_ENTRY_ATTR), NULL_TREE,
                               DECL_ATTRIBUTES (node->decl));
                if (ulp_opts.verbose)
                  inform (DECL_SOURCE_LOCATION (node->decl),
                          "ulp: %qD: tracked entry", node->decl);
              }
            continue;
          }
        fold_markers_in (node, exported);
        if (exported)
          DECL_ATTRIBUTES (node->decl)
            = tree_cons (get_identifier (ULP_TRACKED_ATTR), NULL_TREE,
                         DECL_ATTRIBUTES (node->decl));
      }
    FOR_EACH_FUNCTION_WITH_GIMPLE_BODY (node)
      maybe_track_thunk (node);
    return 0;
  }
};

} // anonymous namespace

opt_pass *
ulp_make_exported_pass (gcc::context *ctxt)
{
  return new exported_pass (ctxt);
}
