/* inner-c.S -- a hidden function defined in assembly (inner.exp).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

	.text
	.globl	inner_asm
	.hidden	inner_asm
	.type	inner_asm, @function
inner_asm:
	.cfi_startproc
	leal	5(%rdi), %eax
	ret
	.cfi_endproc
	.size	inner_asm, .-inner_asm
	.section	.note.GNU-stack,"",@progbits
