/* nettle-ondemand.c -- nettle's SHA-256, loaded when first used.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The patch repository (repo.c) checks files by their SHA-256, which
   nettle computes.  repo.c is part of libulpproc, which every tool
   that works on processes links, but only --repo, --install-to and
   ulp-repo hash anything; linking nettle in the ordinary way costs
   each run of ulp-apply 0.3 ms of relocations (measured here: an
   empty program starts in 0.36 ms, 0.66 ms with libnettle), a sixth
   of its time budget for a whole apply.  So the three functions
   repo.c calls are defined here with nettle's prototypes and forward
   to nettle, dlopen'ed at the first call.  A tool that cannot load it
   says so and exits: it cannot tell a good file from a bad one
   without it.  */

#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <nettle/sha2.h>

#include "outcome.h"
#include "tool-report.h"

#ifndef ULP_LIBNETTLE_SONAME
#define ULP_LIBNETTLE_SONAME "libnettle.so.8"
#endif

/* The address of nettle's NAME; exits when there is none.  */
static void *
sym (const char *name)
{
  static void *handle;
  if (!handle)
    handle = dlopen (ULP_LIBNETTLE_SONAME, RTLD_NOW | RTLD_LOCAL);
  void *p = handle ? dlsym (handle, name) : NULL;
  if (!p)
    {
      const char *e = dlerror ();
      tool_error ("cannot load %s from %s: %s", name, ULP_LIBNETTLE_SONAME,
                  e ? e : "unknown error");
      exit (ULP_EXIT_FAIL);
    }
  return p;
}

void
nettle_sha256_init (struct sha256_ctx *ctx)
{
  static void (*fn) (struct sha256_ctx *);
  if (!fn)
    fn = (void (*) (struct sha256_ctx *)) sym ("nettle_sha256_init");
  fn (ctx);
}

void
nettle_sha256_update (struct sha256_ctx *ctx, size_t length,
                      const uint8_t *data)
{
  static void (*fn) (struct sha256_ctx *, size_t, const uint8_t *);
  if (!fn)
    fn = (void (*) (struct sha256_ctx *, size_t, const uint8_t *))
      sym ("nettle_sha256_update");
  fn (ctx, length, data);
}

void
nettle_sha256_digest (struct sha256_ctx *ctx, size_t length,
                      uint8_t *digest)
{
  static void (*fn) (struct sha256_ctx *, size_t, uint8_t *);
  if (!fn)
    fn = (void (*) (struct sha256_ctx *, size_t, uint8_t *))
      sym ("nettle_sha256_digest");
  fn (ctx, length, digest);
}
