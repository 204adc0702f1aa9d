/* ulp-plugin.cc -- the ulp GCC plugin: make code live-patchable.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Load with -fplugin=ulp.so (or -specs=ulp.specs, which also adds the
   linker script).  For every function GCC emits, the plugin gives it a
   patchable entry (ulp-entry.cc) and a metadata record
   (ulp-records.cc); it switches off the interprocedural optimisations
   that would make callers depend on a callee's body (ulp-ipa.cc) and
   makes an -flto build without the plugin on the link line fail at link
   time (ulp-lto.cc).  This file reads the plugin's arguments and wires
   the pieces into GCC.

   Arguments:
     -fplugin-arg-ulp-exclude=NAME[,NAME...]  functions (source or
        assembler names) to leave without a patchable entry
     -fplugin-arg-ulp-boundary=auto|always|never  which functions track
        the thread's universe on entry (auto: exported functions of
        shared-object code)
     -fplugin-arg-ulp-tls=initial-exec|desc|dynamic  how a shared
        object's boundary state is reached (see ulp-boundary.cc)
     -fplugin-arg-ulp-patch                   compile a live patch
     -fplugin-arg-ulp-verbose                 a note per function
   Attributes:
     __attribute__ ((ulp_exclude))  leave this function without a
        patchable entry (it still gets a record saying so).
     __attribute__ ((ulp_replace ("name"[, "unit"])))  in a live patch,
        this function replaces the target's function NAME.  Sources
        that must also build without the plugin can test for it with
        __has_attribute (ulp_exclude).  */

#include "ulp-plugin.h"
#include "plugin-version.h"
#include "tree-pass.h"
#include "context.h"
#include "diagnostic-core.h"
#include "stringpool.h"
#include "attribs.h"

#ifndef ULP_VERSION
#define ULP_VERSION "unknown"
#endif

int plugin_is_GPL_compatible;

ulp_options ulp_opts;

static const char plugin_help[]
  = "Makes every function live-patchable: a 6-byte pre-entry area and a "
    "2-byte NOP entry, a record in the .ulp_meta section, and no IPA "
    "optimisation that lets a caller depend on a callee's body.\n"
    "  -fplugin-arg-ulp-exclude=NAME[,NAME...]  leave these functions "
    "without a patchable entry\n"
    "  -fplugin-arg-ulp-boundary=auto|always|never  track entries into "
    "the object (auto: exported functions of shared-object code)\n"
    "  -fplugin-arg-ulp-tls=initial-exec|desc|dynamic  TLS access of "
    "the boundary state in shared objects (default: initial-exec)\n"
    "  -fplugin-arg-ulp-interposition=narrow|full  the object's own calls "
    "of its exported functions bind locally (narrow) or keep their entries\n"
    "  -fplugin-arg-ulp-arming=lazy|eager  tracked entries start unarmed "
    "until the runtime arms the object (lazy), or track from the start\n"
    "  -fplugin-arg-ulp-entry=fused|nop  a function's first instruction is "
    "its patchable entry where it can be (fused), or a 2-byte NOP always\n"
    "  -fplugin-arg-ulp-patch                   compile a live patch\n"
    "  -fplugin-arg-ulp-verbose                 report each function\n"
    "  __attribute__ ((ulp_exclude))            leave a function without a "
    "patchable entry\n"
    "  __attribute__ ((ulp_replace (\"name\"[, \"unit\"])))  in a patch, "
    "replace the target's function NAME\n"
    "Link with ulp.ld (-specs=ulp.specs does both); with -flto the "
    "plugin must be on the link line too.";

static struct plugin_info ulp_plugin_info = { ULP_VERSION, plugin_help };

static tree
handle_ulp_exclude (tree *node, tree name, tree, int, bool *no_add_attrs)
{
  if (TREE_CODE (*node) != FUNCTION_DECL)
    {
      warning (OPT_Wattributes, "%qE attribute only applies to functions",
               name);
      *no_add_attrs = true;
    }
  return NULL_TREE;
}

static const struct attribute_spec ulp_exclude_attribute = {
  "ulp_exclude", 0, 0, true, false, false, false, handle_ulp_exclude, NULL
};

