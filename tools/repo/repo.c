/* repo.c -- a repository of live patches indexed by build-id.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The index (see repo.h for its layout) is read, validated line by
   line and written back whole here; adding a patch copies the file in
   and renames a new index over the old one, under an flock(2) lock on
   DIR/.lock so that two writers cannot lose each other's entries.
   ulp-apply --repo finds, in each process, the live-patchable objects
   the repository has patches for (by build-id), asks the process's
   runtime which patches it has applied at which version (the "status"
   request), and sends one "apply" request per patch that is newer.
   The runtime itself refuses a version that is not newer, so a race
   with another ulp-apply cannot downgrade anything.  */

#include <config.h>

#include "repo.h"
#include "arm-check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "loadrt.h"
#include "mailbox.h"
#include "objfile.h"
#include "outcome.h"
#include "patchinfo.h"
#include "proclock.h"
#include "ptrace-inject.h"
#include "target.h"
#include "ulp-hex.h"

#define INDEX_HEADER "ulp-repo 1"

static void __attribute__ ((format (printf, 3, 4)))
say (char *msg, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, size, fmt, ap);
  va_end (ap);
}

/* ------------------------------------------------------------------ */
/* Trust.                                                              */
/* ------------------------------------------------------------------ */

int
repo_trusted (const char *path, bool dir, char *msg, size_t size)
{
  struct stat st;
  if (stat (path, &st) < 0)
    {
      say (msg, size, "%s", strerror (errno));
      return -1;
    }
  if (dir ? !S_ISDIR (st.st_mode) : !S_ISREG (st.st_mode))
    {
      say (msg, size, dir ? "not a directory" : "not a regular file");
      return -1;
    }
  /* Whoever may write it may make every process that trusts it run
     code of their choosing.  */
  if (st.st_uid != 0 && st.st_uid != getuid ())
    {
      say (msg, size, "owned by uid %u, not by root or the invoking user "
           "(uid %u): not trusted", (unsigned) st.st_uid,
           (unsigned) getuid ());
      return -2;
    }
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    {
      say (msg, size, "writable by %s (mode %04o): not trusted",
           st.st_mode & S_IWOTH ? "others" : "its group",
           (unsigned) (st.st_mode & 07777));
      return -2;
    }
  return 0;
}

/* ------------------------------------------------------------------ */
/* SHA-256.                                                            */
/* ------------------------------------------------------------------ */

/* Hash what is read from FD to its end, writing it to OUT_FD too when
   that is >= 0.  */
static int
hash_fd (int fd, int out_fd, char out[65])
{
  struct sha256_ctx ctx;
  sha256_init (&ctx);
  unsigned char buf[65536];
  for (;;)
    {
      ssize_t n = read (fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      sha256_update (&ctx, (size_t) n, buf);
      for (ssize_t off = 0; out_fd >= 0 && off < n;)
        {
          ssize_t w = write (out_fd, buf + off, (size_t) (n - off));
          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            return -1;
          off += w;
        }
    }
  unsigned char d[SHA256_DIGEST_SIZE];
  sha256_digest (&ctx, sizeof d, d);
  ulp_hex (d, sizeof d, out);
  return 0;
}

int
repo_sha256 (const char *path, char out[65])
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int r = hash_fd (fd, -1, out);
  int e = errno;
  close (fd);
  errno = e;
  return r;
}

/* ------------------------------------------------------------------ */
/* The index.                                                          */
/* ------------------------------------------------------------------ */

static bool
is_hex (const char *s, size_t min, size_t max)
{
  size_t n = strlen (s);
  return n >= min && n <= max && strspn (s, "0123456789abcdef") == n;
}

static bool
good_file_name (const char *s)
{
  return *s && *s != '.' && !strchr (s, '/') && strlen (s) < 256;
}

/* A name that fits in an index field.  */
static bool
good_field (const char *s, size_t max)
{
  if (!*s || strlen (s) >= max)
    return false;
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    if (*p <= ' ' || *p == 0x7f)
      return false;
  return true;
}

static int
push (struct repo *r, const struct repo_entry *e)
{
  if (r->n == r->cap)
    {
      size_t cap = r->cap ? 2 * r->cap : 32;
      struct repo_entry *v = realloc (r->e, cap * sizeof *v);
      if (!v)
        return -1;
      r->e = v;
      r->cap = cap;
    }
  r->e[r->n++] = *e;
  return 0;
}

