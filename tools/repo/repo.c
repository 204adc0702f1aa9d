/* repo.c -- a repository of live patches indexed by build-id.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The index (see repo.h for its layout) is read, validated line by
   line and written back whole here; adding a patch copies the file in
   and renames a new index over the old one, under an flock(2) lock on
   DIR/.lock so that two writers cannot lose each other's entries.
   Which patches a process needs is chosen here too (repo_newest), from
   the build-ids of its objects; the process side, which asks the
   process and applies them, is ulp-apply's (apply/repo-job.c).  This
   module touches no process.  */

#include <config.h>

#include "repo.h"

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

#include "outcome.h"
#include "patchinfo.h"
#include "ulp-hex.h"

#define INDEX_HEADER "ulp-repo 1"
/* As the messages quote it.  */
#define INDEX_HEADER_QUOTED "\"" INDEX_HEADER "\""

/* ------------------------------------------------------------------ */
/* Trust.                                                              */
/* ------------------------------------------------------------------ */

int
repo_trusted (const char *path, bool dir, struct outcome *oc)
{
  struct stat st;
  if (stat (path, &st) < 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s", strerror (errno));
      return -1;
    }
  if (dir ? !S_ISDIR (st.st_mode) : !S_ISREG (st.st_mode))
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH,
                    dir ? "not a directory" : "not a regular file");
      return -1;
    }
  /* Whoever may write it may make every process that trusts it run
     code of their choosing.  */
  if (st.st_uid != 0 && st.st_uid != getuid ())
    {
      return outcome_fail (oc, ULP_EXIT_UNTRUSTED, "owned by uid %u, not by "
                           "root or the invoking user (uid %u): not trusted",
                           (unsigned) st.st_uid, (unsigned) getuid ());
    }
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    {
      return outcome_fail (oc, ULP_EXIT_UNTRUSTED, "writable by %s (mode "
                           "%04o): not trusted",
                           st.st_mode & S_IWOTH ? "others" : "its group",
                           (unsigned) (st.st_mode & 07777));
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
   1: an entry; 0: blank or comment; -1: error in *OC.  */
static int
parse_line (char *line, size_t lineno, struct repo_entry *e,
            struct outcome *oc)
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
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "line %zu: %zu field%s, expected "
                    "6 (BUILD-ID SONAME NAME VERSION FILE SHA256)", lineno, nf,
                    nf == 1 ? "" : "s");
      return -1;
    }
  memset (e, 0, sizeof *e);
  if (!is_hex (f[0], 2, 128) || strlen (f[0]) % 2)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "line %zu: bad build-id '%.140s' "
                    "(lower-case hex)", lineno, f[0]);
      return -1;
    }
  if (!good_field (f[1], sizeof e->soname))
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "line %zu: bad soname '%.260s'",
                    lineno, f[1]);
      return -1;
    }
  if (!good_field (f[2], sizeof e->name))
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "line %zu: bad patch name "
                    "'%.140s'", lineno, f[2]);
      return -1;
    }
  char *end;
  errno = 0;
  unsigned long v = strtoul (f[3], &end, 10);
  if (f[3][0] < '1' || f[3][0] > '9' || *end || errno || v > UINT32_MAX)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "line %zu: bad version '%.40s' (a "
                    "number from 1 to %u)", lineno, f[3], UINT32_MAX);
      return -1;
    }
  if (!good_file_name (f[4]))
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "line %zu: bad file name '%.260s' "
                    "(a name in the repository, without '/', not starting "
                    "with '.')", lineno, f[4]);
      return -1;
    }
  if (!is_hex (f[5], 64, 64))
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "line %zu: bad SHA-256 '%.80s' "
                    "(64 lower-case hex digits)", lineno, f[5]);
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

/* Read all of FD (the index PATH) into a malloc'ed, NUL-terminated
   *TEXT of *LEN bytes; closes FD.  0, or -1 with *OC.  */
