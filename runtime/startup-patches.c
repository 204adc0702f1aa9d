/* startup-patches.c -- apply live patches when the process starts.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A patch applied live to the running processes should also apply to
   the processes that start after it, before they run any of the old
   code, and a library's own test suite should be able to run entirely
   against the patched code.  So when the runtime is loaded with the
   program (linked, or LD_PRELOAD), its constructor applies, in this
   order:

     the files of `patch FILE' lines and the repositories of `repo DIR'
     lines of /etc/ulp/runtime.conf (or the file ULP_RUNTIME_CONF
     names), in the order of the file;
     ULP_PATCHES=FILE[:FILE...], in order;
     ULP_REPO=DIR: from the repository DIR (ulp-repo(1)), for every
     loaded live-patchable object, the newest version of each patch
     indexed for that object's build-id, after checking the file's
     SHA-256 against the index.

   Each goes through ulp_apply, so the rules are a live apply's: the
   owner and permission checks, signatures when the configuration
   requires them, versions (a patch of a name already applied at the
   same or a newer version is refused).  Each refusal is one line on
   standard error; a patch applied says nothing, so that test suites
   comparing their output see none, and neither does a patch for an
   object the process has not loaded (it is for other processes).
   ULP_STARTUP_VERBOSE=1 also says each patch applied.

   As the dynamic loader ignores LD_PRELOAD in a process that runs with
   more privileges than its invoker (setuid, setgid, file capabilities:
   AT_SECURE), the runtime then ignores ULP_PATCHES, ULP_REPO,
   ULP_STARTUP_VERBOSE and ULP_RUNTIME_CONF, and takes from the configuration file only patch
   files and repositories owned by root or by the effective uid (a live
   apply also trusts the real uid's files, which in such a process is
   the unprivileged invoker).

   When the runtime is loaded later (dlopen, or ulp-apply loading it
   into a running process), nothing is applied here: the process did not
   start with it, and a constructor run inside dlopen is no place to
   create threads and load more objects.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ulp-runtime.h"

#define CONF_DEFAULT "/etc/ulp/runtime.conf"

static bool secure;
/* ULP_STARTUP_VERBOSE: also say which patches were applied.  */
static bool verbose;