void
repo_free (struct repo *r)
{
  free (r->e);
  r->e = NULL;
  r->n = r->cap = 0;
}

/* Parse line LINENO (NUL-terminated, without its newline) into *E.
   1: an entry; 0: blank or comment; -1: error in MSG.  */
static int
parse_line (char *line, size_t lineno, struct repo_entry *e, char *msg,
            size_t size)
{
  if (line[0] == '\0' || line[0] == '#')
    return 0;
  char *f[7];
  size_t nf = 0;
  for (char *p = line; *p;)
    {
      while (*p == ' ' || *p == '\t')
        *p++ = '\0';
      if (!*p)
        break;
      if (nf < 7)
        f[nf] = p;
      nf++;
      while (*p && *p != ' ' && *p != '\t')
        p++;
    }
  if (nf == 0)
    return 0;
  if (nf != 6)
    {
      say (msg, size, "line %zu: %zu field%s, expected 6 (BUILD-ID SONAME "
           "NAME VERSION FILE SHA256)", lineno, nf, nf == 1 ? "" : "s");
      return -1;
    }
  memset (e, 0, sizeof *e);
  if (!is_hex (f[0], 2, 128) || strlen (f[0]) % 2)
    {
      say (msg, size, "line %zu: bad build-id '%.140s' (lower-case hex)",
           lineno, f[0]);
      return -1;
    }
  if (!good_field (f[1], sizeof e->soname))
    {
      say (msg, size, "line %zu: bad soname '%.260s'", lineno, f[1]);
      return -1;
    }
  if (!good_field (f[2], sizeof e->name))
    {
      say (msg, size, "line %zu: bad patch name '%.140s'", lineno, f[2]);
      return -1;
    }
  char *end;
  errno = 0;
  unsigned long v = strtoul (f[3], &end, 10);
  if (f[3][0] < '1' || f[3][0] > '9' || *end || errno || v > UINT32_MAX)
    {
      say (msg, size, "line %zu: bad version '%.40s' (a number from 1 to "
           "%u)", lineno, f[3], UINT32_MAX);
      return -1;
    }
  if (!good_file_name (f[4]))
    {
      say (msg, size, "line %zu: bad file name '%.260s' (a name in the "
           "repository, without '/', not starting with '.')", lineno, f[4]);
      return -1;
    }
  if (!is_hex (f[5], 64, 64))
    {
      say (msg, size, "line %zu: bad SHA-256 '%.80s' (64 lower-case hex "
           "digits)", lineno, f[5]);
      return -1;
    }
  strcpy (e->build_id, f[0]);
  strcpy (e->soname, f[1]);
  strcpy (e->name, f[2]);
  e->version = (uint32_t) v;
  strcpy (e->file, f[4]);
  strcpy (e->sha256, f[5]);
  return 1;
}

