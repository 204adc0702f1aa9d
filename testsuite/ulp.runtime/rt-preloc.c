/* rt-preloc.c -- a live patch whose code refers to the target's statics
   through relocation entries, as ulp-mkpatch writes them.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   rt_calls is replaced by hand-written code that reads the library's
   static variable `calls' through a PC-relative load (R_X86_64_PC32,
   addend -4), rt_g by code that calls the library's static f_impl
   (R_X86_64_PLT32), and rt_f by C code that updates `calls' through a
   pointer filled by an R_X86_64_64 entry.  The runtime writes those
   places, code included, before the patch can run.  */

#include <ulp-patch.h>

ULP_PATCH_TARGET (RT_SONAME, RT_BUILD_ID);
ULP_PATCH_INFO ("reloc", "relocations");

/* kind 6: A the place, B the symbol, C the unit, FLAGS the type,
   RESERVED the addend.  */
#define RT_RELOC(place, sym, unit, type, addend)                          \
  __asm__ (".pushsection .ulp_patch,\"a\",@progbits\n\t.balign 4\n\t"     \
           ".long 6\n\t.long " place " - .\n\t"                           \
           ULP_PATCH__STRREF (1, sym) "\n\t" unit "\n\t"                  \
           ".long " #type ", " #addend "\n\t.popsection")

__asm__ (".text\n\t"
         ".p2align 4\n\t"
         ".globl calls_v2\n\t.hidden calls_v2\n\t"
         ".type calls_v2, @function\n"
         "calls_v2:\n\t"
         ".cfi_startproc\n\t"
         "endbr64\n"
         ".Lcalls_load:\n\t"
         "movl 0(%rip), %eax\n\t"     /* 8b 05 disp32: the place is +2.  */
         "addl $1000, %eax\n\t"
         "ret\n\t"
         ".cfi_endproc\n\t"
         ".size calls_v2, .-calls_v2\n\t"
         ".p2align 4\n\t"
         ".globl g_v2\n\t.hidden g_v2\n\t"
         ".type g_v2, @function\n"
         "g_v2:\n\t"
         ".cfi_startproc\n\t"
         "endbr64\n\t"
         "subq $8, %rsp\n\t"
         ".cfi_def_cfa_offset 16\n"
         ".Lg_call:\n\t"
         "call .\n\t"                 /* e8 rel32: the place is +1.  */
         "addl $1000, %eax\n\t"
         "addq $8, %rsp\n\t"
         ".cfi_def_cfa_offset 8\n\t"
         "ret\n\t"
         ".cfi_endproc\n\t"
         ".size g_v2, .-g_v2");

RT_RELOC (".Lcalls_load + 2", "calls", ".long 0", 2, -4);
RT_RELOC (".Lg_call + 1", "f_impl", ULP_PATCH__STRREF (2, "rt-lib.c"), 4,
          -4);
ULP_PATCH__ENTRY (2, ".long calls_v2 - .", ULP_PATCH__STRREF (1, "rt_calls"),
                  ULP_PATCH__NOREF);
ULP_PATCH__ENTRY (2, ".long g_v2 - .", ULP_PATCH__STRREF (1, "rt_g"),
                  ULP_PATCH__NOREF);

static int *calls_ptr __attribute__ ((used));
RT_RELOC ("calls_ptr", "calls", ".long 0", 1, 0);

int f_v2 (void) __attribute__ ((ulp_replace ("rt_f")));

int
f_v2 (void)
{
  (*calls_ptr) += 10;
  return 3000;
}
