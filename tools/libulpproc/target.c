/* target.c -- a process ulp-apply or ulp-status works on.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See target.h.  Memory is read and written through /proc/PID/mem,
   opened once: the descriptor stays bound to the address space it was
   opened on, so an exec of the process between two steps makes the
   next access fail rather than write into the new program.  The kernel
   checks the same permission as for ptrace, so a refusal is diagnosed
   the same way.  */

#include <config.h>

#include "target.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ulp-protocol.h"

static int
mem_io (const struct target *t, uint64_t addr, void *buf, size_t len,
        bool write_p)
{
  size_t done = 0;
  while (done < len)
    {
      ssize_t r = write_p
                  ? pwrite (t->mem_fd, (const char *) buf + done, len - done,
                            (off_t) (addr + done))
                  : pread (t->mem_fd, (char *) buf + done, len - done,
                           (off_t) (addr + done));
      if (r < 0 && errno == EINTR)
        continue;
      if (r == 0)
        {
          /* The address space is gone.  */
          errno = ESRCH;
          return -1;
        }
      if (r < 0)
        return -1;
      done += r;
    }
  return 0;
}

int
target_read (const struct target *t, uint64_t addr, void *buf, size_t len)
{
  return mem_io (t, addr, buf, len, false);
}

int
target_write (const struct target *t, uint64_t addr, const void *buf,
              size_t len)
{
  return mem_io (t, addr, (void *) buf, len, true);
}

static bool
have_cap_sys_ptrace (void)
{
  char buf[4096];
  if (procfs_read ("/proc/self/status", buf, sizeof buf) < 0)
    return false;
  const char *p = strstr (buf, "\nCapEff:");
  if (!p)
    return false;
  unsigned long long caps = strtoull (p + 8, NULL, 16);
  return (caps >> 19) & 1;   /* CAP_SYS_PTRACE */
}

int
target_denied (struct target *t, struct outcome *oc)
{
  uid_t me = geteuid ();
  bool cap = have_cap_sys_ptrace ();
  char yama[16] = "";
  if (procfs_read ("/proc/sys/kernel/yama/ptrace_scope", yama, sizeof yama)
      < 0)
    yama[0] = '\0';
  int scope = yama[0] ? atoi (yama) : 0;
  const struct proc_status *st = &t->status;

  if (!cap && (st->ruid != me || st->euid != me || st->suid != me))
    return outcome_fail (oc, ULP_EXIT_PERMISSION,
                         "permission denied: the process runs as uid %d, you "
                         "are uid %d (tracing another user's process needs "
                         "CAP_SYS_PTRACE)",
                         (int) (st->euid != me ? st->euid : st->ruid),
                         (int) me);
  if (scope >= 3)
    return outcome_fail (oc, ULP_EXIT_PERMISSION,
                         "permission denied: Yama ptrace_scope is %d "
                         "(/proc/sys/kernel/yama/ptrace_scope): no process "
                         "may be traced", scope);
  if (scope == 2 && !cap)
    return outcome_fail (oc, ULP_EXIT_PERMISSION,
                         "permission denied: Yama ptrace_scope is 2 "
                         "(/proc/sys/kernel/yama/ptrace_scope): tracing "
                         "needs CAP_SYS_PTRACE");
  if (scope == 1 && !cap)
    return outcome_fail (oc, ULP_EXIT_PERMISSION,
                         "permission denied: Yama ptrace_scope is 1 "
                         "(/proc/sys/kernel/yama/ptrace_scope): only an "
                         "ancestor may trace a process without "
                         "CAP_SYS_PTRACE");
  /* A process that is not dumpable (set-user-ID, PR_SET_DUMPABLE 0) has
     its /proc files owned by root.  */
  char path[64];
  struct stat sb;
  snprintf (path, sizeof path, "/proc/%d", (int) t->pid);
  if (!cap && stat (path, &sb) == 0 && sb.st_uid != st->euid)
    return outcome_fail (oc, ULP_EXIT_PERMISSION,
                         "permission denied: the process is not dumpable "
                         "(set-user-ID or PR_SET_DUMPABLE 0); tracing it "
                         "needs CAP_SYS_PTRACE");
  return outcome_fail (oc, ULP_EXIT_PERMISSION,
                       "permission denied%s", cap ? " (even with "
                       "CAP_SYS_PTRACE: a security module refuses)" : "");
}

