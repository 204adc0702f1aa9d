/* procfs.c -- processes and threads as /proc describes them.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See procfs.h.  /proc files are read whole with read(2): the kernel
   generates them at each read, and a file read in several calls could
   mix two states of a process that is changing.  */

#include <config.h>

#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t
procfs_read (const char *path, char *buf, size_t size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? -ESRCH : -errno;
  size_t len = 0;
  while (len + 1 < size)
    {
      ssize_t r = read (fd, buf + len, size - 1 - len);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          int e = errno;
          close (fd);
          /* A process that exits while we read gives ESRCH or EIO.  */
          return -(e == EIO ? ESRCH : e);
        }
      if (r == 0)
        break;
      len += r;
    }
  close (fd);
  buf[len] = '\0';
  return len;
}

/* Read PATH whole into a malloc'ed, NUL-terminated buffer.  */

static int
read_all (const char *path, char **text, size_t *len)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? ESRCH : errno;
  size_t cap = 16384, n = 0;
  char *buf = malloc (cap);
  if (!buf)
    {
      close (fd);
      return ENOMEM;
    }
  for (;;)
    {
      if (cap - n < 4096)
        {
          char *nb = realloc (buf, cap * 2);
          if (!nb)
            {
              free (buf);
              close (fd);
              return ENOMEM;
            }
          buf = nb;
          cap *= 2;
        }
      ssize_t r = read (fd, buf + n, cap - n - 1);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          int e = errno;
          free (buf);
          close (fd);
          return e == EIO ? ESRCH : e;
        }
      if (r == 0)
        break;
      n += r;
    }
  close (fd);
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return 0;
}

static uint64_t
hex (const char **p)
{
  uint64_t v = 0;
  for (;; (*p)++)
    {
      int c = **p, d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        return v;
      v = v << 4 | d;
    }
}

static uint64_t
dec (const char **p)
{
  uint64_t v = 0;
  while (**p >= '0' && **p <= '9')
    v = v * 10 + (*(*p)++ - '0');
  return v;
}

int
procfs_maps (pid_t pid, struct proc_maps *maps)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/maps", (int) pid);
  size_t len = 0;
  memset (maps, 0, sizeof *maps);
  int e = read_all (path, &maps->text, &len);
  if (e)
    return e;
  size_t lines = 0;
  for (size_t i = 0; i < len; i++)
    lines += maps->text[i] == '\n';
  maps->v = calloc (lines + 1, sizeof *maps->v);
  if (!maps->v)
    {
      free (maps->text);
      return ENOMEM;
    }
  char *p = maps->text;
  while (*p)
    {
      char *eol = strchr (p, '\n');
      if (eol)
        *eol = '\0';
      struct proc_map *m = &maps->v[maps->n];
      const char *q = p;
      m->start = hex (&q);
      q += *q == '-';
      m->end = hex (&q);
      q += *q == ' ';
      m->r = q[0] == 'r';
      m->w = q[1] == 'w';
      m->x = q[2] == 'x';
      m->shared = q[3] == 's';
      q += 5;
      m->offset = hex (&q);
      q += *q == ' ';
      m->dev_major = hex (&q);
      q += *q == ':';
      m->dev_minor = hex (&q);
      q += *q == ' ';
      m->inode = dec (&q);
      while (*q == ' ')
        q++;
      m->path = q;
      size_t pl = strlen (q);
      static const char del[] = " (deleted)";
      if (pl > sizeof del - 1 && strcmp (q + pl - (sizeof del - 1), del) == 0)
        {
          m->deleted = true;
          ((char *) q)[pl - (sizeof del - 1)] = '\0';
        }
      if (m->end > m->start)
        maps->n++;
      if (!eol)
        break;
      p = eol + 1;
    }
  return 0;
}

void
procfs_maps_free (struct proc_maps *maps)
{
  free (maps->v);
  free (maps->text);
  memset (maps, 0, sizeof *maps);
}

const struct proc_map *
procfs_map_at (const struct proc_maps *maps, uint64_t addr)
{
  size_t lo = 0, hi = maps->n;
  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      if (addr < maps->v[mid].start)
        hi = mid;
      else if (addr >= maps->v[mid].end)
        lo = mid + 1;
      else
        return &maps->v[mid];
    }
  return NULL;
}

static int
cmp_pid (const void *a, const void *b)
{
  pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
  return x < y ? -1 : x > y;
}

/* The numeric entries of the open directory D other than SKIP, in
   directory order, malloc'ed into *OUT and *N; closes D.  0 or
   ENOMEM.  */
static int
read_ids (DIR *d, pid_t skip, pid_t **out, size_t *n)
{
  size_t cap = 64, k = 0;
  pid_t *v = malloc (cap * sizeof *v);
  struct dirent *de;
  while (v && (de = readdir (d)) != NULL)
    {
      if (de->d_name[0] < '1' || de->d_name[0] > '9')
        continue;
      pid_t id = (pid_t) atoi (de->d_name);
      if (id == skip)
        continue;
      if (k == cap)
        {
          pid_t *nv = realloc (v, 2 * cap * sizeof *nv);
          if (!nv)
            {
              free (v);
              v = NULL;
              break;
            }
          v = nv;
          cap *= 2;
        }
      v[k++] = id;
    }
  closedir (d);
  if (!v)
    return ENOMEM;
  *out = v;
  *n = k;
  return 0;
}

