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

#endif /* ULP_GCC_COMPAT_H */
