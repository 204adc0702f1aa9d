/* patchinfo.h -- what a live patch file says about itself.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-apply reads a patch file before it touches any process: its
   target object (soname and build-id) tells which processes it is for,
   and its name is what --revert matches.  The runtime checks the file
   fully again when it loads it; this is only what the tool needs to
   choose processes and to refuse early with a precise error.  */

#ifndef ULP_PATCHINFO_H
#define ULP_PATCHINFO_H

#include <stdint.h>

#include "outcome.h"

struct patchinfo
{
  char path[4096];         /* absolute.  */
  char target[256];        /* soname of the target object.  */
  char build_id[129];      /* its build-id, lower-case hex.  */
  char name[128];          /* INFO name, or the file's base name.  */
  uint32_t version;        /* INFO's flags (ulp-patch.h); 0: none.  */
  uint64_t dev, ino;       /* the file's identity.  */
};

/* Read PATH.  0, or -1 with the reason (ULP_EXIT_BAD_PATCH, without
   the file name) in *OC.  */
int patchinfo_read (const char *path, struct patchinfo *pi,
                    struct outcome *oc);

#endif /* ULP_PATCHINFO_H */
