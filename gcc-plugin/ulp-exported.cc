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

/* Names that the unit's top-level asm statements export as aliases of
   its functions (.set, .equ or = with .globl or .global, and not
   .hidden or .internal): the assembler names of the aliased functions.
   The compiler never sees such aliases, but a thread enters the object
   through them.  Heap strings: nothing here is for the garbage
   collector to see.  */
static vec<char *> asm_exported;

/* The next statement of the asm text at *P (up to a newline or ;),
   trimmed, into BUF; false at the end.  */

static bool
next_asm_statement (const char **p, char *buf, size_t size)
{
  const char *s = *p;
  while (*s == '\n' || *s == ';' || ISSPACE (*s))
    s++;
  if (!*s)
    return false;
  const char *e = s;
  while (*e && *e != '\n' && *e != ';')
    e++;
  *p = e;
  while (e > s && ISSPACE (e[-1]))
    e--;
  size_t n = MIN ((size_t) (e - s), size - 1);
  memcpy (buf, s, n);
  buf[n] = 0;
  return true;
}

/* Split "DIRECTIVE NAME[, VALUE]" or "NAME = VALUE" in STMT; false when
   it is neither.  */

static bool
split_asm_statement (char *stmt, char **directive, char **name,
                     char **value)
{
  char *eq = strchr (stmt, '=');
  *directive = *name = *value = NULL;
  if (stmt[0] == '.')
    {
      char *sp = stmt + strcspn (stmt, " \t");
      if (!*sp)
        return false;
      *sp++ = 0;
      *directive = stmt;
      sp += strspn (sp, " \t");
      *name = sp;
      char *comma = strchr (sp, ',');
      if (comma)
        {
          *comma++ = 0;
          *value = comma + strspn (comma, " \t");
        }
    }
  else if (eq)
    {
      *eq = 0;
      *name = stmt;
      *value = eq + 1 + strspn (eq + 1, " \t");
      *directive = (char *) "=";
    }
  else
    return false;
  /* Trim the name.  */
  char *end = *name + strlen (*name);
  while (end > *name && ISSPACE (end[-1]))
    *--end = 0;
  return **name != 0;
}

/* Collect asm_exported from the unit's top-level asm statements.  */

static void
scan_toplevel_asm (void)
{
  for (char *x : asm_exported)
    free (x);
  asm_exported.truncate (0);
  auto_vec<char *> globals, hidden, alias_names, alias_targets;
  char buf[512];
  for (asm_node *a = symtab->first_asm_symbol (); a; a = a->next)
    {
      const char *p = TREE_STRING_POINTER (a->asm_str);
      while (next_asm_statement (&p, buf, sizeof buf))
        {
          char *directive, *name, *value;
          if (!split_asm_statement (buf, &directive, &name, &value))
            continue;
          if (!strcmp (directive, ".globl") || !strcmp (directive, ".global"))
            globals.safe_push (xstrdup (name));
          else if (!strcmp (directive, ".hidden")
                   || !strcmp (directive, ".internal"))
            hidden.safe_push (xstrdup (name));
          else if ((!strcmp (directive, ".set") || !strcmp (directive, ".equ")
                    || !strcmp (directive, "=")) && value && *value)
            {
              alias_names.safe_push (xstrdup (name));
              alias_targets.safe_push (xstrdup (value));
            }
        }
    }
  auto contains = [] (const vec<char *> &v, const char *s)
    {
      for (char *x : v)
        if (!strcmp (x, s))
          return true;
      return false;
    };
  for (unsigned i = 0; i < alias_names.length (); i++)
    if (contains (globals, alias_names[i]) && !contains (hidden,
                                                         alias_names[i]))
      asm_exported.safe_push (xstrdup (alias_targets[i]));
  for (char *x : globals)
    free (x);
  for (char *x : hidden)
    free (x);
  for (char *x : alias_names)
    free (x);
  for (char *x : alias_targets)
    free (x);
}

/* Does a thread outside the object reach SYM: is it public with default
   or protected visibility, or does a top-level asm export an alias of
   it?  */