int
target_seize_denied (struct target *t, pid_t tid, struct outcome *oc)
{
  struct proc_status st;
  if (procfs_status (t->pid, tid, &st) == 0 && st.tracer
      && st.tracer != getpid ())
    {
      char comm[64];
      procfs_comm (st.tracer, comm, sizeof comm);
      return outcome_fail (oc, ULP_EXIT_TRACED, "thread %d is already traced "
                           "by process %d (%s)", (int) tid, (int) st.tracer,
                           comm);
    }
  /* The kernel also refuses to trace a thread that has exited, as every
     thread but one does when the process execs, or all when it exits:
     tell those from a refusal by looking whether it is gone.  */
  for (int i = 0; i < 20; i++)
    {
      if (!target_alive (t))
        return outcome_fail (oc, ULP_EXIT_EXITED, "the process exited");
      if (procfs_status (t->pid, tid, &st) != 0 || st.state == 'Z'
          || st.state == 'X')
        return outcome_fail (oc, ULP_EXIT_EXITED, "thread %d exited (did "
                             "the process exec?)", (int) tid);
      usleep (1000);
    }
  return target_denied (t, oc);
}

int
target_open (struct target *t, pid_t pid, bool read_only, struct outcome *oc)
{
  memset (t, 0, sizeof *t);
  return target_open_maps (t, pid, read_only, NULL, oc);
}

static int
open_maps (struct target *t, pid_t pid, bool read_only,
           struct proc_maps *maps, struct outcome *oc)
{
  memset (t, 0, sizeof *t);
  if (maps)
    {
      t->maps = *maps;
      memset (maps, 0, sizeof *maps);
    }
  t->pid = pid;
  t->mem_fd = -1;
  int e = procfs_status (pid, 0, &t->status);
  if (e == ESRCH)
    return outcome_fail (oc, ULP_EXIT_NO_PROCESS, "no such process");
  if (e)
    return outcome_fail (oc, ULP_EXIT_FAIL, "cannot read /proc/%d/status: "
                         "%s", (int) pid, strerror (e));
  if (t->status.tgid != pid)
    return outcome_fail (oc, ULP_EXIT_NO_PROCESS, "no such process (%d is "
                         "a thread of process %d)", (int) pid,
                         (int) t->status.tgid);
  if (t->status.state == 'Z' || t->status.state == 'X')
    return outcome_fail (oc, ULP_EXIT_NO_PROCESS, "no such process (it has "
                         "exited)");
  snprintf (t->comm, sizeof t->comm, "%s", t->status.name);
  if ((e = procfs_starttime (pid, &t->starttime)))
    return outcome_fail (oc, e == ESRCH ? ULP_EXIT_NO_PROCESS : ULP_EXIT_FAIL,
                         "no such process");
  if (!read_only && t->status.tracer && t->status.tracer != getpid ())
    {
      char comm[64];
      procfs_comm (t->status.tracer, comm, sizeof comm);
      return outcome_fail (oc, ULP_EXIT_TRACED, "already traced by process "
                           "%d (%s)", (int) t->status.tracer, comm);
    }
  e = t->maps.v ? 0 : procfs_maps (pid, &t->maps);
  if (e == EACCES || e == EPERM)
    return target_denied (t, oc);
  if (e)
    return outcome_fail (oc, e == ESRCH ? ULP_EXIT_NO_PROCESS : ULP_EXIT_FAIL,
                         e == ESRCH ? "no such process"
                                    : "cannot read its maps: %s",
                         strerror (e));
  if (t->maps.n == 0)
    {
      /* A kernel thread has no program; a process in the middle of an
         exec has one but, for a moment, no mappings.  */
      char exe[64], buf[16];
      snprintf (exe, sizeof exe, "/proc/%d/exe", (int) pid);
      if (readlink (exe, buf, sizeof buf) > 0)
        return outcome_fail (oc, ULP_EXIT_EXITED, "the process exec'ed");
      return outcome_fail (oc, ULP_EXIT_FAIL, "a kernel thread has no user "
                           "space to patch");
    }
  /* Opening /proc/PID/mem asks exactly what ptrace asks.  */
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/mem", (int) pid);
  t->mem_fd = open (path, O_RDWR | O_CLOEXEC);
  if (t->mem_fd < 0 && read_only && (errno == EPERM || errno == EACCES))
    t->mem_fd = open (path, O_RDONLY | O_CLOEXEC);
  if (t->mem_fd < 0)
    {
      if (errno == EPERM || errno == EACCES)
        return target_denied (t, oc);
      return outcome_fail (oc, errno == ENOENT || errno == ESRCH
                               ? ULP_EXIT_NO_PROCESS : ULP_EXIT_FAIL,
                           errno == ENOENT || errno == ESRCH
                           ? "no such process" : "cannot open %s: %s", path,
                           strerror (errno));
    }
  return 0;
}