static void
say (const char *from, const char *what, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

static void
say (const char *from, const char *what, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  fprintf (stderr, "libulp: %s: %s: not applied at start: %s\n", from, what,
           msg);
}

/* ------------------------------------------------------------------ */
/* Was the runtime loaded with the program?                            */
/* ------------------------------------------------------------------ */

struct loaded
{
  const char *name;            /* the loader's path; "" for main.  */
  const ElfW (Dyn) *dyn;
  ElfW (Addr) base;
  bool needed;                 /* in the program's initial closure.  */
};

struct loaded_list
{
  struct loaded v[512];
  size_t n;
  const char *self;            /* this runtime's path.  */
};

static int
collect (struct dl_phdr_info *info, size_t size, void *data)
{
  struct loaded_list *l = data;
  (void) size;
  if (l->n >= sizeof l->v / sizeof l->v[0])
    return 1;
  struct loaded *x = &l->v[l->n++];
  x->name = info->dlpi_name ? info->dlpi_name : "";
  x->base = info->dlpi_addr;
  x->dyn = NULL;
  x->needed = false;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
      x->dyn = (const ElfW (Dyn) *) (info->dlpi_addr
                                     + info->dlpi_phdr[i].p_vaddr);
  return 0;
}

static const char *
base_name (const char *p)
{
  const char *s = strrchr (p, '/');
  return s ? s + 1 : p;
}

/* Whether loaded object X is the one DT_NEEDED or LD_PRELOAD NAME
   named: by path, or by file name (what the loader searched for).  */
static bool
names (const struct loaded *x, const char *name)
{
  return strcmp (x->name, name) == 0
         || (!strchr (name, '/')
             && strcmp (base_name (x->name), name) == 0);
}

static void
mark (struct loaded_list *l, const char *name)
{
  for (size_t i = 0; i < l->n; i++)
    if (!l->v[i].needed && names (&l->v[i], name))
      l->v[i].needed = true;
}

/* Whether this runtime is in the closure of the program and what the
   environment preloaded: the objects the loader loaded at start.  */
static bool
loaded_at_start (void)
{
  static struct loaded_list l;
  Dl_info self;
  if (!dladdr ((void *) loaded_at_start, &self) || !self.dli_fname)
    return false;
  l.n = 0;
  dl_iterate_phdr (collect, &l);
  if (l.n == 0)
    return false;
  l.v[0].needed = true;         /* the program.  */
  const char *pre = getenv ("LD_PRELOAD");
  if (pre && !secure)
    {
      char buf[4096];
      snprintf (buf, sizeof buf, "%s", pre);
      for (char *save, *t = strtok_r (buf, " :", &save); t;
           t = strtok_r (NULL, " :", &save))
        mark (&l, t);
    }
  /* DT_NEEDED closure; the loader relocated DT_STRTAB in place.  */
  bool again = true;
  bool done[sizeof l.v / sizeof l.v[0]] = { 0 };
  while (again)
    {
      again = false;
      for (size_t i = 0; i < l.n; i++)
        {
          if (!l.v[i].needed || done[i] || !l.v[i].dyn)
            continue;
          done[i] = true;
          again = true;
          const char *strtab = NULL;
          for (const ElfW (Dyn) *d = l.v[i].dyn; d->d_tag != DT_NULL; d++)
            if (d->d_tag == DT_STRTAB)
              strtab = (const char *) d->d_un.d_ptr;
          if (!strtab)
            continue;
          for (const ElfW (Dyn) *d = l.v[i].dyn; d->d_tag != DT_NULL; d++)
            if (d->d_tag == DT_NEEDED)
              mark (&l, strtab + d->d_un.d_val);
        }
    }
  for (size_t i = 0; i < l.n; i++)
    if (l.v[i].needed && strcmp (l.v[i].name, self.dli_fname) == 0)
      return true;
  return false;
}

/* ------------------------------------------------------------------ */
/* SHA-256 (FIPS 180-4), for the repository index's checksums.         */
/* ------------------------------------------------------------------ */

struct sha256
{
  uint32_t h[8];
  uint64_t len;
  unsigned char buf[64];
  size_t nbuf;
};

static const uint32_t sha_k[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
sha_block (struct sha256 *s, const unsigned char *p)
{
  uint32_t w[64], a[8];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16
           | (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++)
    w[i] = w[i - 16] + (ROR (w[i - 15], 7) ^ ROR (w[i - 15], 18)
                        ^ (w[i - 15] >> 3))
           + w[i - 7] + (ROR (w[i - 2], 17) ^ ROR (w[i - 2], 19)
                         ^ (w[i - 2] >> 10));
  memcpy (a, s->h, sizeof a);
  for (int i = 0; i < 64; i++)
    {
      uint32_t t1 = a[7] + (ROR (a[4], 6) ^ ROR (a[4], 11) ^ ROR (a[4], 25))
                    + ((a[4] & a[5]) ^ (~a[4] & a[6])) + sha_k[i] + w[i];
      uint32_t t2 = (ROR (a[0], 2) ^ ROR (a[0], 13) ^ ROR (a[0], 22))
                    + ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]));
      memmove (a + 1, a, 7 * sizeof *a);
      a[4] += t1;
      a[0] = t1 + t2;
    }
  for (int i = 0; i < 8; i++)
    s->h[i] += a[i];
}

static void
sha_init (struct sha256 *s)
{
  static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                  0xa54ff53a, 0x510e527f, 0x9b05688c,
                                  0x1f83d9ab, 0x5be0cd19 };
  memcpy (s->h, h0, sizeof h0);
  s->len = 0;
  s->nbuf = 0;
}

static void
sha_update (struct sha256 *s, const unsigned char *p, size_t n)
{
  s->len += n;
  while (n > 0)
    {
      size_t k = 64 - s->nbuf < n ? 64 - s->nbuf : n;
      memcpy (s->buf + s->nbuf, p, k);
      s->nbuf += k;
      p += k;
      n -= k;
      if (s->nbuf == 64)
        {
          sha_block (s, s->buf);
          s->nbuf = 0;
        }
    }
}

static void
sha_hex (struct sha256 *s, char out[65])
{
  uint64_t bits = s->len * 8;
  unsigned char pad = 0x80, zero = 0, l[8];
  sha_update (s, &pad, 1);
  while (s->nbuf != 56)
    sha_update (s, &zero, 1);
  for (int i = 0; i < 8; i++)
    l[i] = (unsigned char) (bits >> (56 - 8 * i));
  sha_update (s, l, 8);
  unsigned char d[32];
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 4; j++)
      d[4 * i + j] = (unsigned char) (s->h[i] >> (24 - 8 * j));
  ulp_hex (d, 32, out);
}

/* The SHA-256 of the file PATH in hex; false when unreadable.  */
static bool
file_sha256 (const char *path, char out[65])
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return false;
  struct sha256 s;
  sha_init (&s);
  unsigned char buf[65536];
  ssize_t n;
  while ((n = read (fd, buf, sizeof buf)) > 0)
    sha_update (&s, buf, (size_t) n);
  close (fd);
  if (n < 0)
    return false;
  sha_hex (&s, out);
  return true;
}