int
repo_load (const char *dir, struct repo *r, bool missing_ok, char *msg,
           size_t size)
{
  memset (r, 0, sizeof *r);
  snprintf (r->dir, sizeof r->dir, "%s", dir);
  char why[300];
  int k = repo_trusted (dir, true, why, sizeof why);
  if (k < 0)
    {
      r->untrusted = k == -2;
      say (msg, size, "%s: %s", dir, why);
      return -1;
    }
  char path[4200];
  snprintf (path, sizeof path, "%s/index", dir);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT && missing_ok)
        return 0;
      say (msg, size, "%s: %s", path, strerror (errno));
      return -1;
    }
  /* Check the file opened, not whatever the name points to later.  */
  char fdpath[64];
  snprintf (fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
  k = repo_trusted (fdpath, false, why, sizeof why);
  if (k < 0)
    {
      r->untrusted = k == -2;
      close (fd);
      say (msg, size, "%s: %s", path, why);
      return -1;
    }
  size_t cap = 65536, len = 0;
  char *text = malloc (cap + 1);
  for (;;)
    {
      if (!text)
        {
          close (fd);
          say (msg, size, "%s: out of memory", path);
          return -1;
        }
      ssize_t n = read (fd, text + len, cap - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          close (fd);
          free (text);
          say (msg, size, "%s: %s", path, strerror (e));
          return -1;
        }
      if (n == 0)
        break;
      len += (size_t) n;
      if (len == cap)
        {
          if (cap >= (64u << 20))
            {
              close (fd);
              free (text);
              say (msg, size, "%s: larger than 64 MiB", path);
              return -1;
            }
          cap *= 2;
          char *t = realloc (text, cap + 1);
          if (!t)
            free (text);
          text = t;
        }
    }
  close (fd);
  text[len] = '\0';

  int result = 0;
  size_t lineno = 0;
  char *p = text;
  while (p < text + len)
    {
      char *nl = memchr (p, '\n', (size_t) (text + len - p));
      char *line_end = nl ? nl : text + len;
      lineno++;
      if (memchr (p, '\0', (size_t) (line_end - p)))
        {
          say (msg, size, "%s: line %zu: a NUL byte", path, lineno);
          result = -1;
          break;
        }
      *line_end = '\0';
      if (lineno == 1)
        {
          if (strcmp (p, INDEX_HEADER) != 0)
            {
              say (msg, size, "%s: line 1: not a ulp repository index "
                   "(the first line must be \"%s\")", path, INDEX_HEADER);
              result = -1;
              break;
            }
        }
      else
        {
          struct repo_entry e;
          char lmsg[512];
          int k = parse_line (p, lineno, &e, lmsg, sizeof lmsg);
          if (k < 0)
            {
              say (msg, size, "%s: %s", path, lmsg);
              result = -1;
              break;
            }
          if (k > 0)
            {
              for (size_t i = 0; i < r->n; i++)
                if (r->e[i].version == e.version
                    && strcmp (r->e[i].name, e.name) == 0
                    && strcmp (r->e[i].build_id, e.build_id) == 0)
                  {
                    say (msg, size, "%s: line %zu: %s version %u for "
                         "build-id %s is listed twice", path, lineno,
                         e.name, e.version, e.build_id);
                    result = -1;
                    break;
                  }
              if (result < 0)
                break;
              if (push (r, &e) < 0)
                {
                  say (msg, size, "%s: out of memory", path);
                  result = -1;
                  break;
                }
            }
        }
      p = line_end + 1;
    }
  if (result == 0 && lineno == 0)
    {
      say (msg, size, "%s: empty: not a ulp repository index (the first "
           "line must be \"%s\")", path, INDEX_HEADER);
      result = -1;
    }
  free (text);
  if (result < 0)
    repo_free (r);
  return result;
}

/* Write R's index: a temporary file, synced, renamed over the old
   index, and the directory synced.  */
