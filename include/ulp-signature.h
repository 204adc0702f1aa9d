/* ulp-signature.h -- the Ed25519 signature a live patch file may carry.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   `ulp-mkpatch --sign KEY' appends a fixed-size trailer to the patch
   file it wrote; the runtime checks it on the very bytes it then
   verifies with libelf and loads (a sealed copy of the file, see
   runtime/trust.c).  Appending keeps the patch one file (it cannot be
   deployed without its signature, and a rename moves both at once) and
   changes nothing the loader or libelf look at: the trailer lies after
   every section and segment, so the ELF object itself is exactly the
   signed bytes.  Stripping or otherwise rewriting the file drops the
   trailer, which the runtime then reports as an unsigned patch.

   The file is SIGNED || struct ulp_sig_trailer, where SIGNED is the
   ELF object.  The signature is Ed25519 (RFC 8032, pure) over the
   ULP_SIG_MESSAGE_SIZE bytes ULP_SIG_CONTEXT (with its NUL) || SHA-256
   (SIGNED): the context keeps a ulp signature from meaning anything
   elsewhere, and the digest lets both sides hash the file as it
   streams by.  The signer's public key travels in the trailer so that
   a refusal can say which key signed; it is trusted only when it is
   one of the configured keys.  */

#ifndef ULP_SIGNATURE_H
#define ULP_SIGNATURE_H

#include <stdint.h>
#include <string.h>

#define ULP_SIG_MAGIC "ULP-SIGNATURE-1\n"      /* 16 bytes, no NUL.  */
#define ULP_SIG_CONTEXT "ulp live patch signature 1"
#define ULP_SIG_DIGEST_SIZE 32                 /* SHA-256.  */
#define ULP_SIG_MESSAGE_SIZE (sizeof ULP_SIG_CONTEXT + ULP_SIG_DIGEST_SIZE)

struct ulp_sig_trailer
{
  unsigned char signature[64];   /* Ed25519.  */
  unsigned char public_key[32];  /* the signer's, raw.  */
  uint32_t size;                 /* sizeof (struct ulp_sig_trailer),
                                    little-endian.  */
  uint32_t reserved;             /* 0.  */
  char magic[16];                /* ULP_SIG_MAGIC.  */
};

_Static_assert (sizeof (struct ulp_sig_trailer) == 120,
                "the trailer has no padding");

/* The message that is signed, from the digest of the signed bytes.  */
static inline void
ulp_sig_message (const unsigned char digest[ULP_SIG_DIGEST_SIZE],
                 unsigned char out[ULP_SIG_MESSAGE_SIZE])
{
  memcpy (out, ULP_SIG_CONTEXT, sizeof ULP_SIG_CONTEXT);
  memcpy (out + sizeof ULP_SIG_CONTEXT, digest, ULP_SIG_DIGEST_SIZE);
}

/* Whether the last bytes TAIL (sizeof (struct ulp_sig_trailer) of them)
   of a file are a signature trailer.  */
static inline int
ulp_sig_is_trailer (const struct ulp_sig_trailer *tail)
{
  return memcmp (tail->magic, ULP_SIG_MAGIC, sizeof tail->magic) == 0
         && tail->size == sizeof *tail && tail->reserved == 0;
}

#endif /* ULP_SIGNATURE_H */