/* ulp_replace ("name"[, "unit"]): only in patch mode, on a function
   definition; the function is kept even if nothing calls it.  */

static tree
handle_ulp_replace (tree *node, tree name, tree args, int, bool *no_add_attrs)
{
  if (TREE_CODE (*node) != FUNCTION_DECL)
    {
      warning (OPT_Wattributes, "%qE attribute only applies to functions",
               name);
      *no_add_attrs = true;
      return NULL_TREE;
    }
  for (tree arg = args; arg; arg = TREE_CHAIN (arg))
    if (TREE_CODE (TREE_VALUE (arg)) != STRING_CST)
      {
        error ("%qE attribute arguments must be string constants", name);
        *no_add_attrs = true;
        return NULL_TREE;
      }
  if (!ulp_opts.patch_mode)
    {
      error ("%qE attribute needs %<-fplugin-arg-ulp-patch%>", name);
      *no_add_attrs = true;
      return NULL_TREE;
    }
  DECL_PRESERVE_P (*node) = 1;
  TREE_USED (*node) = 1;
  return NULL_TREE;
}

static const struct attribute_spec ulp_replace_attribute = {
  "ulp_replace", 1, 2, true, false, false, false, handle_ulp_replace, NULL
};

static void
register_attributes (void *, void *)
{
  register_attribute (&ulp_exclude_attribute);
  register_attribute (&ulp_replace_attribute);
}

/* Parse -fplugin-arg-ulp-KEY[=VALUE].  False on an unknown argument.  */

static bool
parse_arguments (const char *plugin_name, int argc,
                 const struct plugin_argument *argv)
{
  /* A library nobody patched pays nothing per call into it for the
     tracking; the runtime or ulp-apply arms it when needed (manual:
     "Universes").  */
  ulp_opts.lazy_arming = true;
  /* The first instruction is the entry where it can be: no NOP to run
     (manual: "Layout").  */
  ulp_opts.fused_entry = true;
  for (int i = 0; i < argc; i++)
    {
      const char *key = argv[i].key, *value = argv[i].value;
      if (strcmp (key, "exclude") == 0 && value && *value)
        {
          char *names = xstrdup (value);
          for (char *name = strtok (names, ","); name;
               name = strtok (NULL, ","))
            ulp_opts.excluded.safe_push (name);
        }
      else if (strcmp (key, "verbose") == 0 && !value)
        ulp_opts.verbose = true;
      else if (strcmp (key, "interposition") == 0 && value
               && (!strcmp (value, "full") || !strcmp (value, "narrow")))
        ulp_opts.full_interposition = !strcmp (value, "full");
      else if (strcmp (key, "patch") == 0 && !value)
        ulp_opts.patch_mode = true;
      else if (strcmp (key, "arming") == 0 && value
               && (!strcmp (value, "lazy") || !strcmp (value, "eager")))
        ulp_opts.lazy_arming = !strcmp (value, "lazy");
      else if (strcmp (key, "entry") == 0 && value
               && (!strcmp (value, "fused") || !strcmp (value, "nop")))
        ulp_opts.fused_entry = !strcmp (value, "fused");
      else if (strcmp (key, "boundary") == 0 && value
               && (!strcmp (value, "auto") || !strcmp (value, "always")
                   || !strcmp (value, "never")))
        ulp_opts.boundary = (!strcmp (value, "auto") ? ULP_BOUNDARY_AUTO
                             : !strcmp (value, "always")
                               ? ULP_BOUNDARY_ALWAYS
                               : ULP_BOUNDARY_NEVER);
      else if (strcmp (key, "tls") == 0 && value
               && (!strcmp (value, "desc") || !strcmp (value, "initial-exec")
                   || !strcmp (value, "dynamic")))
        ulp_opts.tls = (!strcmp (value, "desc") ? ULP_TLS_DESC
                        : !strcmp (value, "dynamic") ? ULP_TLS_DYNAMIC
                        : ULP_TLS_INITIAL_EXEC);
      else
        {
          error ("%s: unknown argument %<-fplugin-arg-%s-%s%s%s%>; known "
                 "are %<exclude=NAME[,NAME...]%>, "
                 "%<boundary=auto|always|never%>, "
                 "%<tls=initial-exec|desc|dynamic%>, "
                 "%<interposition=narrow|full%>, %<arming=eager|lazy%>, "
                 "%<entry=fused|nop%>, %<patch%> and %<verbose%>",
                 plugin_name, plugin_name, key, value ? "=" : "",
                 value ? value : "");
          return false;
        }
    }
  return true;
}

