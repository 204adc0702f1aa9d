/* ulp.h -- the ulp runtime's interface: apply, revert and list live
   patches in the calling process.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   libulp.so (linked, LD_PRELOADed, or loaded by ulp-apply) exports these
   functions.  They are thread-safe and never stop the process: each
   thread moves to a patch's universe the next time it enters the
   patched object from outside.  Every failure leaves the process as it
   was and is reported as a code and a one-line message.  */

#ifndef ULP_H
#define ULP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ulp_status_code
{
  ULP_OK = 0,
  ULP_E_OPEN,           /* the patch file cannot be opened or read.  */
  ULP_E_FORMAT,         /* not a live patch, or a malformed one.  */
  ULP_E_NOT_LOADED,     /* the target object is not loaded.  */
  ULP_E_BUILD_ID,       /* the target is loaded, but another build.  */
  ULP_E_NO_FUNCTION,    /* a function to replace or symbol to refer to
                           is not in the target.  */
  ULP_E_NOT_PATCHABLE,  /* a function to replace has no patchable entry. */
  ULP_E_APPLIED,        /* this patch is already applied.  */
  ULP_E_LOAD,           /* the dynamic loader refused the patch.  */
  ULP_E_WRITE,          /* the target's code could not be written.  */
  ULP_E_NO_PATCH,       /* no such applied patch.  */
  ULP_E_NOMEM,          /* out of memory.  */
  ULP_E_INVAL           /* a bad argument.  */
};

struct ulp_error
{
  int code;           /* enum ulp_status_code.  */
  char message[512];  /* one line, no trailing newline.  */
};

/* Apply the live patch in the shared object PATH.  Verifies it fully,
   loads it, writes the detours and opens a new universe of the target
   object, or changes nothing.  Returns the patch's id (> 0), or -1 with
   *ERR filled (ERR may be NULL).  FLAGS: 0.  */
long ulp_apply (const char *path, unsigned flags, struct ulp_error *err);

/* Revert patch ID (0: the newest applied one), or the patch named NAME
   (ulp_revert_name).  Opens a universe without it; its code is unloaded
   once no thread can still run it.  Returns 0, or -1 with *ERR.  */
int ulp_revert (long id, unsigned flags, struct ulp_error *err);
int ulp_revert_name (const char *name, unsigned flags,
                     struct ulp_error *err);

/* One applied patch.  */
struct ulp_patch_info
{
  long id;
  char name[128];        /* the patch's name, or its file name.  */
  char path[4096];
  char target[256];      /* soname of the patched object.  */
  uint64_t universe;     /* the target universe the patch opened.  */
  unsigned functions;    /* functions it replaces.  */
  unsigned pending;      /* threads that may still run older code of
                            the target in an older universe (known to
                            the runtime; see the manual).  */
};

/* Fill up to MAX entries of OUT with the applied patches, oldest first;
   return how many are applied (which may exceed MAX).  */
size_t ulp_patches (struct ulp_patch_info *out, size_t max);

/* The runtime's state as one JSON document (objects, patches, universes,
   registered threads), malloc'ed; NULL when out of memory.  */
char *ulp_status_json (void);

#ifdef __cplusplus
}
#endif

#endif /* ULP_H */