static bool
exported_symbol_p (symtab_node *sym, void *)
{
  tree decl = sym->decl;
  if (TREE_PUBLIC (decl) && !DECL_EXTERNAL (decl)
      && (DECL_VISIBILITY (decl) == VISIBILITY_DEFAULT
          || DECL_VISIBILITY (decl) == VISIBILITY_PROTECTED))
    return true;
  if (asm_exported.is_empty () || !DECL_ASSEMBLER_NAME_SET_P (decl))
    return false;
  const char *name = IDENTIFIER_POINTER (DECL_ASSEMBLER_NAME (decl));
  if (name[0] == '*')
    name++;
  for (char *target : asm_exported)
    if (!strcmp (target, name))
      return true;
  return false;
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

/* The function a clone was made from, or NULL.  C++ constructor and
   destructor variants (C1/C2, D0/D1/D2) have an abstract origin too,
   but they are not clones of an emitted function.  */

tree
ulp_clone_origin (tree decl)
{
  cgraph_node *node = cgraph_node::get (decl);
  if (node && node->former_clone_of && node->former_clone_of != decl)
    return node->former_clone_of;
  if (node && node->clone_of && node->clone_of->decl != decl)
    return node->clone_of->decl;
  tree origin = DECL_ABSTRACT_ORIGIN (decl);
  if (!origin || origin == decl || TREE_CODE (origin) != FUNCTION_DECL)
    return NULL_TREE;
  if (DECL_CXX_CONSTRUCTOR_P (decl) || DECL_CXX_DESTRUCTOR_P (decl))
    return NULL_TREE;
  return origin;
}

/* Does DECL get a tracked entry at its label?  Not a clone of an entry
   (.part, .constprop, .isra), which inherits the attribute but is
   called only from inside the object.  */

bool
ulp_tracked_entry_p (tree decl)
{
  return (lookup_attribute (ULP_ENTRY_ATTR, DECL_ATTRIBUTES (decl))
          && !ulp_clone_origin (decl));
}

/* The name of the label behind DECL's tracked entry, where the
   object's own calls enter (xmalloc'ed).  */

char *
ulp_inner_name (tree decl)
{
  const char *name = IDENTIFIER_POINTER (DECL_ASSEMBLER_NAME (decl));
  if (name[0] == '*')
    name++;
  return xasprintf ("%s.ulp_inner", name);
}

/* Is the unit compiled with boundary tracking (shared-object code, or
   -fplugin-arg-ulp-boundary=always)?  */

static bool
tracking_unit_p (void)
{
  return (ulp_opts.boundary != ULP_BOUNDARY_NEVER && !ulp_opts.patch_mode
          && (ulp_opts.boundary == ULP_BOUNDARY_ALWAYS
              || (flag_pic && !flag_pie)));
}

/* Does DECL, defined here, get the global hidden symbol NAME.ulp_inner,
   where the object's calls enter it: past the arming site of its
   tracked entry, or at its label?  Every function other units of the
   object can call directly (one with external linkage) gets it, so
   that a unit calling a hidden function of another unit can call past
   the entry without knowing whether there is one.  A weak definition
   does not: another unit may replace it, and its calls go through its
   label; nor does an inline function or template instance (COMDAT),
   which is never an entry.  */

bool
ulp_inner_symbol_p (tree decl)
{
  return (tracking_unit_p () && TREE_PUBLIC (decl) && !DECL_EXTERNAL (decl)
          && !DECL_WEAK (decl) && !DECL_COMDAT (decl)
          && !DECL_ONE_ONLY (decl) && !DECL_COMDAT_GROUP (decl));
}

/* The callees of other units whose NAME.ulp_inner this unit calls, for
   the fallback definitions ulp_emit_inner_fallbacks prints.  */
static vec<char *> fallback_names;

/* Should a direct call of FN, a function defined in another unit, go
   to FN.ulp_inner?  When FN is declared hidden: it is in the object, so
   compiled with the plugin as a rule, and its unit defines the
   symbol.  */

static bool
cross_unit_inner_p (tree fn)
{
  cgraph_node *node = cgraph_node::get (fn);
  if (node && node->definition)
    return false;
  /* An inline function is COMDAT wherever it is defined, with no
     NAME.ulp_inner: the fallback would only add a jump.  */
  return (tracking_unit_p () && TREE_PUBLIC (fn) && DECL_EXTERNAL (fn)
          && !DECL_WEAK (fn) && !DECL_DECLARED_INLINE_P (fn)
          && (DECL_VISIBILITY (fn) == VISIBILITY_HIDDEN
              || DECL_VISIBILITY (fn) == VISIBILITY_INTERNAL)
          && !fndecl_built_in_p (fn));
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
      tree fn = SYMBOL_REF_DECL (addr);
      tree target = inner_callee (fn);
      if (!target && cross_unit_inner_p (fn))
        {
          target = fn;
          char *name = ulp_inner_name (fn);
          bool known = false;
          for (char *n : fallback_names)
            if (!strcmp (n, name))
              known = true;
          if (known)
            free (name);
          else
            fallback_names.safe_push (name);
        }
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

/* For each FOO.ulp_inner this unit calls in another unit, a weak
   definition that jumps to FOO, in a COMDAT group of its own: the
   definition FOO's unit makes wins, and this one only serves when FOO
   comes from elsewhere (an assembly file, a unit built without the
   plugin).  No type, no record: it is nobody's function.  */

void
ulp_emit_inner_fallbacks (FILE *file)
{
  for (char *name : fallback_names)
    {
      size_t n = strlen (name) - strlen (".ulp_inner");
      fprintf (file,
               "\t.pushsection .text.%s,\"axG\",@progbits,%s,comdat\n"
               "\t.weak %s\n"
               "\t.hidden %s\n"
               "%s:\n"
               "\t.cfi_startproc\n"
               "\tjmp %.*s\n"
               "\t.cfi_endproc\n"
               "\t.popsection\n",
               name, name, name, name, name, (int) n, name);
      free (name);
    }
  fallback_names.truncate (0);
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
    scan_toplevel_asm ();
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
