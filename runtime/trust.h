/* trust.h -- which patch files the runtime loads, and how it makes sure
   it loads the bytes it checked.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See trust.c.  ulp_apply opens a patch with ulp_trust_open, verifies
   the bytes of T->FD with patch-file.c and loads them with
   ulp_trust_dlopen: the path is looked up once, and nothing that
   happens to it afterwards changes what is loaded.  */

#ifndef ULP_TRUST_H
#define ULP_TRUST_H

#include <stdbool.h>
#include <sys/stat.h>

#include "ulp-runtime.h"

struct ulp_trusted
{
  int fd;             /* the bytes to verify and to load, or -1.  */
  struct stat st;     /* the file as opened (owner, mode, device and
                         inode: what `already applied' compares).  */
  bool sealed;        /* FD is a sealed private copy of the file.  */
  bool signature;     /* FD's bytes carried a good signature.  */
};

/* Open PATH for applying: check the file and its directory (owner and
   permissions), take a sealed copy of its contents, and check its
   signature: always when it has one (against the key it names), and
   against the trusted keys when FLAGS has ULP_APPLY_REQUIRE_SIGNATURE
   or the runtime's configuration requires signatures.  KEY, when not
   NULL, is a 32-byte Ed25519 public key the patch must be signed with
   (from the requester).  0, or -1 with *ERR (ULP_E_OPEN,
   ULP_E_UNTRUSTED, ULP_E_SIGNATURE, ULP_E_NOMEM, ULP_E_INVAL) and
   nothing left open.  */
int ulp_trust_open (const char *path, unsigned flags,
                    const unsigned char *key, struct ulp_trusted *t,
                    struct ulp_error *err) ULP_HIDDEN;

/* dlopen T's bytes (RTLD_NOW | RTLD_LOCAL); NULL with *ERR
   (ULP_E_LOAD, naming PATH) when the loader refuses them.  */
void *ulp_trust_dlopen (struct ulp_trusted *t, const char *path,
                        struct ulp_error *err) ULP_HIDDEN;

void ulp_trust_close (struct ulp_trusted *t) ULP_HIDDEN;

/* A new, empty memfd for the bytes of the patch PATH ("ulp:" and its
   base name, executable, sealable), or -1 with errno: what trust.c
   copies a patch into, and rebase.c a relinked copy.  */
int ulp_trust_memfd (const char *path) ULP_HIDDEN;

/* Seal FD against every change of its size or contents.  0, or -1 with
   errno.  */
int ulp_trust_seal (int fd) ULP_HIDDEN;

/* ulp_apply, with KEY (32 bytes, or NULL) as for ulp_trust_open: the
   control mailbox's apply-flags request (apply.c).  */
long ulp_apply_key (const char *path, unsigned flags,
                    const unsigned char *key, struct ulp_error *err)
  ULP_HIDDEN;

#endif /* ULP_TRUST_H */