static int
repo_save (const struct repo *r, char *msg, size_t size)
{
  char tmp[4200], path[4200];
  snprintf (tmp, sizeof tmp, "%s/.index.%ld", r->dir, (long) getpid ());
  snprintf (path, sizeof path, "%s/index", r->dir);
  FILE *f = fopen (tmp, "we");
  if (!f)
    {
      say (msg, size, "%s: %s", tmp, strerror (errno));
      return -1;
    }
  fchmod (fileno (f), 0644);
  fprintf (f, "%s\n# BUILD-ID SONAME NAME VERSION FILE SHA256\n",
           INDEX_HEADER);
  for (size_t i = 0; i < r->n; i++)
    fprintf (f, "%s %s %s %u %s %s\n", r->e[i].build_id, r->e[i].soname,
             r->e[i].name, r->e[i].version, r->e[i].file, r->e[i].sha256);
  if (fflush (f) != 0 || ferror (f) || fsync (fileno (f)) != 0)
    {
      say (msg, size, "%s: %s", tmp, strerror (errno));
      fclose (f);
      unlink (tmp);
      return -1;
    }
  if (fclose (f) != 0 || rename (tmp, path) != 0)
    {
      say (msg, size, "%s: %s", path, strerror (errno));
      unlink (tmp);
      return -1;
    }
  int d = open (r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d >= 0)
    {
      fsync (d);
      close (d);
    }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Adding a patch.                                                     */
/* ------------------------------------------------------------------ */

int
repo_add (const char *dir, const char *patch, char *msg, size_t size)
{
  struct patchinfo pi;
  const char *err;
  if (patchinfo_read (patch, &pi, &err) < 0)
    {
      say (msg, size, "%s: %s", patch, err);
      return -1;
    }
  if (pi.version == 0)
    {
      say (msg, size, "%s: the patch has no version (make it with "
           "ulp-mkpatch --patch-version N): a repository keeps only "
           "versioned patches", patch);
      return -1;
    }
  if (!good_field (pi.name, sizeof pi.name) || strchr (pi.name, '/'))
    {
      say (msg, size, "%s: the patch's name '%s' cannot be indexed (no "
           "spaces, control characters or '/')", patch, pi.name);
      return -1;
    }
  if (!good_field (pi.target, sizeof pi.target)
      || !is_hex (pi.build_id, 2, 128))
    {
      say (msg, size, "%s: the patch's target (soname '%s', build-id '%s') "
           "cannot be indexed", patch, pi.target, pi.build_id);
      return -1;
    }

  if (mkdir (dir, 0755) < 0 && errno != EEXIST)
    {
      say (msg, size, "%s: %s", dir, strerror (errno));
      return -1;
    }
  char why[300];
  if (repo_trusted (dir, true, why, sizeof why) < 0)
    {
      say (msg, size, "%s: %s", dir, why);
      return -1;
    }
  char lockpath[4200];
  snprintf (lockpath, sizeof lockpath, "%s/.lock", dir);
  int lock = open (lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0 || flock (lock, LOCK_EX) < 0)
    {
      say (msg, size, "%s: %s", lockpath, strerror (errno));
      if (lock >= 0)
        close (lock);
      return -1;
    }

  int result = -1;
  struct repo r;
  char tmp[4200] = "";
  if (repo_load (dir, &r, true, msg, size) < 0)
    goto out_unlocked_repo;

  /* Copy it in, hashing the bytes copied.  */
  struct repo_entry e;
  memset (&e, 0, sizeof e);
  snprintf (e.build_id, sizeof e.build_id, "%s", pi.build_id);
  snprintf (e.soname, sizeof e.soname, "%s", pi.target);
  snprintf (e.name, sizeof e.name, "%s", pi.name);
  e.version = pi.version;
  snprintf (e.file, sizeof e.file, "%.100s-v%u-%.16s.so", pi.name,
            pi.version, pi.build_id);
  int in = open (pi.path, O_RDONLY | O_CLOEXEC);
  snprintf (tmp, sizeof tmp, "%s/.add.%ld", dir, (long) getpid ());
  int out = in < 0 ? -1 : open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                0644);
  if (in < 0 || out < 0 || hash_fd (in, out, e.sha256) < 0
      || fchmod (out, 0644) < 0 || fsync (out) < 0)
    {
      say (msg, size, "%s: cannot copy into %s: %s", patch, dir,
           strerror (errno));
      if (in >= 0)
        close (in);
      if (out >= 0)
        close (out);
      unlink (tmp);
      goto out;
    }
  close (in);
  close (out);

  /* The copy is what gets indexed: read it again.  */
  struct patchinfo copied;
  if (patchinfo_read (tmp, &copied, &err) < 0
      || strcmp (copied.build_id, pi.build_id) != 0
      || strcmp (copied.name, pi.name) != 0
      || copied.version != pi.version)
    {
      say (msg, size, "%s: changed while it was being copied", patch);
      unlink (tmp);
      goto out;
    }

  for (size_t i = 0; i < r.n; i++)
    if (r.e[i].version == e.version && strcmp (r.e[i].name, e.name) == 0
        && strcmp (r.e[i].build_id, e.build_id) == 0)
      {
        unlink (tmp);
        if (strcmp (r.e[i].sha256, e.sha256) == 0)
          {
            say (msg, size, "%s version %u for %s (build-id %s) is already "
                 "in %s as %s", e.name, e.version, e.soname, e.build_id,
                 dir, r.e[i].file);
            result = 0;
          }
        else
          say (msg, size, "%s: %s already has another %s version %u for "
               "build-id %s (%s): a new patch needs a new version", patch,
               dir, e.name, e.version, e.build_id, r.e[i].file);
        goto out;
      }

  char dest[4200];
  snprintf (dest, sizeof dest, "%s/%s", dir, e.file);
  if (rename (tmp, dest) < 0)
    {
      say (msg, size, "%s: %s", dest, strerror (errno));
      unlink (tmp);
      goto out;
    }
  if (push (&r, &e) < 0)
    {
      say (msg, size, "out of memory");
      goto out;
    }
  if (repo_save (&r, msg, size) < 0)
    goto out;
  say (msg, size, "added %s version %u for %s (build-id %s) as %s", e.name,
       e.version, e.soname, e.build_id, dest);
  result = 0;
out:
  repo_free (&r);
out_unlocked_repo:
  flock (lock, LOCK_UN);
  close (lock);
  return result;
}