int
procfs_pids (pid_t **pids, size_t *n)
{
  DIR *d = opendir ("/proc");
  if (!d)
    return errno;
  int e = read_ids (d, getpid (), pids, n);
  if (e == 0)
    qsort (*pids, *n, sizeof **pids, cmp_pid);
  return e;
}

int
procfs_tasks (pid_t pid, pid_t **tids, size_t *n)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/task", (int) pid);
  DIR *d = opendir (path);
  if (!d)
    return errno == ENOENT ? ESRCH : errno;
  int e = read_ids (d, 0, tids, n);
  if (e == 0 && *n == 0)
    {
      /* A task directory with no thread: the process is gone.  */
      free (*tids);
      return ESRCH;
    }
  return e;
}

static const char *
field (const char *text, const char *name)
{
  size_t nl = strlen (name);
  for (const char *p = text; p && *p; p = strchr (p, '\n'), p = p ? p + 1 : p)
    if (strncmp (p, name, nl) == 0 && p[nl] == ':')
      {
        p += nl + 1;
        while (*p == ' ' || *p == '\t')
          p++;
        return p;
      }
  return NULL;
}

int
procfs_status (pid_t pid, pid_t tid, struct proc_status *st)
{
  char path[64], buf[4096];
  if (tid)
    snprintf (path, sizeof path, "/proc/%d/task/%d/status", (int) pid,
              (int) tid);
  else
    snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  ssize_t len = procfs_read (path, buf, sizeof buf);
  if (len < 0)
    return -len;
  memset (st, 0, sizeof *st);
  const char *p;
  if ((p = field (buf, "Name")))
    {
      size_t n = strcspn (p, "\n");
      if (n >= sizeof st->name)
        n = sizeof st->name - 1;
      memcpy (st->name, p, n);
    }
  if ((p = field (buf, "State")))
    st->state = *p;
  if ((p = field (buf, "Tgid")))
    st->tgid = (pid_t) dec (&p);
  if ((p = field (buf, "TracerPid")))
    st->tracer = (pid_t) dec (&p);
  if ((p = field (buf, "Uid")))
    {
      st->ruid = (uid_t) dec (&p);
      while (*p == '\t' || *p == ' ')
        p++;
      st->euid = (uid_t) dec (&p);
      while (*p == '\t' || *p == ' ')
        p++;
      st->suid = (uid_t) dec (&p);
    }
  if ((p = field (buf, "SigPnd")))
    st->sigpnd = hex (&p);
  if ((p = field (buf, "ShdPnd")))
    st->shdpnd = hex (&p);
  if ((p = field (buf, "SigBlk")))
    st->sigblk = hex (&p);
  if ((p = field (buf, "SigIgn")))
    st->sigign = hex (&p);
  if ((p = field (buf, "SigCgt")))
    st->sigcgt = hex (&p);
  if ((p = field (buf, "x86_Thread_features")))
    {
      size_t n = strcspn (p, "\n");
      for (const char *q = p; q + 5 <= p + n; q++)
        if (strncmp (q, "shstk", 5) == 0)
          st->shadow_stack = true;
    }
  return 0;
}

int
procfs_starttime (pid_t pid, unsigned long long *start)
{
  char state;
  return procfs_stat (pid, start, &state);
}

int
procfs_stat (pid_t pid, unsigned long long *start, char *state)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  ssize_t len = procfs_read (path, buf, sizeof buf);
  if (len < 0)
    return -len;
  /* The command may hold spaces and parentheses: fields start after
     the last ')'.  Field 3 is the state; starttime is field 22.  */
  const char *p = strrchr (buf, ')');
  if (!p)
    return EINVAL;
  p++;
  *state = p[0] == ' ' ? p[1] : '?';
  for (int f = 3; f < 22 && *p; f++)
    {
      while (*p == ' ')
        p++;
      while (*p && *p != ' ')
        p++;
    }
  while (*p == ' ')
    p++;
  *start = dec (&p);
  return 0;
}

int
procfs_syscall (pid_t pid, pid_t tid, long *nr, uint64_t *arg0)
{
  char path[64], buf[512];
  snprintf (path, sizeof path, "/proc/%d/task/%d/syscall", (int) pid,
            (int) tid);
  ssize_t len = procfs_read (path, buf, sizeof buf);
  if (len < 0)
    return -len;
  const char *p = buf;
  if (strncmp (p, "running", 7) == 0)
    {
      *nr = -2;
      return 0;
    }
  if (*p == '-')
    {
      *nr = -1;
      return 0;
    }
  *nr = (long) dec (&p);
  if (arg0)
    {
      while (*p == ' ')
        p++;
      if (p[0] == '0' && p[1] == 'x')
        p += 2;
      *arg0 = hex (&p);
    }
  return 0;
}

void
procfs_comm (pid_t pid, char *buf, size_t size)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/comm", (int) pid);
  if (procfs_read (path, buf, size) <= 0)
    snprintf (buf, size, "?");
  buf[strcspn (buf, "\n")] = '\0';
}
