/* patchinfo.c -- what a live patch file says about itself.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See patchinfo.h.  The patch table is found through the ULP note and
   read with the file's program headers (objfile.c); each reference is
   self-relative (ulp-patch.h) and must land on a string in the file.  */

#include <config.h>

#include "patchinfo.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objfile.h"
#include "ulp-patch.h"

static const char *
ref_string (const struct objfile *of, uint64_t field_vaddr, int32_t ref)
{
  if (ref == 0)
    return NULL;
  return objfile_string (of, field_vaddr + (int64_t) ref);
}

static void
copy (char *dst, size_t size, const char *src)
{
  snprintf (dst, size, "%.*s", (int) size - 1, src ? src : "");
}

int
patchinfo_read (const char *path, struct patchinfo *pi, const char **err)
{
  memset (pi, 0, sizeof *pi);
  char abs[PATH_MAX];
  /* A /proc/PID/map_files link names a mapped file that may have no
     path (the runtime's in-memory copy of a patch): open it as it is. */
  if (strncmp (path, "/proc/", 6) == 0 && strstr (path, "/map_files/"))
    copy (abs, sizeof abs, path);
  else if (!realpath (path, abs))
    {
      *err = "cannot find the file";
      return -1;
    }
  copy (pi->path, sizeof pi->path, abs);
  struct objfile *of = objfile_open_path (abs, err);
  if (!of)
    return -1;
  objfile_id (of, &pi->dev, &pi->ino);
  struct ulp_note note;
  if (!objfile_ulp_note (of, &note) || note.patch_table == 0
      || note.patch_size == 0)
    {
      objfile_close (of);
      *err = "not a live patch (no ulp patch table)";
      return -1;
    }
  const struct ulp_patch_entry *e
    = objfile_bytes (of, note.patch_table, note.patch_size);
  if (!e || note.patch_size % sizeof *e)
    {
      objfile_close (of);
      *err = "malformed live patch (patch table outside the file)";
      return -1;
    }
  size_t n = note.patch_size / sizeof *e;
  bool have_target = false;
  for (size_t i = 0; i < n; i++)
    {
      uint64_t at = note.patch_table + i * sizeof *e;
      const char *a = ref_string (of, at + offsetof (struct ulp_patch_entry, a),
                                  e[i].a);
      const char *b = ref_string (of, at + offsetof (struct ulp_patch_entry, b),
                                  e[i].b);
      if (e[i].kind == ULP_PATCH_TARGET)
        {
          if (!a || !b)
            {
              objfile_close (of);
              *err = "malformed live patch (bad target entry)";
              return -1;
            }
          copy (pi->target, sizeof pi->target, a);
          copy (pi->build_id, sizeof pi->build_id, b);
          have_target = true;
        }
      else if (e[i].kind == ULP_PATCH_INFO && a)
        {
          copy (pi->name, sizeof pi->name, a);
          pi->version = e[i].flags;
        }
    }
  objfile_close (of);
  if (!have_target)
    {
      *err = "malformed live patch (no target entry)";
      return -1;
    }
  if (!pi->name[0])
    {
      const char *slash = strrchr (abs, '/');
      copy (pi->name, sizeof pi->name, slash ? slash + 1 : abs);
    }
  return 0;
}