/* ------------------------------------------------------------------ */
/* Applying from a repository.                                         */
/* ------------------------------------------------------------------ */

/* A live-patchable object of a process.  */
struct pobj
{
  char soname[256];
  char build_id[129];
};

struct pobjs
{
  struct pobj *v;
  size_t n, cap;
};

static bool
objects_cb (struct target *t, const struct proc_map *m, struct objfile *of,
            void *data)
{
  (void) t;
  (void) m;
  struct pobjs *o = data;
  struct ulp_note note;
  if (!objfile_ulp_note (of, &note) || note.patch_table != 0
      || !*objfile_build_id (of))
    return true;
  if (o->n == o->cap)
    {
      size_t cap = o->cap ? 2 * o->cap : 8;
      struct pobj *v = realloc (o->v, cap * sizeof *v);
      if (!v)
        return false;
      o->v = v;
      o->cap = cap;
    }
  snprintf (o->v[o->n].soname, sizeof o->v[o->n].soname, "%s",
            objfile_soname (of));
  snprintf (o->v[o->n].build_id, sizeof o->v[o->n].build_id, "%s",
            objfile_build_id (of));
  o->n++;
  return true;
}

/* Indexes into R of the newest version of each patch name for the
   objects O; returns how many.  */
static size_t
wanted (const struct repo *r, const struct pobjs *o, size_t *out)
{
  size_t k = 0;
  for (size_t i = 0; i < r->n; i++)
    {
      bool match = false;
      for (size_t j = 0; j < o->n && !match; j++)
        match = strcmp (o->v[j].build_id, r->e[i].build_id) == 0;
      if (!match)
        continue;
      bool newer_seen = false;
      for (size_t j = 0; j < r->n && !newer_seen; j++)
        newer_seen = j != i && strcmp (r->e[j].build_id, r->e[i].build_id) == 0
                     && strcmp (r->e[j].name, r->e[i].name) == 0
                     && (r->e[j].version > r->e[i].version);
      if (!newer_seen)
        out[k++] = i;
    }
  return k;
}

static int
worse (int a, int b)
{
  if (a == ULP_EXIT_OK)
    return b;
  if (b == ULP_EXIT_OK || a == b)
    return a;
  return ULP_EXIT_FAIL;
}

/* Per run: whether each entry's file was checked (trust, SHA-256), and
   the result.  */
struct checked
{
  signed char state;       /* 0 not yet, 1 good, -1 bad.  */
  int status;              /* when bad: the exit status.  */
  char why[4800];
};

static const struct repo_apply_opts *ro;

static void
fail_line (pid_t pid, const struct repo_entry *e, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

static void
fail_line (pid_t pid, const struct repo_entry *e, const char *fmt, ...)
{
  char buf[800];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof buf, fmt, ap);
  va_end (ap);
  fflush (stdout);
  if (e)
    fprintf (stderr, "%s: PID %d: %s version %u for %s: failed: %s\n",
             ro->program_name, (int) pid, e->name, e->version, e->soname,
             buf);
  else
    fprintf (stderr, "%s: PID %d: failed: %s\n", ro->program_name, (int) pid,
             buf);
}

static const char *
check_entry (const struct repo *r, size_t i, struct checked *c)
{
  if (c[i].state == 0)
    {
      char path[4400], why[300], sha[65];
      snprintf (path, sizeof path, "%s/%s", r->dir, r->e[i].file);
      c[i].state = -1;
      c[i].status = ULP_EXIT_BAD_PATCH;
      int k = repo_trusted (path, false, why, sizeof why);
      if (k < 0)
        {
          snprintf (c[i].why, sizeof c[i].why, "%s: %s", path, why);
          if (k == -2)
            c[i].status = ULP_EXIT_UNTRUSTED;
        }
      else if (repo_sha256 (path, sha) < 0)
        snprintf (c[i].why, sizeof c[i].why, "%s: %s", path,
                  strerror (errno));
      else if (strcmp (sha, r->e[i].sha256) != 0)
        snprintf (c[i].why, sizeof c[i].why, "%s: its SHA-256 is not the "
                  "one in the index (changed or damaged)", path);
      else
        c[i].state = 1;
    }
  return c[i].state > 0 ? NULL : c[i].why;
}

