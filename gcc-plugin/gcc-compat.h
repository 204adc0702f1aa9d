/* gcc-compat.h -- the differences between the GCC versions the ulp
   plugin supports (GCC 11 and 12), in one place.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The rest of the plugin is written against GCC 12's internal API.
   Where an older GCC lacks something or spells it differently, this
   header supplies the GCC 12 form as a small inline function or macro,
   so that the modules carry no version tests of their own.  A plugin
   can only be loaded by the GCC whose headers it was compiled against
   (plugin_default_version_check), so every test here is a compile-time
   one on BUILDING_GCC_MAJOR.  Included by ulp-plugin.h after GCC's
   own headers.  */

#ifndef ULP_GCC_COMPAT_H
#define ULP_GCC_COMPAT_H

#include "bversion.h"
#include "cgraph.h"

#if BUILDING_GCC_MAJOR < 11
# error "the ulp plugin needs GCC 11 or later"
#endif

#if BUILDING_GCC_MAJOR < 12
/* GCC 12 added startswith to system.h.  */
static inline bool
startswith (const char *str, const char *prefix)
{
  return strncmp (str, prefix, strlen (prefix)) == 0;
}
#endif

/* A copy of NODE's body as a new local function named
   <NODE's assembler name>.SUFFIX, without a number: ulp-split.cc makes
   at most one per function, and the tools find the body by that exact
   name.  GCC 12 asks for the plain name with version_decl = false;
   GCC 11 always numbers clones (".SUFFIX.0"), so the copy is renamed
   while it is still unreferenced.  */

static inline cgraph_node *
ulp_version_clone_with_body (cgraph_node *node, const char *suffix)
{
#if BUILDING_GCC_MAJOR >= 12
  return node->create_version_clone_with_body (vNULL, NULL, NULL, NULL, NULL,
                                               suffix, NULL_TREE, false);
#else
  cgraph_node *copy
    = node->create_version_clone_with_body (vNULL, NULL, NULL, NULL, NULL,
                                            suffix);
  if (copy)
    {
      tree name = clone_function_name (node->decl, suffix);
      DECL_NAME (copy->decl) = name;
      symtab->change_decl_assembler_name (copy->decl, name);
    }
  return copy;
#endif
}

#endif /* ULP_GCC_COMPAT_H */
