/* trust.c -- load only patches nobody untrusted could have written, and
   load exactly the bytes that were checked.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A live patch runs with all the rights of the process, so the runtime
   refuses a patch file that anyone but root or the process's own user
   could have put there: the file must be owned by root or by the
   process's real or effective uid and not be writable by its group or
   by others, and the directory that holds it must be owned by one of
   them too and not be writable by group or others unless it is sticky
   (in a sticky directory like /tmp nobody else can rename or remove
   the file; in any other writable one they could swap it for another
   file).  The last component must not be a symbolic link (ulp-apply
   resolves links itself and hands over the real path); the components
   before it are followed, their directories are the caller's choice.

   The path is looked up once.  The file is opened relative to the
   directory that was checked, its contents are copied into a memfd
   that is then sealed (no write, no resize), and that copy is what the
   signature is checked on, what patch-file.c verifies with libelf, and
   what the loader maps (dlopen of /proc/self/fd/N).  Renaming another
   file into place, or rewriting this one, after the open changes
   nothing that is loaded.  A sealed copy rather than the file itself:
   the file's owner may still rewrite it in place between the checks and
   the loader's mmap (the signed bytes would then not be the loaded
   ones), and a file truncated while loaded would kill the process with
   SIGBUS on its next call into the patch; the copy costs the patch's
   size in memory once per process.  Only when the kernel refuses a
   memfd (no memfd_create, or a vm.memfd_noexec policy) is the opened
   file itself loaded, and then no signature can be required.

   Signatures (ulp-signature.h) are checked with OpenSSL's libcrypto,
   loaded at the first check (crypto-ondemand.c).
   The configuration: ULP_REQUIRE_SIGNATURE and ULP_TRUSTED_KEYS in the
   environment (read when the runtime is loaded), and
   /etc/ulp/runtime.conf (ULP_RUNTIME_CONF names another file), read at
   every apply; the manual, "Trust and signatures", says the rest.  */

#include <config.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef ULP_SIGNATURES
#include <openssl/evp.h>
#include <openssl/pem.h>
#endif

#include "crypto-ondemand.h"
#include "trust.h"
#include "ulp-signature.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U          /* Linux 6.3: executable memfd.  */
#endif

#define CONF_DEFAULT "/etc/ulp/runtime.conf"
#define KEYS_DEFAULT "/etc/ulp/keys"
#define MAX_KEYS 64

/* ------------------------------------------------------------------ */
/* Owners and permissions.                                             */
/* ------------------------------------------------------------------ */

static bool
trusted_uid (uid_t uid)
{
  return uid == 0 || uid == getuid () || uid == geteuid ();
}

/* Whether the file ST (named WHAT in messages) may be trusted.  */

static int
check_file (const char *what, const struct stat *st, struct ulp_error *err)
{
  if (!trusted_uid (st->st_uid))
    return ulp_fail (err, ULP_E_UNTRUSTED, "%s: not trusted: owned by uid "
                     "%u, not by root or the process's uid %u", what,
                     (unsigned) st->st_uid, (unsigned) geteuid ());
  if (st->st_mode & S_IWOTH)
    return ulp_fail (err, ULP_E_UNTRUSTED, "%s: not trusted: writable by "
                     "others", what);
  if (st->st_mode & S_IWGRP)
    return ulp_fail (err, ULP_E_UNTRUSTED, "%s: not trusted: writable by "
                     "its group", what);
  return 0;
}

/* Whether the directory ST (DIR) that holds WHAT may be trusted.  */

static int
check_dir (const char *what, const char *dir, const struct stat *st,
           struct ulp_error *err)
{
  if (!trusted_uid (st->st_uid))
    return ulp_fail (err, ULP_E_UNTRUSTED, "%s: not trusted: its directory "
                     "%s is owned by uid %u, not by root or the process's "
                     "uid %u", what, dir, (unsigned) st->st_uid,
                     (unsigned) geteuid ());
  if ((st->st_mode & S_ISVTX) == 0 && (st->st_mode & (S_IWOTH | S_IWGRP)))
    return ulp_fail (err, ULP_E_UNTRUSTED, "%s: not trusted: its directory "
                     "%s is writable by %s and not sticky", what, dir,
                     st->st_mode & S_IWOTH ? "others" : "its group");
  return 0;
}