static int
read_index (int fd, const char *path, char **text, size_t *len,
            struct outcome *oc)
{
  size_t cap = 65536, n = 0;
  char *t = malloc (cap + 1);
  for (;;)
    {
      if (!t)
        {
          close (fd);
          outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: out of memory", path);
          return -1;
        }
      ssize_t r = read (fd, t + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          close (fd);
          free (t);
          outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: %s", path, strerror (e));
          return -1;
        }
      if (r == 0)
        break;
      n += (size_t) r;
      if (n == cap)
        {
          if (cap >= (64u << 20))
            {
              close (fd);
              free (t);
              outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: larger than 64 MiB",
                            path);
              return -1;
            }
          cap *= 2;
          char *nt = realloc (t, cap + 1);
          if (!nt)
            free (t);
          t = nt;
        }
    }
  close (fd);
  t[n] = '\0';
  *text = t;
  *len = n;
  return 0;
}

/* Add the entry of line LINENO, P, to R.  0, or -1 with *OC.  */
static int
index_line (struct repo *r, char *p, size_t lineno, const char *path,
            struct outcome *oc)
{
  if (lineno == 1)
    {
      if (strcmp (p, INDEX_HEADER) == 0)
        return 0;
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: line 1: not a ulp repository "
                    "index (the first line must be %s)", path,
                    INDEX_HEADER_QUOTED);
      return -1;
    }
  struct repo_entry e;
  int k = parse_line (p, lineno, &e, oc);
  if (k < 0)
    return outcome_prefix (oc, path);
  if (k == 0)
    return 0;
  for (size_t i = 0; i < r->n; i++)
    if (r->e[i].version == e.version && strcmp (r->e[i].name, e.name) == 0
        && strcmp (r->e[i].build_id, e.build_id) == 0)
      {
        outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: line %zu: %s version %u "
                      "for build-id %s is listed twice", path, lineno, e.name,
                      e.version, e.build_id);
        return -1;
      }
  if (push (r, &e) < 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: out of memory", path);
      return -1;
    }
  return 0;
}

/* Parse TEXT, LEN bytes of the index PATH, into R.  0, or -1 with
   *OC.  */
static int
parse_index (struct repo *r, char *text, size_t len, const char *path,
             struct outcome *oc)
{
  size_t lineno = 0;
  char *p = text;
  while (p < text + len)
    {
      char *nl = memchr (p, '\n', (size_t) (text + len - p));
      char *line_end = nl ? nl : text + len;
      lineno++;
      if (memchr (p, '\0', (size_t) (line_end - p)))
        {
          outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: line %zu: a NUL byte",
                        path, lineno);
          return -1;
        }
      *line_end = '\0';
      if (index_line (r, p, lineno, path, oc) < 0)
        return -1;
      p = line_end + 1;
    }
  if (lineno == 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: empty: not a ulp repository "
                    "index (the first line must be %s)", path,
                    INDEX_HEADER_QUOTED);
      return -1;
    }
  return 0;
}

int
repo_load (const char *dir, struct repo *r, bool missing_ok,
           struct outcome *oc)
{
  memset (r, 0, sizeof *r);
  snprintf (r->dir, sizeof r->dir, "%s", dir);
  if (repo_trusted (dir, true, oc) < 0)
    return outcome_prefix (oc, dir);
  char path[4200];
  snprintf (path, sizeof path, "%s/index", dir);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT && missing_ok)
        return 0;
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: %s", path, strerror (errno));
      return -1;
    }
  /* Check the file opened, not whatever the name points to later.  */
  char fdpath[64];
  snprintf (fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
  if (repo_trusted (fdpath, false, oc) < 0)
    {
      close (fd);
      return outcome_prefix (oc, path);
    }
  char *text;
  size_t len;
  if (read_index (fd, path, &text, &len, oc) < 0)
    return -1;
  int result = parse_index (r, text, len, path, oc);
  free (text);
  if (result < 0)
    repo_free (r);
  return result;
}