/* On failure nothing stays allocated or open: callers do not close a
   target they could not open (ulp-status looks at every process, most
   of which it cannot open).  */
int
target_open_maps (struct target *t, pid_t pid, bool read_only,
                  struct proc_maps *maps, struct outcome *oc)
{
  int r = open_maps (t, pid, read_only, maps, oc);
  if (r < 0)
    target_close (t);
  return r;
}

void
target_close (struct target *t)
{
  procfs_maps_free (&t->maps);
  if (t->mem_fd >= 0)
    close (t->mem_fd);
  t->mem_fd = -1;
}

bool
target_alive (const struct target *t)
{
  /* An exiting process keeps its /proc entry until it is reaped, as a
     zombie (Z), or dead (X) just before.  */
  unsigned long long st;
  char state;
  return procfs_stat (t->pid, &st, &state) == 0 && st == t->starttime
         && state != 'Z' && state != 'X';
}

int
target_refresh (struct target *t, struct outcome *oc)
{
  struct proc_maps m;
  int e = procfs_maps (t->pid, &m);
  if (e)
    return outcome_fail (oc, ULP_EXIT_EXITED, "the process exited");
  procfs_maps_free (&t->maps);
  t->maps = m;
  return 0;
}

bool
target_bias (struct target *t, const struct proc_map *m, struct objfile *of,
             uint64_t *bias)
{
  (void) t;
  return objfile_bias (of, m, bias);
}

void
target_each_object (struct target *t,
                    bool (*fn) (struct target *, const struct proc_map *,
                                struct objfile *, void *),
                    void *data)
{
  for (size_t i = 0; i < t->maps.n; i++)
    {
      const struct proc_map *m = &t->maps.v[i];
      if (m->inode == 0 || m->path[0] != '/')
        continue;
      bool seen = false;
      for (size_t j = 0; j < i && !seen; j++)
        seen = t->maps.v[j].inode == m->inode
               && t->maps.v[j].dev_major == m->dev_major
               && t->maps.v[j].dev_minor == m->dev_minor;
      if (seen)
        continue;
      struct objfile *of = objfile_get (t->pid, m, NULL);
      if (of && !fn (t, m, of, data))
        return;
    }
}

static const char *
base_name (const char *path)
{
  const char *s = strrchr (path, '/');
  return s ? s + 1 : path;
}

int
target_find_runtime (struct target *t, struct outcome *oc)
{
  (void) oc;
  t->has_runtime = false;
  for (size_t i = 0; i < t->maps.n; i++)
    {
      const struct proc_map *m = &t->maps.v[i];
      const char *b = base_name (m->path);
      if (strncmp (b, "libulp", 6) != 0 || (b[6] != '.' && b[6] != '-'))
        continue;
      struct objfile *of = objfile_get (t->pid, m, NULL);
      uint64_t bias, control, kick;
      if (!of || !objfile_bias (of, m, &bias))
        continue;
      control = objfile_dynsym (of, ULP_CONTROL_SYMBOL, NULL);
      kick = objfile_dynsym (of, ULP_CONTROL_KICK_SYMBOL, NULL);
      if (!control || !kick)
        continue;
      uint64_t start = objfile_dynsym (of, ULP_CONTROL_START_SYMBOL, NULL);
      t->control = bias + control;
      t->kick = bias + kick;
      /* Runtimes that start their worker when loaded have none.  */
      t->start = start ? bias + start : 0;
      t->runtime_path = m->path;
      t->has_runtime = true;
      return 0;
    }
  return 0;
}