/* ------------------------------------------------------------------ */
/* Applying.                                                           */
/* ------------------------------------------------------------------ */

/* In a privileged process, whether PATH and its directory belong to
   root or the effective uid (see the top of the file).  */
static bool
owned_by_privileged (const char *from, const char *path)
{
  if (!secure)
    return true;
  struct stat st, dst;
  char dir[PATH_MAX];
  const char *slash = strrchr (path, '/');
  snprintf (dir, sizeof dir, "%.*s", slash ? (int) (slash - path) : 1,
            slash ? (slash == path ? "/" : path) : ".");
  if (lstat (path, &st) != 0 || stat (dir, &dst) != 0)
    {
      say (from, path, "%s", strerror (errno));
      return false;
    }
  uid_t e = geteuid ();
  if ((st.st_uid != 0 && st.st_uid != e) || (dst.st_uid != 0
                                             && dst.st_uid != e))
    {
      say (from, path, "the process runs with elevated privileges, and the "
           "file or its directory belongs to uid %u, not to root or uid %u",
           (unsigned) (st.st_uid != 0 && st.st_uid != e ? st.st_uid
                                                        : dst.st_uid),
           (unsigned) e);
      return false;
    }
  return true;
}

static void
apply_file (const char *from, const char *path)
{
  if (!*path || !owned_by_privileged (from, path))
    return;
  struct ulp_error err;
  /* A patch for an object this process has not loaded is not for this
     process: the environment reaches every program it starts (shells,
     wrappers like timeout or make), and the patch concerns only those
     that load its target.  Every other refusal is said.  */
  long id = ulp_apply (path, 0, &err);
  if (id < 0 && err.code != ULP_E_NOT_LOADED)
    say (from, path, "%s", err.message);
  else if (id > 0 && verbose)
    fprintf (stderr, "libulp: %s: %s: applied at start (patch %ld)\n", from,
             path, id);
}

/* A loaded live-patchable object's build-id and soname.  */
struct target
{
  char build_id[129];
  char soname[256];
};

static size_t
loaded_targets (struct target *t, size_t max)
{
  size_t n = 0;
  ulp_lock ();
  for (struct ulp_obj *h = ulp_objects (); h && n < max; h = h->next)
    if (h->alive && h->build_id_len > 0 && h->build_id_len <= 64)
      {
        ulp_obj_build_id_hex (h, t[n].build_id);
        snprintf (t[n].soname, sizeof t[n].soname, "%s",
                  h->soname ? h->soname : "");
        n++;
      }
  ulp_unlock ();
  return n;
}

/* Whether DIR/NAME (a directory when ISDIR) may be read: owned by root
   or the process's uid, not writable by group or others.  */
static bool
trusted_path (const char *from, const char *path, bool isdir)
{
  struct stat st;
  if ((isdir ? stat (path, &st) : lstat (path, &st)) != 0)
    {
      say (from, path, "%s", strerror (errno));
      return false;
    }
  uid_t e = geteuid ();
  bool owner = st.st_uid == 0 || st.st_uid == e
               || (!secure && st.st_uid == getuid ());
  if (isdir ? !S_ISDIR (st.st_mode) : !S_ISREG (st.st_mode))
    {
      say (from, path, "not a %s", isdir ? "directory" : "regular file");
      return false;
    }
  if (!owner || (st.st_mode & (S_IWGRP | S_IWOTH)))
    {
      say (from, path, "not trusted: %s",
           !owner ? "owned by another user"
                  : "writable by its group or others");
      return false;
    }
  return true;
}

/* Apply from the repository DIR the newest version of each patch
   indexed for a loaded object.  */