/* Open the regular file PATH without following a last symbolic link,
   after checking the directory it is in; the file's own checks are the
   caller's (on *ST).  The fd, or -1 with *ERR.  */

static int
open_checked (const char *path, int flags, struct stat *st,
              struct ulp_error *err)
{
  const char *slash = strrchr (path, '/');
  const char *base = slash ? slash + 1 : path;
  char dir[PATH_MAX];
  if (!slash)
    strcpy (dir, ".");
  else if (slash == path)
    strcpy (dir, "/");
  else if ((size_t) (slash - path) < sizeof dir)
    snprintf (dir, sizeof dir, "%.*s", (int) (slash - path), path);
  else
    return ulp_fail (err, ULP_E_OPEN, "cannot open %s: %s", path,
                     strerror (ENAMETOOLONG));
  if (!*base)
    return ulp_fail (err, ULP_E_OPEN, "cannot read %s: not a regular file",
                     path);
  int dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    {
      int e = errno;
      ulp_fail (err, ULP_E_OPEN, "cannot open %s: %s", path, strerror (e));
      errno = e;
      return -1;
    }
  /* O_NONBLOCK: a FIFO put in place of the file must not hang the
     worker; it is refused below as not a regular file.  */
  int fd = openat (dfd, base, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      int e = errno;
      struct stat lst;
      if (e == ELOOP && fstatat (dfd, base, &lst, AT_SYMLINK_NOFOLLOW) == 0
          && S_ISLNK (lst.st_mode))
        ulp_fail (err, ULP_E_UNTRUSTED, "%s: not trusted: a symbolic link "
                  "(name the file it points to)", path);
      else
        ulp_fail (err, ULP_E_OPEN, "cannot open %s: %s", path, strerror (e));
      close (dfd);
      errno = e;    /* read_conf tells a missing file from others.  */
      return -1;
    }
  struct stat dst;
  if (fstat (fd, st) < 0 || fstat (dfd, &dst) < 0)
    {
      ulp_fail (err, ULP_E_OPEN, "cannot read %s: %s", path,
                strerror (errno));
      goto fail;
    }
  if (!S_ISREG (st->st_mode))
    {
      ulp_fail (err, ULP_E_OPEN, "cannot read %s: not a regular file", path);
      goto fail;
    }
  if (check_dir (path, dir, &dst, err) < 0)
    goto fail;
  close (dfd);
  return fd;

fail:
  close (fd);
  close (dfd);
  errno = 0;
  return -1;
}

/* ------------------------------------------------------------------ */
/* The configuration.                                                  */
/* ------------------------------------------------------------------ */

struct policy
{
  bool require;               /* signatures required for every apply.  */
  char keys[PATH_MAX];        /* directory of trusted public keys.  */
  const char *keys_from;      /* where KEYS was set.  */
};

static bool
yes_p (const char *v)
{
  /* Anything but an explicit no requires: a typo must not turn the
     requirement off.  */
  return !(strcmp (v, "") == 0 || strcmp (v, "0") == 0
           || strcasecmp (v, "no") == 0 || strcasecmp (v, "false") == 0
           || strcasecmp (v, "off") == 0);
}

/* Read the configuration file CONF into *P; a missing file is an empty
   configuration.  */

