/* procfs.h -- processes and threads as /proc describes them.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-apply and ulp-status learn everything they can about a process
   from /proc before they touch it: its mappings, threads, owner,
   tracer, signal masks and start time.  This module reads those files
   with plain read(2) into caller-owned buffers, with no stdio, so that
   scanning hundreds of processes stays cheap.  Functions return 0 or
   an errno value (ESRCH when the process or thread is gone).  */

#ifndef ULP_PROCFS_H
#define ULP_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One line of /proc/PID/maps.  */
struct proc_map
{
  uint64_t start, end, offset;
  bool r, w, x, shared;
  unsigned dev_major, dev_minor;
  uint64_t inode;
  const char *path;  /* "" for anonymous mappings; points into the
                        owning struct proc_maps.  */
  bool deleted;      /* the file was deleted or replaced on disk.  */
};

struct proc_maps
{
  struct proc_map *v;
  size_t n;
  char *text;        /* the file's contents, which PATHs point into.  */
};

int procfs_maps (pid_t pid, struct proc_maps *maps);
void procfs_maps_free (struct proc_maps *maps);

/* The mapping that contains ADDR, or NULL.  */
const struct proc_map *procfs_map_at (const struct proc_maps *maps,
                                      uint64_t addr);

/* The pids of every process in /proc but the caller, ascending,
   malloc'ed into *PIDS (ulp-status with no PID, ulp-apply --all and
   --repo --all).  */
int procfs_pids (pid_t **pids, size_t *n);

/* The thread ids of PID, in directory order, malloc'ed into *TIDS.  */
int procfs_tasks (pid_t pid, pid_t **tids, size_t *n);

/* What /proc/PID[/task/TID]/status says.  */
struct proc_status
{
  char name[64];
  char state;            /* R, S, D, T, t, Z, X ...  */
  pid_t tgid;
  pid_t tracer;          /* TracerPid, 0 when not traced.  */
  uid_t ruid, euid, suid;
  uint64_t sigblk, sigpnd, shdpnd, sigign, sigcgt;
  bool shadow_stack;     /* x86_Thread_features lists shstk.  */
};

/* TID 0: the process.  */
int procfs_status (pid_t pid, pid_t tid, struct proc_status *st);

/* Start time of PID in clock ticks since boot (stat field 22): with
   the pid, it names one process across pid reuse.  */
int procfs_starttime (pid_t pid, unsigned long long *start);

/* The same and the process state (stat field 3: R, S, Z ...).  */
int procfs_stat (pid_t pid, unsigned long long *start, char *state);

/* /proc/PID/task/TID/syscall: *NR is the system call the thread is
   blocked in, -1 when it is blocked outside one, and -2 when it is
   running.  ARG0 gets the first argument when NR >= 0.  */
int procfs_syscall (pid_t pid, pid_t tid, long *nr, uint64_t *arg0);

/* The command name of PID (comm), or "?".  */
void procfs_comm (pid_t pid, char *buf, size_t size);

/* Read the whole small file PATH into BUF (NUL-terminated, truncated to
   SIZE - 1 bytes); return the length, or -errno.  */
ssize_t procfs_read (const char *path, char *buf, size_t size);

#endif /* ULP_PROCFS_H */