static void
register_pass_at (opt_pass *pass, const char *reference, int instance,
                  enum pass_positioning_ops where, const char *plugin_name)
{
  struct register_pass_info info;
  info.pass = pass;
  info.reference_pass_name = reference;
  info.ref_pass_instance_number = instance;
  info.pos_op = where;
  register_callback (plugin_name, PLUGIN_PASS_MANAGER_SETUP, NULL, &info);
}

int
plugin_init (struct plugin_name_args *plugin_info,
             struct plugin_gcc_version *version)
{
  const char *name = plugin_info->base_name;

  if (!plugin_default_version_check (version, &gcc_version))
    {
      error ("%s: built for GCC %s, but this is GCC %s; rebuild ulp with "
             "this compiler",
             name, gcc_version.basever, version->basever);
      return 1;
    }
  if (!parse_arguments (name, plugin_info->argc, plugin_info->argv))
    return 1;

  register_callback (name, PLUGIN_INFO, NULL, &ulp_plugin_info);
  register_callback (name, PLUGIN_ATTRIBUTES, register_attributes, NULL);

  ulp_disable_unsafe_ipa ();
  /* One section per function and per data object, whatever the
     command line says: ulp-mkpatch compares and copies code and data
     section by section, as kpatch does, and --gc-sections can then drop
     unused functions with their records.  */
  flag_function_sections = 1;
  flag_data_sections = 1;
  /* Record the options in each object (.GCC.command.line), so that
     ulp-mkpatch can refuse to diff objects built with different ones;
     unless the user said -fno-record-gcc-switches.  */
  if (!global_options_set.x_flag_record_gcc_switches)
    flag_record_gcc_switches = 1;
  register_callback (name, PLUGIN_ALL_IPA_PASSES_START,
                     ulp_disable_unsafe_ipa_per_function, NULL);
  register_callback (name, PLUGIN_ALL_IPA_PASSES_START, ulp_lto_mark_unit,
                     NULL);
  register_callback (name, PLUGIN_FINISH_UNIT, ulp_lto_finish_unit, NULL);
  register_callback (name, PLUGIN_FINISH_UNIT, ulp_finish_unit, NULL);
  register_callback (name, PLUGIN_PRE_GENERICIZE, ulp_instrument_boundary,
                     NULL);
  ulp_choose_tls_dialect ();

  /* The entry goes in after x86 has inserted endbr64 (the pass right
     before branch shortening) and before lengths are computed; the
     record is written once final has printed the function.  */
  register_pass_at (ulp_make_entry_pass (g), "shorten", 1,
                    PASS_POS_INSERT_BEFORE, name);
  /* Entries are decided once the unit's aliases are known and
     visibility decided, before anything is inlined.  */
  register_pass_at (ulp_make_exported_pass (g), "visibility", 1,
                    PASS_POS_INSERT_AFTER, name);
  register_pass_at (ulp_make_record_pass (g), "final", 1,
                    PASS_POS_INSERT_AFTER, name);
  /* Inline facts are read right after early inlining and right after
     the IPA inliner's decisions are applied, before folding can erase
     their traces.  The first pass after IPA is a fixup_cfg; instance
     numbers are not known yet when plugins register, so the (cheap)
     walk follows every fixup_cfg.  */
  register_pass_at (ulp_make_inline_pass (g), "einline", 1,
                    PASS_POS_INSERT_AFTER, name);
  register_pass_at (ulp_make_inline_pass (g), "fixup_cfg", 0,
                    PASS_POS_INSERT_AFTER, name);
  ulp_install_entry_hooks ();
  return 0;
}
