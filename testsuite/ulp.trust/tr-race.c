/* tr-race.c -- the runtime's trust checks through its API, and a race
   that swaps the patch file while it is being applied.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Linked with libap.so.1 (ap_value: 1; patch ap-p1 makes it 2) and
   libulp.  Prints PASS:/FAIL: lines for ulp_rt_run, and its figures.

     tr-race apply PATH WANT      one ulp_apply (then revert); WANT is
                                  "value V" or "refused CODE TEXT", TEXT
                                  a substring of the message
     tr-race rename GOOD BAD N    swap GOOD and BAD (RENAME_EXCHANGE) in
                                  a loop while applying GOOD's name N
                                  times
     tr-race rewrite FILE BAD N   rewrite FILE in place with BAD's bytes
                                  and back in a loop while applying it N
                                  times
     tr-race window-rename GOOD BAD N
     tr-race window-rewrite FILE BAD N
                                  the same without a thread: this
                                  program's own dlopen, which the
                                  runtime's calls reach first, swaps in
                                  the bad file (or rewrites the file
                                  with it) just before the real dlopen
                                  of each apply and puts the good one
                                  back after: exactly in the window
                                  between the checks and the load,
                                  whatever the machine's load
     tr-race stack P1 P2          apply P1 then P2 (ap_value 3): the
                                  loader knows each by a /proc/self/fd
                                  name, which the second must not share
                                  with the first; the runtime keeps the
                                  real names

   In both races every apply must either fail with ULP_E_UNTRUSTED or
   ULP_E_SIGNATURE (it saw the bad file) or load the good patch: ap_value
   must then be 2, never the bad patch's 3.  The bad file is untrusted
   (world-writable) or, with ULP_REQUIRE_SIGNATURE set by the .exp, not
   signed, while the good one passes.  */

#define _GNU_SOURCE
#include <errno.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ap.h"
#include "ulp.h"

static atomic_int stop;
static const char *file_a, *file_b;
static unsigned char *bytes_a, *bytes_b;
static size_t size_a, size_b;
static atomic_ulong swaps;

static void
fail (const char *fmt, const char *a, const char *b)
{
  printf ("FAIL: ");
  printf (fmt, a, b);
  printf ("\n");
}

static unsigned char *
slurp (const char *path, size_t *size)
{
  int fd = open (path, O_RDONLY);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      perror (path);
      exit (2);
    }
  unsigned char *buf = malloc (st.st_size);
  if (!buf || read (fd, buf, st.st_size) != st.st_size)
    {
      perror (path);
      exit (2);
    }
  close (fd);
  *size = st.st_size;
  return buf;
}

static void *
renamer (void *arg)
{
  (void) arg;
  while (!atomic_load (&stop))
    {
      if (renameat2 (AT_FDCWD, file_a, AT_FDCWD, file_b, RENAME_EXCHANGE)
          < 0)
        {
          perror ("renameat2");
          exit (2);
        }
      swaps++;
    }
  return NULL;
}

static void
write_all (int fd, const unsigned char *buf, size_t size)
{
  if (pwrite (fd, buf, size, 0) != (ssize_t) size
      || ftruncate (fd, size) < 0)
    {
      perror ("rewrite");
      exit (2);
    }
}

static void *
rewriter (void *arg)
{
  (void) arg;
  /* O_WRONLY without O_TRUNC keeps the inode, and so its owner and
     mode: the trust checks pass, only the signature can tell.  */
  int fd = open (file_a, O_WRONLY);
  if (fd < 0)
    {
      perror (file_a);
      exit (2);
    }
  while (!atomic_load (&stop))
    {
      write_all (fd, bytes_b, size_b);
      write_all (fd, bytes_a, size_a);
      swaps++;
    }
  close (fd);
  return NULL;
}

/* window-*: 1 to swap (rename), 2 to rewrite in the window.  */
static int window;
static long window_hits;

static void
exchange (void)
{
  if (renameat2 (AT_FDCWD, file_a, AT_FDCWD, file_b, RENAME_EXCHANGE) < 0)
    {
      perror ("renameat2");
      exit (2);
    }
}

static void
rewrite (const unsigned char *bytes, size_t size)
{
  int fd = open (file_a, O_WRONLY);
  if (fd < 0)
    {
      perror (file_a);
      exit (2);
    }
  write_all (fd, bytes, size);
  close (fd);
}

/* The runtime's dlopen calls come here first (this program defines
   the symbol).  Loading a patch (not a probe with RTLD_NOLOAD, not
   libcrypto): put the bad file in place, then load.  It stays there
   until the next apply: a file rewritten in place shows through the
   pages of a mapping of it that were not written to, so putting the
   good bytes back at once would hide a load of the bad file.  */