/* The version of NAME the runtime reports applied to SONAME, or -1.  */
static long long
applied_version (const struct json *status, const char *soname,
                 const char *name)
{
  const struct json *pl = status ? json_get (status, "patches") : NULL;
  long long best = -1;
  for (size_t k = 0; pl && pl->type == JSON_ARRAY && k < pl->n; k++)
    {
      const struct json *p = pl->items[k];
      if (strcmp (json_get_str (p, "state", ""), "applied") != 0
          || strcmp (json_get_str (p, "target", ""), soname) != 0
          || strcmp (json_get_str (p, "name", ""), name) != 0)
        continue;
      long long v = json_get_int (p, "version", 0);
      if (v > best)
        best = v;
    }
  return best;
}

/* Bring process PID up to date from R, printing a line per patch;
   return its exit status.  CHK caches the checks of R's files.  */
static int
one_process (const struct repo *r, struct checked *chk, pid_t pid)
{
  struct outcome oc;
  struct target t;
  uint64_t start = pt_now_ns ();
  uint64_t deadline = start + (uint64_t) (ro->timeout * 1e9);
  unsigned ncalls = 0;
  uint64_t max_pause = 0;
  if (target_open (&t, pid, false, &oc) < 0)
    {
      if (ro->all && oc.status == ULP_EXIT_NO_PROCESS)
        return ULP_EXIT_OK;   /* gone since the scan.  */
      fail_line (pid, NULL, "%s", oc.message);
      return oc.status;
    }
  struct pobjs objs = { NULL, 0, 0 };
  target_each_object (&t, objects_cb, &objs);
  size_t *want = calloc (r->n + 1, sizeof *want);
  if (!want)
    {
      target_close (&t);
      free (objs.v);
      fail_line (pid, NULL, "out of memory");
      return ULP_EXIT_FAIL;
    }
  size_t nwant = wanted (r, &objs, want);
  int status = ULP_EXIT_OK;
  int lock = -1;
  struct json *st = NULL;
  char *st_text = NULL;
  if (nwant == 0)
    {
      if (!ro->quiet)
        {
          printf ("PID %d: no match in %s (", (int) pid, r->dir);
          if (objs.n == 0)
            printf ("no live-patchable object");
          for (size_t i = 0; i < objs.n; i++)
            printf ("%s%s build-id %s", i ? ", " : "", objs.v[i].soname,
                    objs.v[i].build_id);
          printf (")\n");
        }
      goto out;
    }
  if (t.status.state == 'T')
    {
      fail_line (pid, NULL, "the process is stopped (SIGSTOP or similar): "
                 "continue it first");
      status = ULP_EXIT_FAIL;
      goto out;
    }

  target_find_runtime (&t, &oc);
  if (!t.has_runtime && ro->load_runtime)
    {
      struct loadrt_times lt;
      lock = proclock_acquire (pid, t.starttime, deadline, &oc);
      if (lock < 0
          || loadrt_load (&t, ro->runtime, deadline, NULL, &lt, &oc) < 0)
        {
          fail_line (pid, NULL, "%s", oc.message);
          status = oc.status;
          goto out;
        }
    }
  if (!t.has_runtime)
    {
      fail_line (pid, NULL, "the ulp runtime (libulp) is not loaded; "
                 "--load-runtime loads it");
      status = ULP_EXIT_NO_RUNTIME;
      goto out;
    }
  if (target_find_libc (&t, &oc) < 0
      || (lock < 0
          && (lock = proclock_acquire (pid, t.starttime, deadline, &oc)) < 0))
    {
      fail_line (pid, NULL, "%s", oc.message);
      status = oc.status;
      goto out;
    }
  struct mailbox_opts mo = { 0, false, 0, NULL };
  struct mailbox_reply rep;
  struct mailbox_times tm;
  mo.timeout_ns = deadline > pt_now_ns () ? deadline - pt_now_ns () : 0;
  if (mailbox_call (&t, "status", &mo, &rep, &tm, &oc) < 0)
    {
      fail_line (pid, NULL, "%s", oc.message);
      status = oc.status;
      goto out;
    }
  ncalls++;
  max_pause = tm.pause;
  st_text = rep.text;
  st = rep.result >= 0 && st_text ? json_parse (st_text) : NULL;
  if (!st)
    {
      fail_line (pid, NULL, "the runtime did not report its patches: %s",
                 rep.error.message);
      status = ULP_EXIT_FAIL;
      goto out;
    }

  for (size_t w = 0; w < nwant; w++)
    {
      const struct repo_entry *e = &r->e[want[w]];
      long long cur = applied_version (st, e->soname, e->name);
      if (cur >= (long long) e->version)
        {
          if (!ro->quiet)
            printf ("PID %d: %s version %u for %s: already current (version "
                    "%lld applied)\n", (int) pid, e->name, e->version,
                    e->soname, cur);
          continue;
        }
      const char *bad = check_entry (r, want[w], chk);
      if (bad)
        {
          fail_line (pid, e, "%s", bad);
          status = worse (status, chk[want[w]].status);
          continue;
        }
      char path[4400], abs[PATH_MAX], there[PATH_MAX + 64];
      snprintf (path, sizeof path, "%s/%s", r->dir, e->file);
      struct stat here_st, there_st;
      if (!realpath (path, abs) || stat (abs, &here_st) < 0)
        {
          fail_line (pid, e, "%s: %s", path, strerror (errno));
          status = worse (status, ULP_EXIT_BAD_PATCH);
          continue;
        }
      /* The runtime opens the file in the process's mount namespace.  */
      snprintf (there, sizeof there, "/proc/%d/root%s", (int) pid, abs);
      if (stat (there, &there_st) < 0 || there_st.st_ino != here_st.st_ino
          || there_st.st_dev != here_st.st_dev)
        {
          fail_line (pid, e, "%s is not the same file in the process's "
                     "mount namespace", abs);
          status = worse (status, ULP_EXIT_BAD_PATCH);
          continue;
        }
      char request[PATH_MAX + 16];
      snprintf (request, sizeof request, "apply %s", abs);
      mo.timeout_ns = deadline > pt_now_ns () ? deadline - pt_now_ns () : 0;
      if (mailbox_call (&t, request, &mo, &rep, &tm, &oc) < 0)
        {
          fail_line (pid, e, "%s", oc.message);
          status = worse (status, oc.status);
          break;   /* The process itself is in trouble.  */
        }
      if (rep.result < 0 && rep.error.code == ULP_E_NOT_ARMED)
        {
          /* Built with lazy arming and not armed yet: arm it, check its
             threads (arm-check.c), as ulp-apply does, and ask again.  */
          struct arm_summary arm;
          free (rep.text);
          rep.text = NULL;
          if (arm_object (&t, &mo, e->soname, deadline, &arm, &oc) < 0)
            {
              fail_line (pid, e, "%s", oc.message);
              status = worse (status, oc.status);
              continue;
            }
          if (mailbox_call (&t, request, &mo, &rep, &tm, &oc) < 0)
            {
              fail_line (pid, e, "%s", oc.message);
              status = worse (status, oc.status);
              break;
            }
          if (rep.result < 0 && arm.armed_now)
            arm_undo (&t, &mo, e->soname);
        }
      ncalls++;
      if (tm.pause > max_pause)
        max_pause = tm.pause;
      free (rep.text);
      if (rep.result < 0)
        {
          fail_line (pid, e, "%s", rep.error.message[0] ? rep.error.message
                                                        : "the runtime "
                                                          "failed");
          status = worse (status, outcome_of_runtime_error (rep.error.code));
          continue;
        }
      if (!ro->quiet)
        {
          printf ("PID %d: %s version %u for %s: applied (patch %lld", (int) pid,
                  e->name, e->version, e->soname, (long long) rep.result);
          if (cur == 0)
            printf (", replaced the unversioned one");
          else if (cur > 0)
            printf (", replaced version %lld", cur);
          printf (")\n");
        }
    }

out:
  fflush (stdout);
  if (ro->verbose)
    fprintf (stderr, "%s: PID %d: repo: %.3f ms, %u request%s to the "
             "runtime, longest pause %.3f ms\n", ro->program_name, (int) pid,
             (pt_now_ns () - start) / 1e6, ncalls, ncalls == 1 ? "" : "s",
             max_pause / 1e6);
  json_free (st);
  free (st_text);
  if (lock >= 0)
    proclock_release (lock);
  target_close (&t);
  free (want);
  free (objs.v);
  return status;
}

