/* sign.c -- Ed25519 signatures of live patch files, for the tools.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See sign.h and ulp-signature.h.  OpenSSL's libcrypto does all the
   cryptography: SHA-256 of the signed bytes, then pure Ed25519 over the
   context string and that digest.  */

#include <config.h>

#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef ULP_SIGNATURES
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#endif

#include "ulp-signature.h"
#ifdef ULP_SIGNATURES
#include "crypto-ondemand.h"
#endif

#ifndef ULP_SIGNATURES

int
sign_patch_file (const char *patch, const char *key, struct outcome *oc)
{
  (void) patch;
  (void) key;
  return outcome_fail (oc, ULP_EXIT_FAIL, "this ulp was built without "
                       "signature support (configure found no libcrypto)");
}

int
sign_read_public_key (const char *pem, unsigned char out[32],
                      struct outcome *oc)
{
  (void) pem;
  (void) out;
  return outcome_fail (oc, ULP_EXIT_FAIL, "this ulp was built without "
                       "signature support (configure found no libcrypto)");
}

#else

/* The whole of the file PATH, malloc'ed, in *DATA and *SIZE.  */

static int
read_file (const char *path, unsigned char **data, size_t *size,
           struct outcome *oc)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      int e = errno;
      if (fd >= 0)
        close (fd);
      return outcome_fail (oc, ULP_EXIT_FAIL, "%s: %s", path, strerror (e));
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      return outcome_fail (oc, ULP_EXIT_FAIL, "%s: not a regular file", path);
    }
  *data = malloc (st.st_size ? (size_t) st.st_size : 1);
  if (!*data)
    {
      close (fd);
      return outcome_fail (oc, ULP_EXIT_FAIL, "%s: out of memory", path);
    }
  size_t at = 0;
  while (at < (size_t) st.st_size)
    {
      ssize_t got = read (fd, *data + at, (size_t) st.st_size - at);
      if (got <= 0)
        {
          int e = got < 0 ? errno : 0;
          close (fd);
          free (*data);
          return outcome_fail (oc, ULP_EXIT_FAIL, "%s: %s", path,
                               e ? strerror (e) : "shorter than it was");
        }
      at += (size_t) got;
    }
  close (fd);
  *size = at;
  return 0;
}

/* The PEM key in PATH: a private key when PRIVATE, else a public key
   or the public half of a private one.  */

static EVP_PKEY *
read_key (const char *path, int private, struct outcome *oc)
{
  unsigned char *text;
  size_t size;
  if (read_file (path, &text, &size, oc) < 0)
    return NULL;
  EVP_PKEY *pk = NULL;
  BIO *bio = BIO_new_mem_buf (text, (int) size);
  if (bio)
    pk = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);
  if (!pk && !private && bio && BIO_reset (bio) == 1)
    pk = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
  BIO_free (bio);
  free (text);
  ERR_clear_error ();
  if (!pk)
    {
      /* libcrypto is loaded at the first call (crypto-ondemand.c).  */
      if (ulp_crypto_load_error ())
        outcome_fail (oc, ULP_EXIT_FAIL, "%s: cannot read keys: %s", path,
                      ulp_crypto_load_error ());
      else
        outcome_fail (oc, ULP_EXIT_FAIL, "%s: not a PEM %s key", path,
                      private ? "private" : "public or private");
      return NULL;
    }
  if (EVP_PKEY_base_id (pk) != EVP_PKEY_ED25519)
    {
      EVP_PKEY_free (pk);
      outcome_fail (oc, ULP_EXIT_FAIL, "%s: not an Ed25519 key (openssl "
                    "genpkey -algorithm ed25519 makes one)", path);
      return NULL;
    }
  return pk;
}

int
sign_read_public_key (const char *pem, unsigned char out[32],
                      struct outcome *oc)
{
  EVP_PKEY *pk = read_key (pem, 0, oc);
  if (!pk)
    return -1;
  size_t len = 32;
  int ok = EVP_PKEY_get_raw_public_key (pk, out, &len) == 1 && len == 32;
  EVP_PKEY_free (pk);
  if (!ok)
    return outcome_fail (oc, ULP_EXIT_FAIL, "%s: cannot read the public key",
                         pem);
  return 0;
}

int
sign_patch_file (const char *patch, const char *key, struct outcome *oc)
{
  EVP_PKEY *pk = read_key (key, 1, oc);
  if (!pk)
    return -1;
  unsigned char *data;
  size_t size;
  if (read_file (patch, &data, &size, oc) < 0)
    {
      EVP_PKEY_free (pk);
      return -1;
    }
  /* Signing again replaces the old signature.  */
  struct ulp_sig_trailer tr;
  if (size >= sizeof tr)
    {
      memcpy (&tr, data + size - sizeof tr, sizeof tr);
      if (ulp_sig_is_trailer (&tr))
        size -= sizeof tr;
    }
  memset (&tr, 0, sizeof tr);
  memcpy (tr.magic, ULP_SIG_MAGIC, sizeof tr.magic);
  tr.size = sizeof tr;

  unsigned char digest[ULP_SIG_DIGEST_SIZE];
  unsigned int dlen = 0;
  unsigned char msg[ULP_SIG_MESSAGE_SIZE];
  size_t siglen = sizeof tr.signature, klen = sizeof tr.public_key;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  int ok = ctx
           && EVP_Digest (data, size, digest, &dlen, EVP_sha256 (), NULL) == 1
           && dlen == sizeof digest;
  if (ok)
    {
      ulp_sig_message (digest, msg);
      ok = EVP_DigestSignInit (ctx, NULL, NULL, NULL, pk) == 1
           && EVP_DigestSign (ctx, tr.signature, &siglen, msg, sizeof msg)
              == 1
           && siglen == sizeof tr.signature
           && EVP_PKEY_get_raw_public_key (pk, tr.public_key, &klen) == 1
           && klen == sizeof tr.public_key;
    }
  EVP_MD_CTX_free (ctx);
  EVP_PKEY_free (pk);
  free (data);
  if (!ok)
    {
      ERR_clear_error ();
      return outcome_fail (oc, ULP_EXIT_FAIL, "%s: signing failed", patch);
    }

  int fd = open (patch, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return outcome_fail (oc, ULP_EXIT_FAIL, "%s: %s", patch, strerror (errno));
  int r = 0;
  if (ftruncate (fd, (off_t) size) < 0
      || pwrite (fd, &tr, sizeof tr, (off_t) size) != (ssize_t) sizeof tr)
    r = outcome_fail (oc, ULP_EXIT_FAIL, "%s: cannot write the signature: %s",
                      patch, strerror (errno));
  if (close (fd) < 0 && r == 0)
    r = outcome_fail (oc, ULP_EXIT_FAIL, "%s: %s", patch, strerror (errno));
  return r;
}

#endif /* ULP_SIGNATURES */