void *
dlopen (const char *name, int flags)
{
  static void *(*real) (const char *, int);
  if (!real)
    real = (void *(*) (const char *, int)) dlsym (RTLD_NEXT, "dlopen");
  bool hit = window && name && !(flags & RTLD_NOLOAD)
             && (strcmp (name, file_a) == 0
                 || strncmp (name, "/proc/self/fd/", 14) == 0);
  if (hit)
    {
      window_hits++;
      if (window == 1)
        exchange ();
      else
        rewrite (bytes_b, size_b);
    }
  return real (name, flags);
}

/* Put the good file back after a window hit.  */

static void
window_restore (long *hits_seen)
{
  if (window_hits == *hits_seen)
    return;
  *hits_seen = window_hits;
  if (window == 1)
    exchange ();
  else
    rewrite (bytes_a, size_a);
}

static int
window_race (const char *mode, const char *a, const char *b, long n)
{
  file_a = a;
  file_b = b;
  bytes_a = slurp (a, &size_a);
  bytes_b = slurp (b, &size_b);
  window = strcmp (mode, "window-rename") == 0 ? 1 : 2;
  long applied = 0, wrong = 0, failed = 0, hits_seen = 0;
  char first[600] = "";
  for (long i = 0; i < n; i++)
    {
      window_restore (&hits_seen);
      struct ulp_error err;
      long id = ulp_apply (a, 0, &err);
      if (id < 0)
        {
          if (!failed)
            snprintf (first, sizeof first, "%s", err.message);
          failed++;
          continue;
        }
      /* The bad file is in place now.  */
      if (ap_value () == 2)
        applied++;
      else
        wrong++;
      if (ulp_revert (id, 0, &err) < 0)
        {
          fail ("%s: revert: %s", mode, err.message);
          break;
        }
    }
  window_restore (&hits_seen);
  window = 0;
  printf ("%s: %ld applies, the file swapped in the window %ld times: %ld "
          "loaded the checked patch, %ld loaded the swapped-in file, %ld "
          "failed\n", mode, n, window_hits, applied, wrong, failed);
  printf ("%s: %s: the bad file was put in place before every load\n",
          window_hits == n ? "PASS" : "FAIL", mode);
  printf ("%s: %s: never loads the swapped-in file\n",
          wrong == 0 ? "PASS" : "FAIL", mode);
  if (failed)
    fail ("%s: an apply failed: %s", mode, first);
  else
    printf ("PASS: %s: no apply failed\n", mode);
  printf ("%s: %s: the target gives 1 afterwards\n",
          ap_value () == 1 ? "PASS" : "FAIL", mode);
  return 0;
}

static int
race (const char *mode, const char *a, const char *b, long n)
{
  file_a = a;
  file_b = b;
  bytes_a = slurp (a, &size_a);
  bytes_b = slurp (b, &size_b);
  pthread_t th;
  pthread_create (&th, NULL, strcmp (mode, "rename") == 0 ? renamer
                                                          : rewriter, NULL);
  long applied = 0, refused = 0, wrong = 0, other = 0, contended = 0;
  char first_other[600] = "";
  for (long i = 0; i < n; i++)
    {
      /* Start each apply just after a swap: the other thread is then
         running, and on a machine with a CPU to spare it goes on
         swapping during the apply (the machine may not have one: the
         figures say how many applies saw a swap).  */
      unsigned long s0 = atomic_load (&swaps);
      while (atomic_load (&swaps) == s0)
        sched_yield ();
      s0 = atomic_load (&swaps);
      struct ulp_error err;
      long id = ulp_apply (a, 0, &err);
      if (atomic_load (&swaps) != s0)
        contended++;
      if (id > 0)
        {
          int v = ap_value ();
          if (v == 2)
            applied++;
          else
            wrong++;
          if (ulp_revert (id, 0, &err) < 0)
            {
              fail ("%s: revert: %s", mode, err.message);
              break;
            }
        }
      else if (err.code == ULP_E_UNTRUSTED || err.code == ULP_E_SIGNATURE)
        {
          if (!refused)
            printf ("first refusal: %s\n", err.message);
          refused++;
        }
      else
        {
          if (!other)
            snprintf (first_other, sizeof first_other, "%s", err.message);
          other++;
        }
    }
  atomic_store (&stop, 1);
  pthread_join (th, NULL);
  printf ("%s race: %ld applies (%ld with the file changed during the "
          "apply): %ld loaded the checked patch, %ld refused the swapped-in "
          "file, %ld loaded another file, %ld other errors; %lu swaps\n",
          mode, n, contended, applied, refused, wrong, other,
          atomic_load (&swaps));
  char what[128];
  snprintf (what, sizeof what, "%s race: never loads a file other than the "
            "one checked", mode);
  printf ("%s: %s\n", wrong == 0 ? "PASS" : "FAIL", what);
  if (other)
    fail ("%s race: an unexpected error: %s", mode, first_other);
  else
    printf ("PASS: %s race: every apply loaded the good patch or refused "
            "the bad one\n", mode);
  printf ("%s: %s race: the target gives 1 after the race\n",
          ap_value () == 1 ? "PASS" : "FAIL", mode);
  return 0;
}