/* Write R's index: a temporary file, synced, renamed over the old
   index, and the directory synced.  */
static int
repo_save (const struct repo *r, struct outcome *oc)
{
  char tmp[4200], path[4200];
  snprintf (tmp, sizeof tmp, "%s/.index.%ld", r->dir, (long) getpid ());
  snprintf (path, sizeof path, "%s/index", r->dir);
  FILE *f = fopen (tmp, "we");
  if (!f)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: %s", tmp, strerror (errno));
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
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: %s", tmp, strerror (errno));
      fclose (f);
      unlink (tmp);
      return -1;
    }
  if (fclose (f) != 0 || rename (tmp, path) != 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: %s", path, strerror (errno));
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

/* Read the patch file PATCH into *PI and check that it can be indexed.
   0, or -1 with *OC.  */
static int
read_indexable (const char *patch, struct patchinfo *pi, struct outcome *oc)
{
  if (patchinfo_read (patch, pi, oc) < 0)
    return outcome_prefix (oc, patch);
  if (pi->version == 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: the patch has no version "
                    "(make it with ulp-mkpatch --patch-version N): a "
                    "repository keeps only versioned patches", patch);
      return -1;
    }
  if (!good_field (pi->name, sizeof pi->name) || strchr (pi->name, '/'))
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: the patch's name '%s' cannot "
                    "be indexed (no spaces, control characters or '/')", patch,
                    pi->name);
      return -1;
    }
  if (!good_field (pi->target, sizeof pi->target)
      || !is_hex (pi->build_id, 2, 128))
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: the patch's target (soname "
                    "'%s', build-id '%s') cannot be indexed", patch,
                    pi->target, pi->build_id);
      return -1;
    }
  return 0;
}

/* Create DIR when missing, check that it may be trusted, and lock it
   against other writers.  The lock's descriptor, or -1 with *OC.  */
static int
lock_dir (const char *dir, struct outcome *oc)
{
  if (mkdir (dir, 0755) < 0 && errno != EEXIST)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: %s", dir, strerror (errno));
      return -1;
    }
  if (repo_trusted (dir, true, oc) < 0)
    return outcome_prefix (oc, dir);
  char lockpath[4200];
  snprintf (lockpath, sizeof lockpath, "%s/.lock", dir);
  int lock = open (lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0 || flock (lock, LOCK_EX) < 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: %s", lockpath,
                    strerror (errno));
      if (lock >= 0)
        close (lock);
      return -1;
    }
  return lock;
}

/* Copy the patch PI (the file PATCH) into DIR as TMP, hashing the bytes
   copied into E, and read the copy again: it is what gets indexed.  0,
   or -1 with *OC and TMP removed.  */
static int
copy_in (const char *dir, const char *patch, const struct patchinfo *pi,
         struct repo_entry *e, const char *tmp, struct outcome *oc)
{
  int in = open (pi->path, O_RDONLY | O_CLOEXEC);
  int out = in < 0 ? -1 : open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                0644);
  if (in < 0 || out < 0 || hash_fd (in, out, e->sha256) < 0
      || fchmod (out, 0644) < 0 || fsync (out) < 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: cannot copy into %s: %s",
                    patch, dir, strerror (errno));
      if (in >= 0)
        close (in);
      if (out >= 0)
        close (out);
      unlink (tmp);
      return -1;
    }
  close (in);
  close (out);
  struct patchinfo copied;
  if (patchinfo_read (tmp, &copied, NULL) < 0
      || strcmp (copied.build_id, pi->build_id) != 0
      || strcmp (copied.name, pi->name) != 0
      || copied.version != pi->version)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: changed while it was being "
                    "copied", patch);
      unlink (tmp);
      return -1;
    }
  return 0;
}

/* The index of the entry of R for E's name, version and build-id, or
   -1.  */
