/* crypto-ondemand.h -- OpenSSL's libcrypto, loaded when first used.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   crypto-ondemand.c defines the libcrypto functions the runtime and
   the tools call, loading libcrypto at the first call; the callers
   include OpenSSL's headers as usual.  */

#ifndef ULP_CRYPTO_ONDEMAND_H
#define ULP_CRYPTO_ONDEMAND_H

/* Why libcrypto or one of its functions could not be loaded, or NULL
   when nothing failed.  */
const char *ulp_crypto_load_error (void);

#endif /* ULP_CRYPTO_ONDEMAND_H */