/* Whether the process whose maps are in T has an object the repository
   has patches for.  */
static bool
has_match (struct target *t, const struct repo *r)
{
  struct pobjs objs = { NULL, 0, 0 };
  target_each_object (t, objects_cb, &objs);
  bool found = false;
  for (size_t i = 0; i < objs.n && !found; i++)
    for (size_t j = 0; j < r->n && !found; j++)
      found = strcmp (objs.v[i].build_id, r->e[j].build_id) == 0;
  free (objs.v);
  return found;
}

int
repo_apply (const char *dir, int nargs, char **args,
            const struct repo_apply_opts *o)
{
  ro = o;
  if (o->revert)
    {
      fprintf (stderr, "%s: --repo applies patches; revert them by name "
               "without --repo\n", o->program_name);
      fprintf (stderr, "Try '%s --help' for more information.\n",
               o->program_name);
      return ULP_EXIT_USAGE;
    }
  if ((o->all && nargs != 0) || (!o->all && nargs != 1))
    {
      fprintf (stderr, "%s: --repo DIR takes %s\n", o->program_name,
               o->all ? "no other operand with --all" : "one PID operand");
      fprintf (stderr, "Try '%s --help' for more information.\n",
               o->program_name);
      return ULP_EXIT_USAGE;
    }
  struct repo r;
  char msg[1200];
  if (repo_load (dir, &r, false, msg, sizeof msg) < 0)
    {
      fprintf (stderr, "%s: %s\n", o->program_name, msg);
      return r.untrusted ? ULP_EXIT_UNTRUSTED : ULP_EXIT_BAD_PATCH;
    }
  struct checked *chk = calloc (r.n + 1, sizeof *chk);
  if (!chk)
    {
      repo_free (&r);
      fprintf (stderr, "%s: out of memory\n", o->program_name);
      return ULP_EXIT_FAIL;
    }
  int status = ULP_EXIT_OK;
  if (!o->all)
    {
      char *end;
      errno = 0;
      long v = strtol (args[0], &end, 10);
      if (errno || end == args[0] || *end || v <= 0 || v > INT_MAX)
        {
          fprintf (stderr, "%s: invalid process id '%s'\n", o->program_name,
                   args[0]);
          status = ULP_EXIT_USAGE;
        }
      else
        status = one_process (&r, chk, (pid_t) v);
    }
  else
    {
      DIR *d = opendir ("/proc");
      size_t n = 0, cap = 64;
      pid_t *pids = malloc (cap * sizeof *pids);
      struct dirent *de;
      pid_t self = getpid ();
      while (d && pids && (de = readdir (d)) != NULL)
        {
          if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
          pid_t pid = (pid_t) atoi (de->d_name);
          if (pid == self)
            continue;
          struct target t;
          memset (&t, 0, sizeof t);
          t.pid = pid;
          if (procfs_maps (pid, &t.maps) != 0)
            continue;
          bool m = has_match (&t, &r);
          procfs_maps_free (&t.maps);
          if (!m)
            continue;
          if (n == cap)
            {
              pid_t *v = realloc (pids, 2 * cap * sizeof *v);
              if (!v)
                break;
              pids = v;
              cap *= 2;
            }
          pids[n++] = pid;
        }
      if (d)
        closedir (d);
      for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && pids[j - 1] > pids[j]; j--)
          {
            pid_t tp = pids[j];
            pids[j] = pids[j - 1];
            pids[j - 1] = tp;
          }
      if (n == 0 && !o->quiet)
        printf ("no process has an object %s has patches for\n", dir);
      for (size_t i = 0; i < n; i++)
        status = worse (status, one_process (&r, chk, pids[i]));
      free (pids);
    }
  free (chk);
  repo_free (&r);
  objfile_cache_clear ();
  return status;
}