/* The interpreter's base address from the auxiliary vector.  */
static uint64_t
at_base (pid_t pid)
{
  char path[64];
  uint64_t v[512];
  snprintf (path, sizeof path, "/proc/%d/auxv", (int) pid);
  ssize_t n = procfs_read (path, (char *) v, sizeof v);
  for (ssize_t i = 0; i + 1 < n / 8; i += 2)
    if (v[i] == AT_BASE)
      return v[i + 1];
  return 0;
}

int
target_find_libc (struct target *t, struct outcome *oc)
{
  if (t->restorer)
    return 0;
  const struct proc_map *libc_map = NULL;
  for (size_t i = 0; i < t->maps.n && !libc_map; i++)
    {
      const char *b = base_name (t->maps.v[i].path);
      if (strncmp (b, "libc.so", 7) == 0 || strncmp (b, "libc-2.", 7) == 0)
        libc_map = &t->maps.v[i];
    }
  /* A dynamic program (it has an interpreter) without libc yet is in
     the middle of an exec, loading its libraries.  */
  if (!libc_map && at_base (t->pid) != 0 && target_alive (t))
    return outcome_fail (oc, ULP_EXIT_EXITED, "the process exec'ed (its "
                         "libraries are still being loaded)");
  if (!libc_map)
    return outcome_fail (oc, ULP_EXIT_FAIL, "no C library is mapped "
                         "(a static program?): cannot call into it");
  struct outcome why;
  t->libc = objfile_get (t->pid, libc_map, &why);
  if (!t->libc || !objfile_bias (t->libc, libc_map, &t->libc_bias))
    return outcome_fail (oc, ULP_EXIT_FAIL, "cannot read %s: %s",
                         libc_map->path,
                         t->libc ? "no segment" : why.message);
  static const unsigned char restore_rt[] = {
    0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00,   /* mov $15,%rax */
    0x0f, 0x05                                  /* syscall */
  };
  uint64_t r = objfile_find_code (t->libc, restore_rt, sizeof restore_rt);
  if (!r)
    return outcome_fail (oc, ULP_EXIT_FAIL, "no sigreturn trampoline in %s",
                         libc_map->path);
  t->restorer = t->libc_bias + r;
  return 0;
}

/* Only --load-runtime needs dlopen: looking a name up reads the whole
   of libc's dynamic symbol table, which would otherwise be most of the
   work ulp-apply does for an apply.  */
int
target_find_dlopen (struct target *t, struct outcome *oc)
{
  if (t->dlopen)
    return 0;
  if (target_find_libc (t, oc) < 0)
    return -1;
  uint64_t d = objfile_dynsym (t->libc, "dlopen", NULL);
  if (!d)
    d = objfile_dynsym (t->libc, "__libc_dlopen_mode", NULL);
  if (!d)
    return outcome_fail (oc, ULP_EXIT_FAIL, "no dlopen in the process's C "
                         "library");
  t->dlopen = t->libc_bias + d;
  return 0;
}

int
target_find_ldso (struct target *t, struct outcome *oc)
{
  (void) oc;
  if (t->ldso)
    return 0;
  uint64_t base = at_base (t->pid);
  const struct proc_map *lm = base ? procfs_map_at (&t->maps, base) : NULL;
  if (lm)
    {
      t->ldso = objfile_get (t->pid, lm, NULL);
      if (t->ldso && !objfile_bias (t->ldso, lm, &t->ldso_bias))
        t->ldso = NULL;
      t->ldso_lo = UINT64_MAX;
      t->ldso_hi = 0;
      for (size_t i = 0; i < t->maps.n; i++)
        {
          const struct proc_map *m = &t->maps.v[i];
          if (m->inode != lm->inode || m->dev_major != lm->dev_major
              || m->dev_minor != lm->dev_minor || !m->x)
            continue;
          if (m->start < t->ldso_lo)
            t->ldso_lo = m->start;
          if (m->end > t->ldso_hi)
            t->ldso_hi = m->end;
        }
      if (t->ldso_lo > t->ldso_hi)
        t->ldso_lo = t->ldso_hi = 0;
    }
  return 0;
}
