/* ulp-lto.cc -- no silently unpatchable objects under -flto.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   With -flto, cc1 writes GIMPLE for the link step and emits no code;
   the code, and with it the patchable entries and records, is made by
   lto1 at link time, which runs the plugin only if -fplugin is on the
   link line.  Nothing at compile time can know whether it will be, so
   each unit compiled for LTO leaves a marker that the linker script
   checks:

   - cc1 with -flto adds a top-level asm statement, which travels in
     the LTO stream and comes out of lto1 whatever plugins it runs,
     defining the hidden absolute symbol __ulp_lto_compiled;
   - lto1 running the plugin defines __ulp_lto_instrumented, and so
     does cc1 in the non-LTO half of a -ffat-lto-objects object (its
     real symbols are discarded whenever the LTO half is used);
   - ulp.ld asserts that the second is defined whenever the first is,
     with a message that says what to add to the link line.

   Symbols are weak, so any number of units may define them.  Raw
   assembly is never printed into a slim LTO object: it would define
   real symbols in an object the linker plugin replaces.  */

#include "ulp-plugin.h"
#include "cgraph.h"
#include "output.h"
#include "flags.h"
#include "options.h"
#include "stringpool.h"

static const char compiled_marker[]
  = "\t.weak __ulp_lto_compiled\n"
    "\t.hidden __ulp_lto_compiled\n"
    "\t.set __ulp_lto_compiled, 1";

static const char instrumented_marker[]
  = "\t.weak __ulp_lto_instrumented\n"
    "\t.hidden __ulp_lto_instrumented\n"
    "\t.set __ulp_lto_instrumented, 1\n";

/* PLUGIN_ALL_IPA_PASSES_START: before the unit is streamed.  */

void
ulp_lto_mark_unit (void *, void *)
{
  static bool marked;
  if (marked || in_lto_p || !flag_generate_lto)
    return;
  marked = true;
  symtab->finalize_toplevel_asm (build_string (sizeof compiled_marker - 1,
                                               compiled_marker));
}

/* PLUGIN_FINISH_UNIT.  */

void
ulp_lto_finish_unit (void *, void *)
{
  if (!asm_out_file || flag_wpa)
    return;
  bool lto_code = in_lto_p;
  bool fat_code = flag_generate_lto && flag_fat_lto_objects;
  if (lto_code || fat_code)
    fputs (instrumented_marker, asm_out_file);
}
