/* target.h -- a process ulp-apply or ulp-status works on.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A struct target names one process (its pid and start time, which
   together survive pid reuse), checks that we may work on it (and says
   why not: uid, Yama, dumpability, another tracer), reads and writes
   its memory, and finds in it what the tools need: the runtime's
   mailbox, libc's sigreturn trampoline and dlopen, the dynamic loader,
   and its live-patchable objects.  */

#ifndef ULP_TARGET_H
#define ULP_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "objfile.h"
#include "outcome.h"
#include "procfs.h"

struct target
{
  pid_t pid;
  unsigned long long starttime;
  char comm[64];
  struct proc_status status;
  struct proc_maps maps;
  int mem_fd;            /* /proc/PID/mem, bound to the address space
                            seen at target_open: after an exec, reads
                            and writes fail instead of landing in the
                            new image.  */

  /* The runtime, when target_find_runtime found it.  */
  bool has_runtime;
  uint64_t control;      /* &ulp_control (ulp-protocol.h).  */
  uint64_t kick;         /* ulp_control_kick.  */
  uint64_t start;        /* ulp_control_start, or 0.  */
  const char *runtime_path;

  /* libc and the loader (target_find_libc).  */
  uint64_t restorer;     /* `mov $15,%rax; syscall'.  */
  uint64_t dlopen;       /* target_find_dlopen.  */
  struct objfile *libc;
  uint64_t libc_bias;
  struct objfile *ldso;
  uint64_t ldso_bias;
  uint64_t ldso_lo, ldso_hi;   /* its executable mappings.  */
};

/* Check PID exists and may be traced, and read its maps.  For
   READ_ONLY (ulp-status), another tracer is no obstacle.  */
int target_open (struct target *t, pid_t pid, bool read_only,
                 struct outcome *oc);
void target_close (struct target *t);

/* The same, taking over MAPS already read (or reading them when MAPS
   is NULL).  */
int target_open_maps (struct target *t, pid_t pid, bool read_only,
                      struct proc_maps *maps, struct outcome *oc);

/* Explain why PID may not be traced, as one line, into *OC with
   ULP_EXIT_PERMISSION.  */
int target_denied (struct target *t, struct outcome *oc);

/* PTRACE_SEIZE of thread TID failed with EPERM: another tracer holds
   that thread (ULP_EXIT_TRACED), or target_denied.  */
int target_seize_denied (struct target *t, pid_t tid, struct outcome *oc);

/* Whether the process is still the one opened (not exited, not
   replaced by another with the same pid).  Exec keeps the start time:
   see target_same_image.  */
bool target_alive (const struct target *t);

/* Read the maps again (after dlopen, or to notice an exec).  */
int target_refresh (struct target *t, struct outcome *oc);

/* Read or write LEN bytes at ADDR: 0, or -1 with errno (ESRCH when the
   address space opened is gone: the process exited or exec'ed).  */
int target_read (const struct target *t, uint64_t addr, void *buf,
                 size_t len);
int target_write (const struct target *t, uint64_t addr, const void *buf,
                  size_t len);

/* Find libulp's mailbox: sets HAS_RUNTIME, CONTROL, KICK.  Not finding
   it is not an error (returns 0).  */
int target_find_runtime (struct target *t, struct outcome *oc);

/* Find libc and its sigreturn trampoline.  */
int target_find_libc (struct target *t, struct outcome *oc);

/* Find libc's dlopen (after target_find_libc, which it calls).  */
int target_find_dlopen (struct target *t, struct outcome *oc);

/* Find the dynamic loader (from the auxiliary vector's AT_BASE).  */
int target_find_ldso (struct target *t, struct outcome *oc);

/* Call FN for every mapped ELF file of the process (once per file, with
   its first mapping); FN returns false to stop.  */
void target_each_object (struct target *t,
                         bool (*fn) (struct target *, const struct proc_map *,
                                     struct objfile *, void *),
                         void *data);

/* The load bias of the file mapped by M.  */
bool target_bias (struct target *t, const struct proc_map *m,
                  struct objfile *of, uint64_t *bias);

#endif /* ULP_TARGET_H */