static int
apply_one (const char *path, const char *want)
{
  struct ulp_error err;
  long id = ulp_apply (path, 0, &err);
  char got[700];
  if (id > 0)
    {
      snprintf (got, sizeof got, "value %d", ap_value ());
      ulp_revert (id, 0, &err);
    }
  else
    snprintf (got, sizeof got, "refused %d %s", err.code, err.message);
  printf ("got: %s\n", got);
  int code;
  char text[600];
  bool ok;
  if (sscanf (want, "refused %d %599[^\n]", &code, text) == 2)
    ok = id < 0 && err.code == code && strstr (err.message, text) != NULL;
  else
    ok = strcmp (got, want) == 0;
  printf ("%s: apply %s: %s\n", ok ? "PASS" : "FAIL", path, want);
  printf ("%s: apply %s: the target gives 1 afterwards\n",
          ap_value () == 1 ? "PASS" : "FAIL", path);
  return 0;
}

static int
count_fd_names (struct dl_phdr_info *info, size_t size, void *data)
{
  (void) size;
  if (info->dlpi_name && strncmp (info->dlpi_name, "/proc/self/fd/", 14) == 0)
    {
      char **names = data;
      for (int i = 0; i < 8; i++)
        if (!names[i])
          {
            names[i] = strdup (info->dlpi_name);
            break;
          }
    }
  return 0;
}

static int
stack (const char *p1, const char *p2)
{
  struct ulp_error err;
  long id1 = ulp_apply (p1, 0, &err);
  if (id1 < 0)
    fail ("stack: %s: %s", p1, err.message);
  long id2 = ulp_apply (p2, 0, &err);
  if (id2 < 0)
    fail ("stack: %s: %s", p2, err.message);
  printf ("%s: stack: the second patch is the one that runs\n",
          id1 > 0 && id2 > 0 && ap_value () == 3 ? "PASS" : "FAIL");
  char *names[8] = { NULL };
  dl_iterate_phdr (count_fd_names, names);
  for (int i = 0; i < 8 && names[i]; i++)
    printf ("loader name: %s\n", names[i]);
  printf ("%s: stack: the loader knows the patches by two names under "
          "/proc/self/fd\n", names[0] && names[1] && !names[2]
                             && strcmp (names[0], names[1]) != 0
                             ? "PASS" : "FAIL");
  struct ulp_patch_info info[4];
  size_t n = ulp_patches (info, 4);
  printf ("%s: stack: the runtime keeps the files' names\n",
          n == 2 && strcmp (info[0].path, p1) == 0
          && strcmp (info[1].path, p2) == 0 ? "PASS" : "FAIL");
  ulp_revert (0, 0, &err);
  ulp_revert (0, 0, &err);
  printf ("%s: stack: both reverted, the target gives 1\n",
          ulp_patches (info, 4) == 0 && ap_value () == 1 ? "PASS" : "FAIL");
  return 0;
}

int
main (int argc, char **argv)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc == 4 && strcmp (argv[1], "apply") == 0)
    return apply_one (argv[2], argv[3]);
  if (argc == 4 && strcmp (argv[1], "stack") == 0)
    return stack (argv[2], argv[3]);
  if (argc == 5 && (strcmp (argv[1], "window-rename") == 0
                    || strcmp (argv[1], "window-rewrite") == 0))
    return window_race (argv[1], argv[2], argv[3], atol (argv[4]));
  if (argc == 5 && (strcmp (argv[1], "rename") == 0
                    || strcmp (argv[1], "rewrite") == 0))
    return race (argv[1], argv[2], argv[3], atol (argv[4]));
  fprintf (stderr, "usage: tr-race apply PATH WANT | rename GOOD BAD N | "
           "rewrite FILE BAD N\n");
  return 2;
}