static int
read_conf (const char *conf, struct policy *p, struct ulp_error *err)
{
  struct stat st;
  int fd = open_checked (conf, O_RDONLY, &st, err);
  if (fd < 0)
    {
      if (err->code == ULP_E_OPEN && errno == ENOENT)
        return 0;
      return -1;
    }
  if (check_file (conf, &st, err) < 0)
    {
      close (fd);
      return -1;
    }
  FILE *f = fdopen (fd, "r");
  if (!f)
    {
      close (fd);
      return ulp_fail (err, ULP_E_NOMEM, "out of memory");
    }
  static char keys_buf[PATH_MAX + 16];
  char line[PATH_MAX + 64];
  int lineno = 0, r = 0;
  while (r == 0 && fgets (line, sizeof line, f))
    {
      lineno++;
      char *s = line + strspn (line, " \t");
      s[strcspn (s, "#\r\n")] = '\0';
      char *end = s + strlen (s);
      while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = '\0';
      if (!*s)
        continue;
      char *val = s + strcspn (s, " \t");
      if (*val)
        {
          *val++ = '\0';
          val += strspn (val, " \t");
        }
      if (strcmp (s, "require-signature") == 0 && *val)
        p->require = p->require || yes_p (val);
      else if (strcmp (s, "trusted-keys") == 0 && *val == '/')
        {
          snprintf (p->keys, sizeof p->keys, "%s", val);
          snprintf (keys_buf, sizeof keys_buf, "%s", conf);
          p->keys_from = keys_buf;
        }
      else if ((strcmp (s, "patch") == 0 || strcmp (s, "repo") == 0)
               && *val)
        ;                       /* startup-patches.c's.  */
      else
        r = ulp_fail (err, ULP_E_INVAL, "%s:%d: not a setting this runtime "
                      "knows (require-signature yes|no, trusted-keys "
                      "/DIR, patch FILE, repo DIR): %.64s", conf, lineno, s);
    }
  fclose (f);
  return r;
}

/* The environment's settings, read once when the runtime is loaded:
   getenv in the worker thread could race with the program's own
   setenv, and a process's environment is set when it starts anyway.
   Before the runtime's other constructors (priority): init.c's applies
   the patches named for processes that start, under these settings.  */
static char *env_conf, *env_require, *env_keys;

static char *
env_copy (const char *name, bool may_loosen)
{
  /* In a process with elevated privileges (AT_SECURE: setuid, setgid,
     capabilities) the environment is its invoker's: a setting that
     could loosen the policy (another configuration file, other trusted
     keys) is not taken from it; one that can only tighten it is.  */
  const char *v = may_loosen ? secure_getenv (name) : getenv (name);
  return v ? strdup (v) : NULL;
}

static void __attribute__ ((constructor (101)))
trust_init (void)
{
  env_conf = env_copy ("ULP_RUNTIME_CONF", true);
  env_require = env_copy ("ULP_REQUIRE_SIGNATURE", false);
  env_keys = env_copy ("ULP_TRUSTED_KEYS", true);
}

