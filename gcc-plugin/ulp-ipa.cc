/* ulp-ipa.cc -- keep callers independent of their callees' bodies.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A live patch may replace any function.  Some interprocedural
   optimisations let a caller rely on what the callee's current body
   does: IPA register allocation lets a caller keep values in registers
   the callee happens not to clobber (a new body, or the detour's use of
   %r11, would corrupt them); pure/const and modref discovery let it
   merge or drop calls and assume memory is untouched; identical code
   folding makes two functions one, so patching one patches both;
   IPA-SRA, ipa-vrp, ipa-bit-cp, ipa-reference and ipa-pta let the
   callee or the caller assume facts about the other; stack alignment
   propagation lets a callee assume an alignment its callers provide.

   This is the set GCC's -flive-patching=inline-clone switches off (plus
   IPA-SRA); inlining and cloning remain, because the metadata records
   them and ulp-mkpatch patches every function that contains a changed
   one.  Setting the flags from plugin_init takes effect because GCC
   builds the default optimisation node after plugins are initialised.
   Functions with their own optimize attribute or pragma carry a
   separate option node, fixed up before the IPA passes run.  */

#include "ulp-plugin.h"
#include "cgraph.h"
#include "options.h"

/* Clear the unsafe flags in OPTS: the global options (struct
   gcc_options) or one function's (struct cl_optimization), which name
   the flags alike.  */

template <typename options>
static void
clear_unsafe_flags (options *opts)
{
  opts->x_flag_ipa_ra = 0;
  opts->x_flag_ipa_icf = 0;
  opts->x_flag_ipa_icf_functions = 0;
  opts->x_flag_ipa_icf_variables = 0;
  opts->x_flag_ipa_modref = 0;
  opts->x_flag_ipa_pure_const = 0;
  opts->x_flag_ipa_stack_alignment = 0;
  opts->x_flag_ipa_vrp = 0;
  opts->x_flag_ipa_bit_cp = 0;
  opts->x_flag_ipa_reference = 0;
  opts->x_flag_ipa_reference_addressable = 0;
  opts->x_flag_ipa_pta = 0;
}

void
ulp_disable_unsafe_ipa (void)
{
  clear_unsafe_flags (&global_options);
}

/* PLUGIN_ALL_IPA_PASSES_START: functions compiled with their own
   optimisation options (attribute optimize, #pragma GCC optimize) may
   have turned some of the flags back on.  */

void
ulp_disable_unsafe_ipa_per_function (void *, void *)
{
  cgraph_node *node;
  FOR_EACH_FUNCTION (node)
    {
      tree opts = DECL_FUNCTION_SPECIFIC_OPTIMIZATION (node->decl);
      if (!opts)
        continue;
      clear_unsafe_flags (TREE_OPTIMIZATION (opts));
    }
}
