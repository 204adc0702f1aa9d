/* fuzz-mkpatch.c -- libFuzzer harness for ulp-mkpatch's object reader.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every input is read as ulp-mkpatch's load phase reads its inputs
   (tools/mkpatch/mkpatch-load.c, included here for its static functions): as
   ORIG and PATCHED object files (sections, symbols, relocations, COMDAT
   groups, records) and as the --target object (build-id, TLS segment,
   ULP note, dynamic section, symbol tables, GOT relocations).  One of
   the two usually refuses the file's type; the other reads it all.
   Only the load phase and mkpatch-util.c are linked in, so the harness
   frees what the load phase made itself.  */

#include "../tools/mkpatch/mkpatch-load.c"
#include "fuzz-input.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* ulp-mkpatch.c, not linked in, shows the load phase's progress on a
   terminal; weak, so that linking that file too would still work.  */
__attribute__ ((weak)) void
mk_progress (const char *phase, size_t done, size_t total)
{
  (void) phase;
  (void) done;
  (void) total;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_input_path (data, size);
  struct mk_ctx ctx;
  memset (&ctx, 0, sizeof ctx);
  ctx.opt.orig = ctx.opt.patched = ctx.opt.target = path;
  /* Both objects, as ulp-mkpatch holds them at once.  */
  struct mk_object *o = load_object (path, "fuzz.o", true);
  struct mk_object *p = o ? load_object (path, "fuzz.o", false) : NULL;
  if (load_target (&ctx))
    {
      /* Look every name up again, as the later phases do.  */
      const struct ulp_func *f = ulp_elf_funcs (ctx.target.ue);
      volatile size_t found = 0;
      for (size_t i = 0; i < ulp_elf_nfuncs (ctx.target.ue); i++)
        found += mk_target_lookup (&ctx.target, f[i].name, f[i].unit,
                                   !(f[i].flags & ULP_F_GLOBAL)) != NULL;
    }
  mk_target_free (&ctx.target);
  if (p)
    drop_object (p);
  if (o)
    drop_object (o);
  return 0;
}
