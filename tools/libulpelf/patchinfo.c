/* patchinfo.c -- what a live patch file says about itself.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See patchinfo.h.  The patch table is found through the ULP note and
   read by ulp_patch_describe (lib/ulp-format.c) over the file's
   program headers (objfile.c).  */

#include <config.h>

#include "patchinfo.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objfile.h"
#include "ulp-format.h"

static void
copy (char *dst, size_t size, const char *src)
{
  snprintf (dst, size, "%.*s", (int) size - 1, src ? src : "");
}

int
patchinfo_read (const char *path, struct patchinfo *pi, struct outcome *oc)
{
  memset (pi, 0, sizeof *pi);
  char abs[PATH_MAX];
  /* A /proc/PID/map_files link names a mapped file that may have no
     path (the runtime's in-memory copy of a patch): open it as it is. */
  if (strncmp (path, "/proc/", 6) == 0 && strstr (path, "/map_files/"))
    copy (abs, sizeof abs, path);
  else if (!realpath (path, abs))
    return outcome_fail (oc, ULP_EXIT_BAD_PATCH, "cannot find the file");
  copy (pi->path, sizeof pi->path, abs);
  struct objfile *of = objfile_open_path (abs, oc);
  if (!of)
    {
      if (oc)
        oc->status = ULP_EXIT_BAD_PATCH;
      return -1;
    }
  objfile_id (of, &pi->dev, &pi->ino);
  struct ulp_note note;
  if (!objfile_ulp_note (of, &note) || note.patch_table == 0
      || note.patch_size == 0)
    {
      objfile_close (of);
      return outcome_fail (oc, ULP_EXIT_BAD_PATCH, "not a live patch (no ulp "
                           "patch table)");
    }
  struct ulp_image im;
  struct ulp_patch_about about;
  objfile_image (of, &im);
  if (!ulp_patch_describe (&im, note.patch_table, note.patch_size, &about))
    {
      objfile_close (of);
      return outcome_fail (oc, ULP_EXIT_BAD_PATCH, "malformed live patch "
                           "(patch table outside the file)");
    }
  if (about.bad_target)
    {
      objfile_close (of);
      return outcome_fail (oc, ULP_EXIT_BAD_PATCH, "malformed live patch (bad "
                           "target entry)");
    }
  bool have_target = about.soname != NULL;
  copy (pi->target, sizeof pi->target, about.soname);
  copy (pi->build_id, sizeof pi->build_id, about.build_id);
  copy (pi->name, sizeof pi->name, about.name);
  pi->version = about.version;
  objfile_close (of);
  if (!have_target)
    return outcome_fail (oc, ULP_EXIT_BAD_PATCH, "malformed live patch (no "
                         "target entry)");
  if (!pi->name[0])
    {
      const char *slash = strrchr (abs, '/');
      copy (pi->name, sizeof pi->name, slash ? slash + 1 : abs);
    }
  return 0;
}
