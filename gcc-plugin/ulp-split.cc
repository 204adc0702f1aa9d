/* ulp-split.cc -- split each entry of the object into a tracked entry
   and an untracked body.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A thread enters the object through the functions the object exports:
   by their own default visibility, or through a public alias of a
   hidden function (the libxml2 and glibc idiom, where the alias is
   declared at the end of the unit).  Only those entries must track the
   boundary; the object's own calls must not pay for it.

   The front end (ulp-boundary.cc) gives every function with external
   linkage its tracking code behind a marker call, because it cannot
   know yet whether the function will be exported.  This simple IPA
   pass runs once every declaration of the unit is known and before any
   inlining, and decides for each:

   - exported, and its arguments can be forwarded: the function is
     copied into a local body, FOO.ulp_body (a version clone: the
     original body); the function itself keeps its name, its aliases
     and its address, so &foo is the same inside and outside, and
     becomes the tracked entry, whose only work is calling the body
     inside the outer-entry protocol.  Every direct call in the unit of
     the function or of any alias of it is redirected to the body, so
     the object's own calls run no tracking code at all;
   - exported, tracked in its own body (varargs, ...): the marker is 1;
   - not exported: the marker is 0, and nothing of the tracking stays.

   The body is bound locally: the object's own calls of an exported
   function are direct calls of its body, which GCC may inline as it
   would with -fno-semantic-interposition, and an LD_PRELOADed
   replacement of the function no longer sees them;
   -fplugin-arg-ulp-interposition=full keeps the calls of functions that
   can be interposed on the entry (and the PLT) instead, at the price of
   the entry's fast path.  Inline functions and template instances are
   never split (they are not entries of anything), so their inlining is
   as without the plugin.  */

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

/* The body a tracked entry forwards to, or NULL.  */

tree
ulp_entry_body (tree decl)
{
  tree attr = lookup_attribute (ULP_ENTRY_ATTR, DECL_ATTRIBUTES (decl));
  return attr ? TREE_VALUE (TREE_VALUE (attr)) : NULL_TREE;
}

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

/* The copy's profile as its original's was before the split: not yet
   estimated.  Versioning scaled the copy's counts by its callers', of
   which it has none yet, which would leave the body "never executed",
   in .text.unlikely and optimised for size.  */

