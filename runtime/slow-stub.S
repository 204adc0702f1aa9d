/* slow-stub.S -- the assembly halves of the runtime's slow paths.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp_stub_slow is where a selector stub goes when it cannot choose a
   version by itself (the object's TLS is dynamic, or the thread's depth
   looks stale).  It is entered by a jump, with the stack exactly as the
   patched function was called (the return address on top) and the
   stub's table in %r11.  It must hand the chosen version the argument
   state intact: %rdi %rsi %rdx %rcx %r8 %r9, %rax (vararg count), %r10
   (static chain), the vector registers, and the stack.  C code may
   clobber all caller-saved registers, and glibc's string functions
   (reached through __tls_get_addr's allocation) use AVX and vzeroupper,
   which would clear the upper halves of __m256/__m512 arguments: so the
   extended state is saved with XSAVE when the CPU has it, as the
   dynamic loader's lazy binding trampoline does, and with SSE moves
   otherwise.  The CFI describes every step, so a backtrace from inside
   the selector unwinds into the patched function's caller.

   ulp_enter_slow_entry is the object's enter_slow: the boundary code
   reaches it through the object's __ulp_slow thunk, which has saved
   every register and set up %rbp as a frame pointer, so 8(%rbp) is the
   return address into the instrumented function body.  It is passed on
   as a fourth argument to tell which version of the function is
   running (threads.c); when %rbp does not look like that thunk's frame
   (just above our stack pointer), 0 is passed and nothing is
   inferred.  */

        .text

        .globl  ulp_stub_slow
        .hidden ulp_stub_slow
        .type   ulp_stub_slow, @function
        .p2align 4
ulp_stub_slow:
        .cfi_startproc
        endbr64
        pushq   %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset %rbp, -16
        movq    %rsp, %rbp
        .cfi_def_cfa_register %rbp
        pushq   %rax
        .cfi_offset %rax, -24
        pushq   %rdi
        .cfi_offset %rdi, -32
        pushq   %rsi
        .cfi_offset %rsi, -40
        pushq   %rdx
        .cfi_offset %rdx, -48
        pushq   %rcx
        .cfi_offset %rcx, -56
        pushq   %r8
        .cfi_offset %r8, -64
        pushq   %r9
        .cfi_offset %r9, -72
        pushq   %r10
        .cfi_offset %r10, -80
        andq    $-64, %rsp
        movq    ulp_xsave_size(%rip), %rax
        testq   %rax, %rax
        jz      .Lsse_save
        subq    %rax, %rsp
        /* XRSTOR faults on a nonzero reserved header: clear it.  */
        xorl    %eax, %eax
        movq    %rax, 512(%rsp)
        movq    %rax, 520(%rsp)
        movq    %rax, 528(%rsp)
        movq    %rax, 536(%rsp)
        movq    %rax, 544(%rsp)
        movq    %rax, 552(%rsp)
        movq    %rax, 560(%rsp)
        movq    %rax, 568(%rsp)
        movl    ulp_xsave_mask(%rip), %eax
        movl    ulp_xsave_mask+4(%rip), %edx
        xsave64 (%rsp)
        jmp     .Lcall
.Lsse_save:
        subq    $128, %rsp
        movdqa  %xmm0, 0(%rsp)
        movdqa  %xmm1, 16(%rsp)
        movdqa  %xmm2, 32(%rsp)
        movdqa  %xmm3, 48(%rsp)
        movdqa  %xmm4, 64(%rsp)
        movdqa  %xmm5, 80(%rsp)
        movdqa  %xmm6, 96(%rsp)
        movdqa  %xmm7, 112(%rsp)
.Lcall:
        movq    %r11, %rdi
        leaq    8(%rbp), %rsi
        call    ulp_select_slow
        movq    %rax, %r11
        movq    ulp_xsave_size(%rip), %rax
        testq   %rax, %rax
        jz      .Lsse_restore
        movl    ulp_xsave_mask(%rip), %eax
        movl    ulp_xsave_mask+4(%rip), %edx
        xrstor64 (%rsp)
        jmp     .Lrestored
.Lsse_restore:
        movdqa  0(%rsp), %xmm0
        movdqa  16(%rsp), %xmm1
        movdqa  32(%rsp), %xmm2
        movdqa  48(%rsp), %xmm3
        movdqa  64(%rsp), %xmm4
        movdqa  80(%rsp), %xmm5
        movdqa  96(%rsp), %xmm6
        movdqa  112(%rsp), %xmm7
.Lrestored:
        leaq    -64(%rbp), %rsp
        popq    %r10
        .cfi_restore %r10
        popq    %r9
        .cfi_restore %r9
        popq    %r8
        .cfi_restore %r8
        popq    %rcx
        .cfi_restore %rcx
        popq    %rdx
        .cfi_restore %rdx
        popq    %rsi
        .cfi_restore %rsi
        popq    %rdi
        .cfi_restore %rdi
        popq    %rax
        .cfi_restore %rax
        popq    %rbp
        .cfi_restore %rbp
        .cfi_def_cfa %rsp, 8
        jmp     *%r11
        .cfi_endproc
        .size   ulp_stub_slow, .-ulp_stub_slow

        .globl  ulp_enter_slow_entry
        .hidden ulp_enter_slow_entry
        .type   ulp_enter_slow_entry, @function
        .p2align 4
ulp_enter_slow_entry:
        .cfi_startproc
        endbr64
        movq    %rbp, %rax
        subq    %rsp, %rax
        cmpq    $4096, %rax
        ja      1f
        movq    8(%rbp), %rcx
        jmp     ulp_enter_slow_c
1:      xorl    %ecx, %ecx
        jmp     ulp_enter_slow_c
        .cfi_endproc
        .size   ulp_enter_slow_entry, .-ulp_enter_slow_entry

        .section .note.GNU-stack,"",@progbits
