/* crypto-ondemand.c -- OpenSSL's libcrypto, loaded when first used.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Only signed patches need libcrypto: checking a signature in the
   runtime, --sign in ulp-mkpatch, --trusted-key in ulp-apply.  Linked
   in the ordinary way it is loaded into every process that has the
   runtime and into every run of the tools, and its thousands of
   relocations cost 0.7 ms or more at each start (measured here: an
   empty program starts in 0.36 ms, 1.04 ms with libcrypto), which is a
   third of ulp-apply's whole time budget, and bloats every service
   that merely could be patched.

   So the functions of libcrypto that trust.c and sign.c call are
   defined here, with libcrypto's own prototypes, and each forwards to
   the real one, found with dlsym in libcrypto dlopen'ed at the first
   call.  Nothing else changes for the callers.  The definitions are
   hidden: in libulp.so they must not interpose on the process's own
   use of libcrypto.  If libcrypto cannot be loaded, each function
   fails the way libcrypto itself reports failure (NULL, 0 or -1), so
   callers take their usual error paths; ulp_crypto_load_error says
   why.

   In the runtime the first call happens in ulp_apply, in the worker
   thread or an application thread calling the API, never while a
   thread of the process is stopped by a tool: the dynamic loader's
   lock is then free.  */

#include <config.h>

/* Without signatures (configure --disable-signatures) nothing calls
   libcrypto.  */
#ifdef ULP_SIGNATURES

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#pragma GCC visibility push(hidden)
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include "crypto-ondemand.h"
#pragma GCC visibility pop

#ifndef ULP_LIBCRYPTO_SONAME
#define ULP_LIBCRYPTO_SONAME "libcrypto.so.3"
#endif

static void *handle;
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
load (void)
{
  handle = dlopen (ULP_LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    {
      const char *e = dlerror ();
      snprintf (load_error, sizeof load_error, "cannot load %s: %s",
                ULP_LIBCRYPTO_SONAME, e ? e : "unknown error");
    }
}

/* The address of libcrypto's NAME, or NULL.  */
static void *
sym (const char *name)
{
  pthread_once (&once, load);
  if (!handle)
    return NULL;
  void *p = dlsym (handle, name);
  if (!p)
    snprintf (load_error, sizeof load_error, "%s has no %s",
              ULP_LIBCRYPTO_SONAME, name);
  return p;
}

const char *
ulp_crypto_load_error (void)
{
  return load_error[0] ? load_error : NULL;
}

/* The forwarders.  Each looks its function up once (FN_T is the
   function's type, defined by the forwarder).  */
#define RESOLVE(name)                                                     \
  ({                                                                      \
    static fn_t *fn;                                                      \
    fn_t *f = __atomic_load_n (&fn, __ATOMIC_ACQUIRE);                    \
    if (!f && (f = (fn_t *) sym (#name)) != NULL)                         \
      __atomic_store_n (&fn, f, __ATOMIC_RELEASE);                        \
    f;                                                                    \
  })

#define FORWARD(ret, name, params, args, failed)                          \
  ret name params                                                         \
  {                                                                       \
    typedef ret fn_t params;                                              \
    fn_t *f = RESOLVE (name);                                             \
    return f ? f args : failed;                                           \
  }

#define FORWARD_VOID(name, params, args)                                  \
  void name params                                                        \
  {                                                                       \
    typedef void fn_t params;                                             \
    fn_t *f = RESOLVE (name);                                             \
    if (f)                                                                \
      f args;                                                             \
  }

FORWARD (BIO *, BIO_new_mem_buf, (const void *buf, int len), (buf, len),
         NULL)
FORWARD (int, BIO_free, (BIO *a), (a), 0)
FORWARD (long, BIO_ctrl, (BIO *bp, int cmd, long larg, void *parg),
         (bp, cmd, larg, parg), -1)
FORWARD_VOID (ERR_clear_error, (void), ())
FORWARD (EVP_MD_CTX *, EVP_MD_CTX_new, (void), (), NULL)
FORWARD_VOID (EVP_MD_CTX_free, (EVP_MD_CTX *ctx), (ctx))
FORWARD (const EVP_MD *, EVP_sha256, (void), (), NULL)
FORWARD (int, EVP_Digest,
         (const void *data, size_t count, unsigned char *md,
          unsigned int *size, const EVP_MD *type, ENGINE *impl),
         (data, count, md, size, type, impl), 0)
FORWARD (int, EVP_DigestSignInit,
         (EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const EVP_MD *type,
          ENGINE *e, EVP_PKEY *pkey),
         (ctx, pctx, type, e, pkey), 0)
FORWARD (int, EVP_DigestSign,
         (EVP_MD_CTX *ctx, unsigned char *sigret, size_t *siglen,
          const unsigned char *tbs, size_t tbslen),
         (ctx, sigret, siglen, tbs, tbslen), 0)
FORWARD (int, EVP_DigestVerifyInit,
         (EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const EVP_MD *type,
          ENGINE *e, EVP_PKEY *pkey),
         (ctx, pctx, type, e, pkey), 0)
FORWARD (int, EVP_DigestVerify,
         (EVP_MD_CTX *ctx, const unsigned char *sigret, size_t siglen,
          const unsigned char *tbs, size_t tbslen),
         (ctx, sigret, siglen, tbs, tbslen), -1)
FORWARD (int, EVP_PKEY_get_base_id, (const EVP_PKEY *pkey), (pkey), 0)
FORWARD_VOID (EVP_PKEY_free, (EVP_PKEY *pkey), (pkey))
FORWARD (int, EVP_PKEY_get_raw_public_key,
         (const EVP_PKEY *pkey, unsigned char *pub, size_t *len),
         (pkey, pub, len), 0)
FORWARD (EVP_PKEY *, EVP_PKEY_new_raw_public_key,
         (int type, ENGINE *e, const unsigned char *pub, size_t len),
         (type, e, pub, len), NULL)
FORWARD (EVP_PKEY *, PEM_read_bio_PUBKEY,
         (BIO *out, EVP_PKEY **x, pem_password_cb *cb, void *u),
         (out, x, cb, u), NULL)
FORWARD (EVP_PKEY *, PEM_read_bio_PrivateKey,
         (BIO *out, EVP_PKEY **x, pem_password_cb *cb, void *u),
         (out, x, cb, u), NULL)

#endif /* ULP_SIGNATURES */