static void
apply_repo (const char *from, const char *dir)
{
  char index[PATH_MAX];
  snprintf (index, sizeof index, "%s/index", dir);
  if (!owned_by_privileged (from, index) || !trusted_path (from, dir, true)
      || !trusted_path (from, index, false))
    return;
  FILE *f = fopen (index, "re");
  if (!f)
    {
      say (from, index, "%s", strerror (errno));
      return;
    }
  static struct target t[256];
  size_t nt = loaded_targets (t, sizeof t / sizeof t[0]);
  struct entry
  {
    char build_id[129], soname[256], name[128], file[256], sha[65];
    unsigned long version;
  };
  size_t cap = 16, n = 0;
  struct entry *e = malloc (cap * sizeof *e);
  char line[2048];
  int lineno = 0;
  while (e && fgets (line, sizeof line, f))
    {
      lineno++;
      line[strcspn (line, "\r\n")] = '\0';
      if (lineno == 1)
        {
          if (strncmp (line, "ulp-repo 1", 10) != 0)
            {
              say (from, index, "not a patch repository index (its first "
                   "line is not `ulp-repo 1')");
              break;
            }
          continue;
        }
      if (line[0] == '#' || line[0] == '\0')
        continue;
      struct entry x;
      if (sscanf (line, "%128s %255s %127s %lu %255s %64s", x.build_id,
                  x.soname, x.name, &x.version, x.file, x.sha) != 6
          || strchr (x.file, '/'))
        {
          say (from, index, "line %d: not BUILD-ID SONAME NAME VERSION "
               "FILE SHA256", lineno);
          continue;
        }
      bool wanted = false;
      for (size_t i = 0; i < nt && !wanted; i++)
        wanted = strcmp (t[i].build_id, x.build_id) == 0;
      if (!wanted)
        continue;
      /* The newest version of each name for each build.  */
      size_t k;
      for (k = 0; k < n; k++)
        if (strcmp (e[k].build_id, x.build_id) == 0
            && strcmp (e[k].name, x.name) == 0)
          break;
      if (k < n)
        {
          if (x.version > e[k].version)
            e[k] = x;
          continue;
        }
      if (n == cap)
        {
          struct entry *ne = realloc (e, 2 * cap * sizeof *e);
          if (!ne)
            break;
          e = ne;
          cap *= 2;
        }
      e[n++] = x;
    }
  fclose (f);
  for (size_t k = 0; e && k < n; k++)
    {
      char path[PATH_MAX], sha[65];
      snprintf (path, sizeof path, "%s/%s", dir, e[k].file);
      if (!file_sha256 (path, sha))
        say (from, path, "cannot read it: %s", strerror (errno));
      else if (strcmp (sha, e[k].sha) != 0)
        say (from, path, "its SHA-256 is not the one the index records: the "
             "file changed after it was indexed");
      else
        apply_file (from, path);
    }
  free (e);
}

/* The `patch FILE' and `repo DIR' lines of the configuration CONF, in
   order.  A missing file is an empty configuration; the other settings
   are trust.c's.  */
static void
apply_conf (const char *conf)
{
  int fd = open (conf, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return;
  struct stat st;
  uid_t e = geteuid ();
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)
      || (st.st_uid != 0 && st.st_uid != e
          && (secure || st.st_uid != getuid ()))
      || (st.st_mode & (S_IWGRP | S_IWOTH)))
    {
      /* A live apply refuses it too, and says why.  */
      fprintf (stderr, "libulp: %s: not trusted (owner or permissions): no "
               "patch applied at start from it\n", conf);
      close (fd);
      return;
    }
  FILE *f = fdopen (fd, "r");
  if (!f)
    {
      close (fd);
      return;
    }
  char line[PATH_MAX + 64];
  while (fgets (line, sizeof line, f))
    {
      char *s = line + strspn (line, " \t");
      s[strcspn (s, "#\r\n")] = '\0';
      char *end = s + strlen (s);
      while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = '\0';
      char *val = s + strcspn (s, " \t");
      if (*val)
        {
          *val++ = '\0';
          val += strspn (val, " \t");
        }
      if (strcmp (s, "patch") == 0 && *val)
        apply_file (conf, val);
      else if (strcmp (s, "repo") == 0 && *val)
        apply_repo (conf, val);
    }
  fclose (f);
}

void
ulp_startup_patches (void)
{
  secure = getauxval (AT_SECURE) != 0;
  const char *conf_env = secure ? NULL : getenv ("ULP_RUNTIME_CONF");
  const char *patches = secure ? NULL : getenv ("ULP_PATCHES");
  const char *repo = secure ? NULL : getenv ("ULP_REPO");
  const char *v = secure ? NULL : getenv ("ULP_STARTUP_VERBOSE");
  verbose = v && *v && strcmp (v, "0") != 0;
  const char *conf = conf_env && *conf_env ? conf_env : CONF_DEFAULT;
  if (access (conf, F_OK) != 0 && !(patches && *patches)
      && !(repo && *repo))
    return;
  if (!loaded_at_start ())
    return;
  apply_conf (conf);
  if (patches && *patches)
    {
      char *list = strdup (patches);
      for (char *save, *p = list ? strtok_r (list, ":", &save) : NULL; p;
           p = strtok_r (NULL, ":", &save))
        apply_file ("ULP_PATCHES", p);
      free (list);
    }
  if (repo && *repo)
    apply_repo ("ULP_REPO", repo);
}
