/* fi-patch.c -- the live patches of fi-lib.c (inject.exp).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   One source for every patch: FI_NAME and FI_VERSION name it, and each
   of FI_A ... FI_E that is defined replaces fa ... fe by a function
   returning that number.  Every patch has two relocations (R_X86_64_64,
   into its data), of the library's `scale' and `bias', which the
   replacements read: the runtime writes both before it publishes any
   replacement, so a patch that runs at all has them.  RT_SONAME and
   RT_BUILD_ID name the target (ulp_rt_patch).  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_PATCH_INFO_VERSION (FI_NAME, "fault injection", FI_VERSION);

/* kind 6: A the place, B the symbol, C the unit, FLAGS the type,
   RESERVED the addend (see rt-preloc.c).  */
#define FI_RELOC(place, sym)                                            \
  __asm__ (".pushsection .ulp_patch,\"a\",@progbits\n\t.balign 4\n\t"   \
           ".long 6\n\t.long " place " - .\n\t"                         \
           ULP_PATCH__STRREF (1, sym) "\n\t.long 0\n\t"                 \
           ".long 1, 0\n\t.popsection")

static int *scale_ptr __attribute__ ((used));
static int *bias_ptr __attribute__ ((used));
FI_RELOC ("scale_ptr", "scale");
FI_RELOC ("bias_ptr", "bias");

#define FI_NEW(name, old, value)                                        \
  int name (void) __attribute__ ((ulp_replace (old, "fi-lib.c")));      \
  int name (void)                                                       \
  {                                                                     \
    return (value) * *scale_ptr + *bias_ptr;                            \
  }

#ifdef FI_A
FI_NEW (fa_new, "fa", FI_A)
#endif
#ifdef FI_B
FI_NEW (fb_new, "fb", FI_B)
#endif
#ifdef FI_C
FI_NEW (fc_new, "fc", FI_C)
#endif
#ifdef FI_D
FI_NEW (fd_new, "fd", FI_D)
#endif
#ifdef FI_E
FI_NEW (fe_new, "fe", FI_E)
#endif
