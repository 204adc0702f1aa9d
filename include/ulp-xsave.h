/* ulp-xsave.h -- the assembly text that saves and restores the whole
   vector state in the trampolines ulp writes into other objects.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Two register-preserving trampolines call C code on a path where the
   interrupted code may still need every vector register: the plugin's
   __ulp_slow (ulp-boundary.cc, in every live-patchable object), which
   runs at a thread's first entry into an object and when it migrates
   to a new universe, and the TLS-descriptor resolver ulp-mkpatch writes
   into patches (mkpatch-write.c), which calls __tls_get_addr.  What they
   call may reach glibc's AVX string functions, which end with
   vzeroupper, or glibc's own TLS allocation, which clobbers vector
   registers (glibc bug 31372): saving xmm0-15 would leave the upper
   halves of __m256 and __m512 arguments, and zmm16-31 and the opmask
   registers, unprotected.  So they save the whole state the CPU has
   enabled with XSAVE, as the dynamic loader's lazy-binding trampoline
   and the runtime's slow-stub.S do, and fall back to SSE moves of
   xmm0-15 on a CPU without XSAVE.

   Both trampolines are emitted as assembly text by C and C++ programs
   (the plugin at compile time, ulp-mkpatch when it writes a patch), so
   the one copy of the sequence is this header of string literals that
   both include.  The runtime's slow-stub.S is assembled instead, and
   the runtime works the size out once at start-up in C (stubs.c); an
   object or a patch has no initialiser to do that, so the sequence
   here does it itself on first use and keeps the answer in a 16-byte
   cache of the emitting object: the save area's size (0: not known
   yet, 1: no XSAVE) and the XSAVE feature mask.  Threads racing to fill
   it store the same values, the mask before the size (x86 keeps stores
   in order).

   The mask is XCR0 & 0xe7: x87, SSE, AVX, and AVX-512's opmask, upper
   ZMM halves and ZMM16-31 -- every state that can hold an argument.
   Not AMX tiles: never arguments, and 8 KB.  The size is the end of
   the furthest of those components in XSAVE's standard format (CPUID
   leaf 0xD), rounded up to 64 bytes.

   Usage, with CACHE the cache's symbol as a string literal:

     ULP_XSAVE_SAVE (CACHE)
       Reserves a 64-byte aligned area below %rsp and saves the vector
       state in it, leaving %rsp at its start (so %rsp is 16-byte
       aligned for a call).  The caller must have set up %rbp as its
       frame pointer (the area is given back with a move from %rbp) and
       saved what it needs of %rax %rcx %rdx %r8 %r9 %r10 %r11, which
       this uses.  %rbx is kept (in %r11 around CPUID, which the CFI
       says).

     ULP_XSAVE_RESTORE (CACHE)
       Restores the state from the area at %rsp; uses %rax and %rdx.

   Numeric labels 70 to 79 are used; the flags are clobbered.  */

#ifndef ULP_XSAVE_H
#define ULP_XSAVE_H

#define ULP_XSAVE_CACHE_SIZE 16

