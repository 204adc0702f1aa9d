/* objfile.h -- the ELF files mapped into a process, read with libelf.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-apply and ulp-status find their way around another process by
   reading, from disk, the files it has mapped: the dynamic symbols of
   libulp (the mailbox), of libc and ld.so (dlopen, glibc's thread
   list), the ULP notes of live-patchable objects, sonames and
   build-ids.  This module opens such a file the way the process sees
   it (through /proc/PID/map_files, then /proc/PID/root, so deleted
   files and other mount namespaces work), checks it is the very file
   mapped (device and inode), and answers those questions.  Files are
   cached by device and inode, so a scan of many processes reads each
   shared library once.  */

#ifndef ULP_OBJFILE_H
#define ULP_OBJFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"
#include "ulp-meta.h"
#include "procfs.h"

struct objfile;

/* The file mapped by M in process PID, from the cache or opened now;
   NULL with the reason in *OC (ULP_EXIT_FAIL, the message without the
   file name) when it cannot be read.  Owned by the cache.  */
struct objfile *objfile_get (pid_t pid, const struct proc_map *m,
                             struct outcome *oc);

/* Open a file by path (a patch, a runtime to load), not cached; close
   it with objfile_close.  NULL with *OC as for objfile_get.  */
struct objfile *objfile_open_path (const char *path, struct outcome *oc);
void objfile_close (struct objfile *of);

/* Release the cache.  */
void objfile_cache_clear (void);

/* DT_SONAME, or the file name's last component.  */
const char *objfile_soname (const struct objfile *of);

/* The GNU build-id (by the rule of ulp-note.h) in lower-case hex, ""
   when none.  */
const char *objfile_build_id (const struct objfile *of);

/* The ULP note, when the file is live-patchable (ulp_note_decode
   accepts its note).  */
bool objfile_ulp_note (const struct objfile *of, struct ulp_note *note);

/* Link-time value of the dynamic symbol NAME (a default or the only
   version), 0 when absent.  *SIZE gets its size when SIZE is set.  */
uint64_t objfile_dynsym (struct objfile *of, const char *name,
                         uint64_t *size);

/* The span [*LO, *HI) covered by those of the dynamic symbols NAMES
   (a NULL-terminated list) that the file has; false when none.  */
bool objfile_dynsym_span (struct objfile *of, const char *const *names,
                          uint64_t *lo, uint64_t *hi);

/* The start of the last dynamic function symbol before LO (0 when
   none) and of the first at or after HI (UINT64_MAX when none): the
   static functions that sit around a group of exported ones lie
   between the two.  */
void objfile_dynsym_neighbours (struct objfile *of, uint64_t lo, uint64_t hi,
                                uint64_t *before, uint64_t *after);

/* Link-time address of the first occurrence of the LEN bytes PAT in an
   executable segment, 0 when none.  */
uint64_t objfile_find_code (const struct objfile *of, const void *pat,
                            size_t len);

/* LEN bytes at link-time address VADDR as the file holds them, or NULL
   (for data the loader initialises: .rodata, descriptors).  */
const void *objfile_bytes (const struct objfile *of, uint64_t vaddr,
                           uint64_t len);

/* A NUL-terminated string at link-time VADDR, or NULL.  */
const char *objfile_string (const struct objfile *of, uint64_t vaddr);

/* The file's loaded contents, for the patch-table reader of
   ulp-format.h.  */
struct ulp_image;
void objfile_image (const struct objfile *of, struct ulp_image *im);

/* Executable segments' link-time span.  */
void objfile_text_span (const struct objfile *of, uint64_t *lo,
                        uint64_t *hi);

/* PT_TLS: link-time address and memory size; false when none.  */
bool objfile_tls (const struct objfile *of, uint64_t *vaddr,
                  uint64_t *memsz);

/* Load bias of the file in a process, from the mapping M of it
   (whichever of its mappings): M's start minus the link-time address
   of the segment M maps.  False when no segment matches.  */
bool objfile_bias (const struct objfile *of, const struct proc_map *m,
                   uint64_t *bias);

/* Device and inode of the file.  */
void objfile_id (const struct objfile *of, uint64_t *dev, uint64_t *ino);

/* The path it was opened with.  */
const char *objfile_path (const struct objfile *of);

#endif /* ULP_OBJFILE_H */
