/* ap-note8.S -- a note segment laid out with 8-byte alignment that holds
   the object's build-id.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Linked with -Wl,--build-id=none, so this is the object's only
   build-id.  The first note's 4-byte descriptor is followed by 4 bytes
   of padding that only 8-byte alignment accounts for: a reader that
   walks this segment with 4-byte alignment misses the build-id behind
   it.  ld gives the segment p_align 8, as it does for
   .note.gnu.property.  */

        .section .note.ulptest,"a",@note
        .balign 8
        .long 4, 4, 1           /* namesz, descsz, type */
        .asciz "TST"
        .long 0
        .balign 8
        .long 4, 20, 3          /* NT_GNU_BUILD_ID */
        .asciz "GNU"
        .byte 0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55
        .byte 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
        .balign 8

        .section .note.GNU-stack,"",@progbits