static ssize_t
find_entry (const struct repo *r, const struct repo_entry *e)
{
  for (size_t i = 0; i < r->n; i++)
    if (r->e[i].version == e->version && strcmp (r->e[i].name, e->name) == 0
        && strcmp (r->e[i].build_id, e->build_id) == 0)
      return (ssize_t) i;
  return -1;
}

int
repo_add (const char *dir, const char *patch, struct outcome *oc)
{
  struct patchinfo pi;
  if (read_indexable (patch, &pi, oc) < 0)
    return -1;
  int lock = lock_dir (dir, oc);
  if (lock < 0)
    return -1;

  int result = -1;
  struct repo r;
  char tmp[4200] = "";
  if (repo_load (dir, &r, true, oc) < 0)
    goto out_unlocked_repo;

  struct repo_entry e;
  memset (&e, 0, sizeof e);
  snprintf (e.build_id, sizeof e.build_id, "%s", pi.build_id);
  snprintf (e.soname, sizeof e.soname, "%s", pi.target);
  snprintf (e.name, sizeof e.name, "%s", pi.name);
  e.version = pi.version;
  snprintf (e.file, sizeof e.file, "%.100s-v%u-%.16s.so", pi.name,
            pi.version, pi.build_id);
  snprintf (tmp, sizeof tmp, "%s/.add.%ld", dir, (long) getpid ());
  if (copy_in (dir, patch, &pi, &e, tmp, oc) < 0)
    goto out;

  ssize_t i = find_entry (&r, &e);
  if (i >= 0)
    {
      unlink (tmp);
      if (strcmp (r.e[i].sha256, e.sha256) == 0)
        {
          outcome_ok (oc, "%s version %u for %s (build-id %s) is already in "
                      "%s as %s", e.name, e.version, e.soname, e.build_id, dir,
                      r.e[i].file);
          result = 0;
        }
      else
        outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: %s already has another %s "
                      "version %u for build-id %s (%s): a new patch needs a "
                      "new version", patch, dir, e.name, e.version, e.build_id,
                      r.e[i].file);
      goto out;
    }

  char dest[4200];
  snprintf (dest, sizeof dest, "%s/%s", dir, e.file);
  if (rename (tmp, dest) < 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: %s", dest, strerror (errno));
      unlink (tmp);
      goto out;
    }
  if (push (&r, &e) < 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "out of memory");
      goto out;
    }
  if (repo_save (&r, oc) < 0)
    goto out;
  outcome_ok (oc, "added %s version %u for %s (build-id %s) as %s", e.name,
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
/* Choosing and checking patches.                                      */
/* ------------------------------------------------------------------ */

static bool
listed (const char *build_id, const char *const *ids, size_t nids)
{
  for (size_t j = 0; j < nids; j++)
    if (strcmp (ids[j], build_id) == 0)
      return true;
  return false;
}

bool
repo_has_build_id (const struct repo *r, const char *build_id)
{
  for (size_t i = 0; i < r->n; i++)
    if (strcmp (r->e[i].build_id, build_id) == 0)
      return true;
  return false;
}

size_t
repo_newest (const struct repo *r, const char *const *build_ids,
             size_t nids, size_t *out)
{
  size_t k = 0;
  for (size_t i = 0; i < r->n; i++)
    {
      if (!listed (r->e[i].build_id, build_ids, nids))
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

int
repo_check_file (const struct repo *r, size_t i, struct outcome *oc)
{
  char path[4400], sha[65];
  snprintf (path, sizeof path, "%s/%s", r->dir, r->e[i].file);
  if (repo_trusted (path, false, oc) < 0)
    return outcome_prefix (oc, path);
  if (repo_sha256 (path, sha) < 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: %s", path, strerror (errno));
      return -1;
    }
  if (strcmp (sha, r->e[i].sha256) != 0)
    {
      outcome_fail (oc, ULP_EXIT_BAD_PATCH, "%s: its SHA-256 is not the one "
                    "in the index (changed or damaged)", path);
      return -1;
    }
  return 0;
}