static int
get_policy (struct policy *p, struct ulp_error *err)
{
  memset (p, 0, sizeof *p);
  snprintf (p->keys, sizeof p->keys, "%s", KEYS_DEFAULT);
  p->keys_from = "the default";
  if (read_conf (env_conf && *env_conf ? env_conf : CONF_DEFAULT, p, err)
      < 0)
    return -1;
  if (env_require)
    p->require = p->require || yes_p (env_require);
  if (env_keys && *env_keys)
    {
      snprintf (p->keys, sizeof p->keys, "%s", env_keys);
      p->keys_from = "ULP_TRUSTED_KEYS";
    }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Signatures.                                                         */
/* ------------------------------------------------------------------ */

#ifdef ULP_SIGNATURES

/* Read the trusted keys of P into KEYS (32 bytes each); their number,
   or -1 with *ERR.  A key file anyone untrusted could have written is
   an error, not a key to skip: it would mean the key directory is not
   what its owner thinks.  */

static int
load_keys (const char *path, const struct policy *p,
           unsigned char (*keys)[32], struct ulp_error *err)
{
  struct stat st;
  int dfd = open (p->keys, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return ulp_fail (err, ULP_E_SIGNATURE, "%s: a signature is required, "
                     "but no key is trusted: cannot open %s (from %s): %s",
                     path, p->keys, p->keys_from, strerror (errno));
  if (fstat (dfd, &st) < 0 || check_file (p->keys, &st, err) < 0)
    {
      if (err->code != ULP_E_UNTRUSTED)
        ulp_fail (err, ULP_E_SIGNATURE, "cannot read %s: %s", p->keys,
                  strerror (errno));
      close (dfd);
      return -1;
    }
  DIR *d = fdopendir (dfd);
  if (!d)
    {
      close (dfd);
      return ulp_fail (err, ULP_E_NOMEM, "out of memory");
    }
  int n = 0, r = 0;
  struct dirent *de;
  while (r == 0 && (de = readdir (d)) != NULL)
    {
      size_t len = strlen (de->d_name);
      if (len < 5 || strcmp (de->d_name + len - 4, ".pem") != 0)
        continue;
      char name[PATH_MAX + 256];
      snprintf (name, sizeof name, "%s/%s", p->keys, de->d_name);
      if (n == MAX_KEYS)
        {
          r = ulp_fail (err, ULP_E_SIGNATURE, "%s: more than %d keys",
                        p->keys, MAX_KEYS);
          break;
        }
      int fd = openat (dirfd (d), de->d_name,
                       O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
        {
          r = ulp_fail (err, ULP_E_SIGNATURE, "cannot read the key %s: %s",
                        name, fd < 0 || errno ? strerror (errno)
                                              : "not a regular file");
          if (fd >= 0)
            close (fd);
          break;
        }
      if (check_file (name, &st, err) < 0)
        {
          close (fd);
          r = -1;
          break;
        }
      char text[8192];
      ssize_t got = read (fd, text, sizeof text);
      close (fd);
      EVP_PKEY *pk = NULL;
      if (got > 0)
        {
          BIO *bio = BIO_new_mem_buf (text, (int) got);
          if (bio)
            pk = PEM_read_bio_PUBKEY (bio, NULL, NULL, NULL);
          BIO_free (bio);
        }
      size_t klen = 32;
      if (!pk || EVP_PKEY_base_id (pk) != EVP_PKEY_ED25519
          || EVP_PKEY_get_raw_public_key (pk, keys[n], &klen) != 1
          || klen != 32)
        r = ulp_fail (err, ULP_E_SIGNATURE, "%s is not an Ed25519 public "
                      "key in PEM (openssl pkey -pubout makes one)", name);
      else
        n++;
      EVP_PKEY_free (pk);
    }
  closedir (d);
  return r < 0 ? -1 : n;
}

/* When libcrypto (loaded on demand) is missing, say so instead of the
   message of the failure it caused (a key that does not parse, a
   signature that does not verify).  -1 then, else 0.  */

static int
crypto_missing (const char *path, struct ulp_error *err)
{
  const char *why = ulp_crypto_load_error ();
  if (!why)
    return 0;
  return ulp_fail (err, ULP_E_SIGNATURE, "%s: cannot check its signature: "
                   "%s", path, why);
}

/* Whether SIG is KEY's signature of the signed bytes DATA.  */

static bool
sig_good (const unsigned char *data, size_t size, const unsigned char *key,
          const unsigned char *sig)
{
  unsigned char digest[ULP_SIG_DIGEST_SIZE];
  unsigned int dlen = 0;
  if (EVP_Digest (data, size, digest, &dlen, EVP_sha256 (), NULL) != 1
      || dlen != sizeof digest)
    return false;
  unsigned char msg[ULP_SIG_MESSAGE_SIZE];
  ulp_sig_message (digest, msg);
  EVP_PKEY *pk = EVP_PKEY_new_raw_public_key (EVP_PKEY_ED25519, NULL, key,
                                              32);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  bool ok = pk && ctx
            && EVP_DigestVerifyInit (ctx, NULL, NULL, NULL, pk) == 1
            && EVP_DigestVerify (ctx, sig, 64, msg, sizeof msg) == 1;
  EVP_MD_CTX_free (ctx);
  EVP_PKEY_free (pk);
  return ok;
}

#endif /* ULP_SIGNATURES */

/* Check the signature of T's sealed bytes (the trailer already cut off
   into *TR when HAVE_SIG).  */

static int
check_signature (const char *path, struct ulp_trusted *t, bool have_sig,
                 const struct ulp_sig_trailer *tr, bool required,
                 const struct policy *pol, const unsigned char *req_key,
                 struct ulp_error *err)
{
  if (!have_sig)
    {
      if (!required)
        return 0;
      return ulp_fail (err, ULP_E_SIGNATURE, "%s: not signed, and a "
                       "signature is required%s", path,
                       pol->require ? "" : " for this apply");
    }
#ifndef ULP_SIGNATURES
  (void) t;
  (void) tr;
  (void) req_key;
  return ulp_fail (err, ULP_E_SIGNATURE, "%s: signed, but this runtime was "
                   "built without signature support (configure found no "
                   "libcrypto)", path);
#else
  char hex[65];
  ulp_hex (tr->public_key, 32, hex);
  if (required)
    {
      /* The requester's key adds a condition for this apply; it cannot
         stand in for the keys the configuration trusts.  */
      if (req_key && memcmp (req_key, tr->public_key, 32) != 0)
        return ulp_fail (err, ULP_E_SIGNATURE, "%s: signed by key %s, not "
                         "by the key given for this apply", path, hex);
      if (pol->require || !req_key)
        {
          unsigned char keys[MAX_KEYS][32];
          int n = load_keys (path, pol, keys, err);
          if (n < 0)
            {
              crypto_missing (path, err);
              return -1;
            }
          int i = 0;
          while (i < n && memcmp (keys[i], tr->public_key, 32) != 0)
            i++;
          if (i == n)
            return ulp_fail (err, ULP_E_SIGNATURE, "%s: signed by key %s, "
                             "which is not trusted (not in %s)", path, hex,
                             pol->keys);
        }
    }
  struct stat st;
  if (fstat (t->fd, &st) < 0)
    return ulp_fail (err, ULP_E_OPEN, "cannot read %s: %s", path,
                     strerror (errno));
  void *map = MAP_FAILED;
  if (st.st_size > 0)
    map = mmap (NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, t->fd, 0);
  bool ok = map != MAP_FAILED
            && sig_good (map, (size_t) st.st_size, tr->public_key,
                         tr->signature);
  if (map != MAP_FAILED)
    munmap (map, (size_t) st.st_size);
  if (!ok && crypto_missing (path, err) < 0)
    return -1;
  if (!ok)
    return ulp_fail (err, ULP_E_SIGNATURE, "%s: bad signature (the file "
                     "changed after it was signed, or the signature is "
                     "damaged)", path);
  t->signature = true;
  return 0;
#endif
}

/* ------------------------------------------------------------------ */
/* Opening a patch.                                                    */
/* ------------------------------------------------------------------ */

int
ulp_trust_memfd (const char *path)
{
  char name[200];
  const char *b = strrchr (path, '/');
  snprintf (name, sizeof name, "ulp:%s", b ? b + 1 : path);
  int mfd = memfd_create (name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mfd < 0 && errno == EINVAL)
    /* A kernel before 6.3 does not know MFD_EXEC (and its memfds are
       executable anyway).  */
    mfd = memfd_create (name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  return mfd;
}

int
ulp_trust_seal (int fd)
{
  return fcntl (fd, F_ADD_SEALS,
                F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
}

/* Copy FD (SIZE bytes) into a new memfd named after PATH; -1 with errno
   when the kernel has none for us.  */

static int
copy_to_memfd (const char *path, int fd, off_t size)
{
  int mfd = ulp_trust_memfd (path);
  if (mfd < 0)
    return -1;
  char *buf = malloc (1 << 16);
  if (!buf)
    {
      close (mfd);
      errno = ENOMEM;
      return -1;
    }
  off_t at = 0;
  while (at < size)
    {
      size_t want = size - at < (1 << 16) ? (size_t) (size - at) : 1 << 16;
      ssize_t got = pread (fd, buf, want, at);
      if (got <= 0)
        break;    /* Shorter now than it was: verify what we got.  */
      for (ssize_t off = 0; off < got;)
        {
          ssize_t w = write (mfd, buf + off, (size_t) (got - off));
          if (w < 0)
            {
              int e = errno;
              free (buf);
              close (mfd);
              errno = e;
              return -1;
            }
          off += w;
        }
      at += got;
    }
  free (buf);
  return mfd;
}

int
ulp_trust_open (const char *path, unsigned flags, const unsigned char *key,
                struct ulp_trusted *t, struct ulp_error *err)
{
  memset (t, 0, sizeof *t);
  t->fd = -1;
  struct policy pol;
  if (get_policy (&pol, err) < 0)
    return -1;
  bool required = pol.require || (flags & ULP_APPLY_REQUIRE_SIGNATURE)
                  || key != NULL;

  int fd = open_checked (path, O_RDONLY, &t->st, err);
  if (fd < 0)
    return -1;
  if (check_file (path, &t->st, err) < 0)
    {
      close (fd);
      return -1;
    }

  int mfd = copy_to_memfd (path, fd, t->st.st_size);
  if (mfd < 0)
    {
      int e = errno;
      if (e == ENOMEM)
        {
          close (fd);
          return ulp_fail (err, ULP_E_NOMEM, "out of memory");
        }
      if (required)
        {
          close (fd);
          return ulp_fail (err, ULP_E_SIGNATURE, "%s: cannot check a "
                           "signature: no sealed copy of the file (%s)",
                           path, strerror (e));
        }
      /* Load the file opened above: still immune to renames.  */
      t->fd = fd;
      return 0;
    }
  close (fd);
  t->fd = mfd;

  /* The trailer, if any, comes off the copy before it is sealed: what
     remains is exactly the signed bytes, and exactly what is loaded.  */
  struct ulp_sig_trailer tr;
  bool have_sig = false;
  struct stat mst;
  if (fstat (mfd, &mst) == 0 && mst.st_size >= (off_t) sizeof tr
      && pread (mfd, &tr, sizeof tr, mst.st_size - (off_t) sizeof tr)
         == (ssize_t) sizeof tr
      && ulp_sig_is_trailer (&tr))
    {
      have_sig = true;
      if (ftruncate (mfd, mst.st_size - (off_t) sizeof tr) < 0)
        {
          ulp_trust_close (t);
          return ulp_fail (err, ULP_E_NOMEM, "%s: cannot cut the signature "
                           "off the copy: %s", path, strerror (errno));
        }
    }
  if (ulp_trust_seal (mfd) < 0)
    {
      int e = errno;
      ulp_trust_close (t);
      return ulp_fail (err, ULP_E_OPEN, "%s: cannot seal the copy of the "
                       "file: %s", path, strerror (e));
    }
  t->sealed = true;
  if (check_signature (path, t, have_sig, &tr, required, &pol, key, err) < 0)
    {
      ulp_trust_close (t);
      return -1;
    }
  return 0;
}

void *
ulp_trust_dlopen (struct ulp_trusted *t, const char *path,
                  struct ulp_error *err)
{
  /* The loader knows an object by the name it was opened with before it
     looks at the file: were an earlier patch loaded as /proc/self/fd/N
     and N reused since (we close our fds after loading), dlopen would
     hand back that patch.  Move to a number no loaded object is named
     after; a fd number not in use by a loaded object probes as not
     loaded (the loader then compares the file's identity, and our copy
     is new).  */
  char name[64];
  int fd = t->fd, extra = -1;
  for (int tries = 0;; tries++)
    {
      snprintf (name, sizeof name, "/proc/self/fd/%d", fd);
      void *old = dlopen (name, RTLD_LAZY | RTLD_NOLOAD);
      if (!old)
        break;
      dlclose (old);
      int nfd = tries < 64 ? fcntl (fd, F_DUPFD_CLOEXEC, fd + 1) : -1;
      if (nfd < 0)
        {
          if (extra >= 0)
            close (extra);
          ulp_fail (err, ULP_E_LOAD, "%s: cannot load: no free file "
                    "descriptor name for it", path);
          return NULL;
        }
      if (extra >= 0)
        close (extra);
      extra = fd = nfd;
    }
  dlerror ();
  if (ulp_fault (ULP_FAULT_DLOPEN))
    {
      if (extra >= 0)
        close (extra);
      ulp_fail (err, ULP_E_LOAD, "%s: cannot load: injected fault", path);
      return NULL;
    }
  void *handle = dlopen (name, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    {
      /* The loader's message names /proc/self/fd/N: name the file.  */
      const char *e = dlerror ();
      size_t len = strlen (name);
      if (e && strncmp (e, name, len) == 0)
        ulp_fail (err, ULP_E_LOAD, "%s: cannot load: %s%s", path, path,
                  e + len);
      else
        ulp_fail (err, ULP_E_LOAD, "%s: cannot load: %s", path,
                  e ? e : "unknown error");
    }
  if (extra >= 0)
    close (extra);
  return handle;
}

void
ulp_trust_close (struct ulp_trusted *t)
{
  if (t->fd >= 0)
    close (t->fd);
  t->fd = -1;
}
