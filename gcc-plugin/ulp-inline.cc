/* ulp-inline.cc -- remember which functions were inlined into which.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-mkpatch must patch every function that contains a copy of a
   changed one, so each record lists the functions inlined into it.
   Every inlined call leaves a BLOCK whose abstract origin is the
   inlined function, but GCC prunes such a block once no statement
   refers to it: an inlined body that folds away to a constant leaves no
   trace by the time the function is printed, although the caller still
   depends on it.  So the BLOCK tree is read three times and the results
   are merged: right after early inlining (einline), right after the IPA
   inliner's bodies are materialised (the first pass after IPA), and by
   the entry pass before final releases the tree.  Functions are keyed
   by DECL_UID, which is never reused, and names are copied, because the
   garbage collector may free both decls and identifiers meanwhile.  */

#include "ulp-plugin.h"
#include "tree-pass.h"
#include "context.h"
#include "function.h"
#include "hash-map.h"

typedef hash_map<int_hash<int, -1, -2>, vec<const char *> > inline_map;

static inline_map *inlined_into;
/* Our own copy of each name, so equal names are equal pointers.  */
static hash_map<nofree_string_hash, const char *> *interned_names;

static const char *
intern (const char *name)
{
  if (!interned_names)
    interned_names = new hash_map<nofree_string_hash, const char *>;
  if (const char **known = interned_names->get (name))
    return *known;
  const char *copy = xstrdup (name);
  interned_names->put (copy, copy);
  return copy;
}

static void
add_name (vec<const char *> *names, const char *name)
{
  name = intern (name[0] == '*' ? name + 1 : name);
  unsigned i;
  const char *known;
  FOR_EACH_VEC_ELT (*names, i, known)
    if (known == name)
      return;
  names->safe_push (name);
}

/* Add to NAMES the functions whose inlined bodies have a block in the
   chain starting at BLOCK or below it.  */

static void
walk_blocks (tree block, vec<const char *> *names)
{
  for (; block; block = BLOCK_CHAIN (block))
    {
      if (inlined_function_outer_scope_p (block))
        {
          tree origin = BLOCK_ABSTRACT_ORIGIN (block);
          while (origin && TREE_CODE (origin) == BLOCK)
            origin = BLOCK_ABSTRACT_ORIGIN (origin);
          if (origin && TREE_CODE (origin) == FUNCTION_DECL)
            add_name (names,
                      IDENTIFIER_POINTER (DECL_ASSEMBLER_NAME (origin)));
        }
      walk_blocks (BLOCK_SUBBLOCKS (block), names);
    }
}

static void
note_inlined (tree decl)
{
  if (!DECL_INITIAL (decl) || TREE_CODE (DECL_INITIAL (decl)) != BLOCK)
    return;
  if (!inlined_into)
    inlined_into = new inline_map;
  bool existed;
  vec<const char *> &names = inlined_into->get_or_insert (DECL_UID (decl),
                                                          &existed);
  if (!existed)
    names = vNULL;
  walk_blocks (DECL_INITIAL (decl), &names);
}

/* The functions inlined into DECL, in the order first seen.  Called by
   the entry pass, while DECL's BLOCK tree still exists.  */

void
ulp_collect_inlined (tree decl, vec<const char *> *names)
{
  if (inlined_into)
    if (vec<const char *> *seen = inlined_into->get (DECL_UID (decl)))
      {
        unsigned i;
        const char *name;
        FOR_EACH_VEC_ELT (*seen, i, name)
          names->safe_push (name);
      }
  if (DECL_INITIAL (decl) && TREE_CODE (DECL_INITIAL (decl)) == BLOCK)
    walk_blocks (DECL_INITIAL (decl), names);
}

namespace {

const pass_data inline_pass_data = {
  GIMPLE_PASS,   /* type */
  "ulp_inline",  /* name */
  OPTGROUP_NONE, /* optinfo_flags */
  TV_NONE,       /* tv_id */
  0,             /* properties_required */
  0,             /* properties_provided */
  0,             /* properties_destroyed */
  0,             /* todo_flags_start */
  0,             /* todo_flags_finish */
};

class inline_pass : public gimple_opt_pass
{
public:
  inline_pass (gcc::context *ctxt) : gimple_opt_pass (inline_pass_data, ctxt)
  {
  }

  /* One instance follows every fixup_cfg.  */
  opt_pass *
  clone () final override
  {
    return new inline_pass (m_ctxt);
  }

  unsigned int
  execute (function *) final override
  {
    note_inlined (current_function_decl);
    return 0;
  }
};

} // anonymous namespace

opt_pass *
ulp_make_inline_pass (gcc::context *ctxt)
{
  return new inline_pass (ctxt);
}
