/* sign.h -- Ed25519 signatures of live patch files, for the tools.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-mkpatch --sign appends a signature trailer (ulp-signature.h) to
   the patch it wrote; ulp-apply --trusted-key reads the public key it
   hands to the runtime, which checks the signature itself on the bytes
   it loads.  Keys are PEM files as OpenSSL writes them: `openssl
   genpkey -algorithm ed25519 -out KEY.pem' and `openssl pkey -in
   KEY.pem -pubout -out PUB.pem'.  Without libcrypto (configure
   --disable-signatures) every function fails saying so.  */

#ifndef ULP_SIGN_H
#define ULP_SIGN_H

#include <stddef.h>

#include "outcome.h"

/* Sign PATCH with the private key in the PEM file KEY: replace a
   signature it already has, or append one.  0, or -1 with the reason
   in *OC (ULP_EXIT_FAIL).  */
int sign_patch_file (const char *patch, const char *key,
                     struct outcome *oc);

/* Read the Ed25519 public key in the PEM file PEM (a private key file
   gives its public half) into OUT.  0, or -1 with the reason in *OC
   (ULP_EXIT_FAIL).  */
int sign_read_public_key (const char *pem, unsigned char out[32],
                          struct outcome *oc);

#endif /* ULP_SIGN_H */