static void
forget_profile (cgraph_node *body, cgraph_node *orig)
{
  enter (body);
  basic_block bb;
  FOR_ALL_BB_FN (bb, cfun)
    bb->count = profile_count::uninitialized ();
  profile_status_for_fn (cfun)
    = profile_status_for_fn (DECL_STRUCT_FUNCTION (orig->decl));
  leave ();
  body->count = orig->count;
  body->frequency = orig->frequency;
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

/* Make NODE the tracked entry of a new body: its copy.  */

static cgraph_node *
split (cgraph_node *node)
{
  cgraph_node *body = ulp_version_clone_with_body (node, "ulp_body");
  if (!body)
    return NULL;
  tree attrs = NULL_TREE;
  for (tree a = DECL_ATTRIBUTES (body->decl); a; a = TREE_CHAIN (a))
    if (!is_attribute_p (ULP_CANDIDATE_ATTR, get_attribute_name (a)))
      attrs = tree_cons (TREE_PURPOSE (a), TREE_VALUE (a), attrs);
  DECL_ATTRIBUTES (body->decl)
    = tree_cons (get_identifier (ULP_BODY_ATTR),
                 build_tree_list (NULL_TREE, node->decl), nreverse (attrs));
  fold_markers_in (body, false);
  fold_markers_in (node, true);
  forget_profile (body, node);
  DECL_ATTRIBUTES (node->decl)
    = tree_cons (get_identifier (ULP_ENTRY_ATTR),
                 build_tree_list (NULL_TREE, body->decl),
                 DECL_ATTRIBUTES (node->decl));
  /* The entry is never worth inlining: it exists to be called from
     outside.  Its body is called through a pointer from the entry (and
     jumped to from its fast path), so not every call of it is known:
     without this, a body whose direct calls are all inlined would look
     never executed.  */
  DECL_UNINLINABLE (node->decl) = 1;
  /* The entry is a few jumps, not worth -falign-functions' padding; 2
     bytes keep its arming site's store aligned (ulp-entry.cc).  */
  if (!DECL_USER_ALIGN (node->decl))
    {
      SET_DECL_ALIGN (node->decl, 2 * BITS_PER_UNIT);
      DECL_USER_ALIGN (node->decl) = 1;
    }
  body->local = false;
  return body;
}

/* In a tracked entry, point the pointer the entry calls its body
   through (ulp-boundary.cc) at the body: the entry's only use of its own
   address.  */

static bool
point_at_body (gimple *stmt, tree body)
{
  if (!is_gimple_assign (stmt) || gimple_assign_rhs_code (stmt) != ADDR_EXPR)
    return false;
  tree rhs = gimple_assign_rhs1 (stmt);
  /* In a clone of a C++ constructor or destructor, the address is the
     abstract function's, which the clone was copied from.  */
  tree target = TREE_OPERAND (rhs, 0);
  if (target != current_function_decl
      && (!DECL_ABSTRACT_ORIGIN (current_function_decl)
          || target != DECL_ABSTRACT_ORIGIN (current_function_decl)))
    return false;
  gimple_assign_set_rhs1 (stmt, build_fold_addr_expr (body));
  update_stmt (stmt);
  return true;
}

/* Redirect, in the current function, every direct call of a split
   function (or of an alias of one) to its body.  True if anything
   changed.  */

/* Is the current function a C++ thunk (this-adjusting, virtual or
   covariant: _ZTh, _ZTv, _ZTc in the Itanium ABI)?  GCC builds thunks as
   ordinary functions here (ulp-entry.cc), and they are entries too: a
   call through a vtable lands on them from outside the object.  */

static bool
thunk_p (void)
{
  tree decl = current_function_decl;
  if (!DECL_ARTIFICIAL (decl) || !DECL_ASSEMBLER_NAME_SET_P (decl))
    return false;
  const char *name = IDENTIFIER_POINTER (DECL_ASSEMBLER_NAME (decl));
  return (strncmp (name, "_ZTh", 4) == 0 || strncmp (name, "_ZTv", 4) == 0
          || strncmp (name, "_ZTc", 4) == 0);
}

static bool
redirect_calls (hash_map<tree, tree> *bodies)
{
  bool changed = false;
  /* A thunk keeps calling the tracked entry: it is itself reached from
     outside, through a vtable, and has no tracking of its own.  */
  if (thunk_p ())
    return false;
  tree *own_body = bodies->get (current_function_decl);
  basic_block bb;
  FOR_EACH_BB_FN (bb, cfun)
    for (gimple_stmt_iterator gsi = gsi_start_bb (bb); !gsi_end_p (gsi);
         gsi_next (&gsi))
      {
        if (own_body && point_at_body (gsi_stmt (gsi), *own_body))
          {
            changed = true;
            continue;
          }
        gcall *call = dyn_cast<gcall *> (gsi_stmt (gsi));
        if (!call)
          continue;
        tree fn = gimple_call_fndecl (call);
        if (!fn)
          continue;
        cgraph_node *callee = cgraph_node::get (fn);
        if (!callee)
          continue;
        enum availability avail;
        cgraph_node *target = callee->ultimate_alias_target (&avail);
        tree *body = bodies->get (target->decl);
        if (!body)
          continue;
        if (target->decl != current_function_decl
            && ulp_opts.full_interposition && avail <= AVAIL_INTERPOSABLE)
          continue;
        gimple_call_set_fndecl (call, *body);
        update_stmt (call);
        changed = true;
      }
  return changed;
}

namespace {

const pass_data split_pass_data = {
  SIMPLE_IPA_PASS, /* type */
  "ulp_split",     /* name */
  OPTGROUP_NONE,   /* optinfo_flags */
  TV_NONE,         /* tv_id */
  0,               /* properties_required */
  0,               /* properties_provided */
  0,               /* properties_destroyed */
  0,               /* todo_flags_start */
  0,               /* todo_flags_finish */
};

class split_pass : public simple_ipa_opt_pass
{
public:
  split_pass (gcc::context *ctxt) : simple_ipa_opt_pass (split_pass_data, ctxt)
  {
  }

  unsigned int
  execute (function *) final override
  {
    auto_vec<cgraph_node *> candidates;
    cgraph_node *node;
    FOR_EACH_FUNCTION_WITH_GIMPLE_BODY (node)
      if (lookup_attribute (ULP_CANDIDATE_ATTR, DECL_ATTRIBUTES (node->decl)))
        candidates.safe_push (node);
    if (candidates.is_empty ())
      return 0;

    hash_map<tree, tree> bodies;
    unsigned i;
    FOR_EACH_VEC_ELT (candidates, i, node)
      {
        tree attr = lookup_attribute (ULP_CANDIDATE_ATTR,
                                      DECL_ATTRIBUTES (node->decl));
        bool entry_mode = integer_onep (TREE_VALUE (TREE_VALUE (attr)));
        bool exported = exported_p (node);
        DECL_ATTRIBUTES (node->decl)
          = remove_attribute (ULP_CANDIDATE_ATTR, DECL_ATTRIBUTES (node->decl));
        if (exported && entry_mode)
          {
            cgraph_node *body = split (node);
            if (body)
              {
                bodies.put (node->decl, body->decl);
                if (ulp_opts.verbose)
                  inform (DECL_SOURCE_LOCATION (node->decl),
                          "ulp: %qD: tracked entry, body %qs", node->decl,
                          IDENTIFIER_POINTER (DECL_ASSEMBLER_NAME
                                                (body->decl)));
                continue;
              }
          }
        fold_markers_in (node, exported);
        if (exported)
          DECL_ATTRIBUTES (node->decl)
            = tree_cons (get_identifier (ULP_TRACKED_ATTR), NULL_TREE,
                         DECL_ATTRIBUTES (node->decl));
      }
    if (bodies.is_empty ())
      return 0;

    FOR_EACH_FUNCTION_WITH_GIMPLE_BODY (node)
      {
        if (node->thunk)
          continue;
        enter (node);
        if (redirect_calls (&bodies))
          cgraph_edge::rebuild_edges ();
        leave ();
      }
    return 0;
  }
};

} // anonymous namespace

opt_pass *
ulp_make_split_pass (gcc::context *ctxt)
{
  return new split_pass (ctxt);
}

/* With -flto, each unit was split when it was compiled, but the calls
   that other units make of an exported function still reach its entry.
   Once lto1 sees the whole object (at WPA, before the inliner), this
   regular IPA pass redirects them to the body too.  Only call edges
   change here: the statements follow when each function is
   materialised, as they do for GCC's own clones.  */

static void
redirect_callers (cgraph_node *entry, cgraph_node *body)
{
  cgraph_edge *next;
  for (cgraph_edge *e = entry->callers; e; e = next)
    {
      next = e->next_caller;
      if (e->caller == entry || e->caller->thunk)
        continue;
      if (ulp_opts.full_interposition
          && entry->get_availability (e->caller) <= AVAIL_INTERPOSABLE)
        continue;
      e->redirect_callee (body);
    }
  ipa_ref *ref;
  for (unsigned i = 0; entry->iterate_direct_aliases (i, ref); i++)
    if (cgraph_node *alias = dyn_cast<cgraph_node *> (ref->referring))
      redirect_callers (alias, body);
}

namespace {

const pass_data lto_redirect_pass_data = {
  IPA_PASS,            /* type */
  "ulp_lto_redirect",  /* name */
  OPTGROUP_NONE,       /* optinfo_flags */
  TV_NONE,             /* tv_id */
  0,                   /* properties_required */
  0,                   /* properties_provided */
  0,                   /* properties_destroyed */
  0,                   /* todo_flags_start */
  0,                   /* todo_flags_finish */
};

class lto_redirect_pass : public ipa_opt_pass_d
{
public:
  lto_redirect_pass (gcc::context *ctxt)
    : ipa_opt_pass_d (lto_redirect_pass_data, ctxt, NULL, NULL, NULL, NULL,
                      NULL, NULL, 0, NULL, NULL)
  {
  }

  bool
  gate (function *) final override
  {
    return in_lto_p;
  }

  unsigned int
  execute (function *) final override
  {
    cgraph_node *node;
    FOR_EACH_FUNCTION (node)
      {
        tree body = ulp_entry_body (node->decl);
        if (!body)
          continue;
        cgraph_node *body_node = cgraph_node::get (body);
        if (body_node)
          redirect_callers (node, body_node);
      }
    return 0;
  }
};

} // anonymous namespace

opt_pass *
ulp_make_lto_redirect_pass (gcc::context *ctxt)
{
  return new lto_redirect_pass (ctxt);
}
