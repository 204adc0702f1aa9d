/* repo.h -- a repository of live patches indexed by build-id.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A repository is a directory holding versioned patch files and an
   index, DIR/index, that says for each file which object build it
   targets.  ulp-repo and ulp-mkpatch --install-to add to it (the index
   is rewritten whole, to a temporary file renamed over the old one, so
   a reader sees the old or the new index, never half of one);
   ulp-apply --repo brings processes up to date from it, choosing their
   patches with repo_newest.  The directory,
   the index and the patch files must belong to root or to the invoking
   user and must not be writable by group or others, or nothing is read
   from them.

   The index is text, one line per patch:

     ulp-repo 1                              first line, the format
     # comment                               anywhere after it
     BUILD-ID SONAME NAME VERSION FILE SHA256

   BUILD-ID is the target object's GNU build-id in lower-case hex,
   SONAME its soname, NAME and VERSION the patch's (VERSION >= 1),
   FILE the patch's file name in DIR (no '/'), SHA256 the file's
   SHA-256 in lower-case hex.  Fields are separated by single spaces or
   tabs and contain none.  A (BUILD-ID, NAME, VERSION) appears once.  */

#ifndef ULP_REPO_H
#define ULP_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"

struct repo_entry
{
  char build_id[129];
  char soname[256];
  char name[128];
  uint32_t version;
  char file[256];
  char sha256[65];
};

struct repo
{
  char dir[4096];
  struct repo_entry *e;
  size_t n, cap;
};

/* Every function below that can fail returns -1 with the reason in the
   struct outcome *OC its caller passes: ULP_EXIT_UNTRUSTED when a file
   or directory is not trusted, else ULP_EXIT_BAD_PATCH.  */

/* Check that PATH (a directory when DIR, else a regular file) belongs
   to root or to the invoking user and is not writable by group or
   others.  0, or -1 when it cannot be read, is of the wrong type or is
   not trusted, with a message without PATH.  */
int repo_trusted (const char *path, bool dir, struct outcome *oc);

/* Read DIR/index, after checking that DIR and the index may be trusted.
   0, or -1 with a complete message ("DIR/index: line 3: ...").  A
   missing index is an empty repository when MISSING_OK.  */
int repo_load (const char *dir, struct repo *r, bool missing_ok,
               struct outcome *oc);
void repo_free (struct repo *r);

/* Copy the patch file PATCH into DIR (created when missing) and index
   it, under a lock on DIR, replacing the index atomically.  0, with
   "added ..." or "already there ..." in OC's message (its status
   ULP_EXIT_OK), or -1 with the reason.  */
int repo_add (const char *dir, const char *patch, struct outcome *oc);

/* The SHA-256 of the file PATH in hex.  0, or -1 with errno.  */
int repo_sha256 (const char *path, char out[65]);

/* Whether R has a patch for the object of build-id BUILD_ID.  */
bool repo_has_build_id (const struct repo *r, const char *build_id);

/* For a process whose objects have the NIDS build-ids BUILD_IDS: the
   indexes into R of the newest version of each patch name for them, in
   index order, in OUT (room for R->n); returns how many.  */
size_t repo_newest (const struct repo *r, const char *const *build_ids,
                    size_t nids, size_t *out);

/* Check entry I's file before it is used: trusted (repo_trusted) and
   with the SHA-256 the index gives.  0, or -1 with "DIR/FILE: why".  */
int repo_check_file (const struct repo *r, size_t i, struct outcome *oc);

#endif /* ULP_REPO_H */
