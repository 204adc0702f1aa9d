/* crypto-ondemand.c -- OpenSSL's libcrypto, loaded when first used,
   for the tools (ulp-mkpatch --sign, ulp-apply --trusted-key).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The runtime's module, compiled once more into libulpproc: see
   runtime/crypto-ondemand.c for why.  */

#include "../runtime/crypto-ondemand.c"
