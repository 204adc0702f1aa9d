/* ap.h -- the live-patchable libraries the ulp-apply tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   libap.so.1 (ap-lib.c): ap_value returns 1; patch p1 (ap-p1.c) makes it
   2, patch p2 (ap-p2.c) 3.  ap_hold keeps the calling thread inside the
   library until a byte arrives on FD.  libapdl.so.1 (ap-dl.c) has the
   same pair, is loaded with dlopen (its thread state is in dynamic
   TLS), and its patch (ap-pdl.c) makes apdl_value return 20.  */

#ifndef AP_H
#define AP_H

#ifdef __cplusplus
extern "C" {
#endif

int ap_value (void);
int ap_hold (int fd, void (*inside) (void));

int apdl_value (void);
int apdl_hold (int fd, void (*inside) (void));

#ifdef __cplusplus
}
#endif

#endif /* AP_H */