#define ULP_XSAVE_SAVE(cache)                                            \
  "\tmovq " cache "(%rip), %rax\n"                                       \
  "\ttestq %rax, %rax\n"                                                 \
  "\tjnz 71f\n"                                                          \
  /* First use: probe.  CPUID overwrites %rbx.  */                      \
  "\tmovq %rbx, %r11\n"                                                  \
  "\t.cfi_register %rbx, %r11\n"                                         \
  "\tmovl $1, %eax\n"                                                    \
  "\tcpuid\n"                                                            \
  "\tmovl $1, %r8d\n"                                                    \
  /* XSAVE (bit 26) supported and enabled by the OS (OSXSAVE, 27).  */  \
  "\tandl $0x0c000000, %ecx\n"                                           \
  "\tcmpl $0x0c000000, %ecx\n"                                           \
  "\tjne 70f\n"                                                          \
  "\txorl %ecx, %ecx\n"                                                  \
  "\txgetbv\n"                                                           \
  "\tandl $0xe7, %eax\n"                                                 \
  "\tmovl %eax, %r10d\n"                                                 \
  "\tmovq %r10, " cache "+8(%rip)\n"                                     \
  /* The legacy area and the header: 576 bytes.  */                     \
  "\tmovl $576, %r8d\n"                                                  \
  "\tmovl $2, %r9d\n"                                                    \
  "72:\n"                                                                \
  "\tbtl %r9d, %r10d\n"                                                  \
  "\tjnc 73f\n"                                                          \
  "\tmovl $0xd, %eax\n"                                                  \
  "\tmovl %r9d, %ecx\n"                                                  \
  "\tcpuid\n"                                                            \
  /* %eax: the component's size, %ebx: its offset.  */                  \
  "\taddl %ebx, %eax\n"                                                  \
  "\tcmpl %r8d, %eax\n"                                                  \
  "\tcmova %eax, %r8d\n"                                                 \
  "73:\n"                                                                \
  "\taddl $1, %r9d\n"                                                    \
  "\tcmpl $8, %r9d\n"                                                    \
  "\tjb 72b\n"                                                           \
  "\taddl $63, %r8d\n"                                                   \
  "\tandl $-64, %r8d\n"                                                  \
  "70:\n"                                                                \
  "\tmovq %r11, %rbx\n"                                                  \
  "\t.cfi_restore %rbx\n"                                                \
  "\tmovq %r8, " cache "(%rip)\n"                                        \
  "\tmovq %r8, %rax\n"                                                   \
  "71:\n"                                                                \
  "\tandq $-64, %rsp\n"                                                  \
  "\tcmpq $1, %rax\n"                                                    \
  "\tje 74f\n"                                                           \
  "\tsubq %rax, %rsp\n"                                                  \
  /* XRSTOR faults on nonzero reserved header bytes, which XSAVE does   \
     not write: clear the header.  */                                   \
  "\txorl %eax, %eax\n"                                                  \
  "\tmovq %rax, 512(%rsp)\n\tmovq %rax, 520(%rsp)\n"                     \
  "\tmovq %rax, 528(%rsp)\n\tmovq %rax, 536(%rsp)\n"                     \
  "\tmovq %rax, 544(%rsp)\n\tmovq %rax, 552(%rsp)\n"                     \
  "\tmovq %rax, 560(%rsp)\n\tmovq %rax, 568(%rsp)\n"                     \
  "\tmovl " cache "+8(%rip), %eax\n"                                     \
  "\tmovl " cache "+12(%rip), %edx\n"                                    \
  "\txsave64 (%rsp)\n"                                                   \
  "\tjmp 75f\n"                                                          \
  "74:\n"                                                                \
  "\tsubq $256, %rsp\n"                                                  \
  "\tmovdqa %xmm0, 0(%rsp)\n\tmovdqa %xmm1, 16(%rsp)\n"                  \
  "\tmovdqa %xmm2, 32(%rsp)\n\tmovdqa %xmm3, 48(%rsp)\n"                 \
  "\tmovdqa %xmm4, 64(%rsp)\n\tmovdqa %xmm5, 80(%rsp)\n"                 \
  "\tmovdqa %xmm6, 96(%rsp)\n\tmovdqa %xmm7, 112(%rsp)\n"                \
  "\tmovdqa %xmm8, 128(%rsp)\n\tmovdqa %xmm9, 144(%rsp)\n"               \
  "\tmovdqa %xmm10, 160(%rsp)\n\tmovdqa %xmm11, 176(%rsp)\n"             \
  "\tmovdqa %xmm12, 192(%rsp)\n\tmovdqa %xmm13, 208(%rsp)\n"             \
  "\tmovdqa %xmm14, 224(%rsp)\n\tmovdqa %xmm15, 240(%rsp)\n"             \
  "75:\n"

#define ULP_XSAVE_RESTORE(cache)                                         \
  "\tcmpq $1, " cache "(%rip)\n"                                         \
  "\tje 76f\n"                                                           \
  "\tmovl " cache "+8(%rip), %eax\n"                                     \
  "\tmovl " cache "+12(%rip), %edx\n"                                    \
  "\txrstor64 (%rsp)\n"                                                  \
  "\tjmp 77f\n"                                                          \
  "76:\n"                                                                \
  "\tmovdqa 0(%rsp), %xmm0\n\tmovdqa 16(%rsp), %xmm1\n"                  \
  "\tmovdqa 32(%rsp), %xmm2\n\tmovdqa 48(%rsp), %xmm3\n"                 \
  "\tmovdqa 64(%rsp), %xmm4\n\tmovdqa 80(%rsp), %xmm5\n"                 \
  "\tmovdqa 96(%rsp), %xmm6\n\tmovdqa 112(%rsp), %xmm7\n"                \
  "\tmovdqa 128(%rsp), %xmm8\n\tmovdqa 144(%rsp), %xmm9\n"               \
  "\tmovdqa 160(%rsp), %xmm10\n\tmovdqa 176(%rsp), %xmm11\n"             \
  "\tmovdqa 192(%rsp), %xmm12\n\tmovdqa 208(%rsp), %xmm13\n"             \
  "\tmovdqa 224(%rsp), %xmm14\n\tmovdqa 240(%rsp), %xmm15\n"             \
  "77:\n"

#endif /* ULP_XSAVE_H */
