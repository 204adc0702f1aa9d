/* proclock.c -- one ulp-apply at a time per target process.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See proclock.h.  The lock file is removed by its holder before it
   lets go, so lock files do not pile up.  That needs the usual care:
   after flock succeeds the holder checks that the name still refers to
   the file it locked, since another holder may have removed it in the
   meantime (then it starts over with the new file).  */

#include <config.h>

#include "proclock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ptrace-inject.h"

/* The lock files held, by descriptor, to remove them on release
   (ulp-apply --all holds many at once).  */
struct held
{
  int fd;
  char *path;
};
static struct held *held;
static size_t nheld;

static int
lock_dir (char *dir, size_t size)
{
  static char done[4096];
  if (done[0])
    {
      snprintf (dir, size, "%s", done);
      return 0;
    }
  const char *env;
  if (geteuid () == 0)
    snprintf (dir, size, "/run/ulp");
  else if ((env = getenv ("XDG_RUNTIME_DIR")) && *env == '/')
    snprintf (dir, size, "%s/ulp", env);
  else
    {
      env = getenv ("TMPDIR");
      snprintf (dir, size, "%s/ulp-%d", env && *env == '/' ? env : "/tmp",
                (int) geteuid ());
    }
  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    return -1;
  /* Someone else's directory would let them block or fake our locks.  */
  struct stat st;
  if (lstat (dir, &st) < 0 || !S_ISDIR (st.st_mode)
      || st.st_uid != geteuid () || (st.st_mode & 022))
    {
      errno = EACCES;
      return -1;
    }
  snprintf (done, sizeof done, "%s", dir);
  return 0;
}

int
proclock_acquire (pid_t pid, unsigned long long starttime,
                  uint64_t deadline_ns, struct outcome *oc)
{
  char dir[4096];
  if (lock_dir (dir, sizeof dir) < 0)
    return outcome_fail (oc, ULP_EXIT_FAIL, "cannot use the lock directory "
                         "%s: %s", dir, strerror (errno));
  char lock_path[4200];
  snprintf (lock_path, sizeof lock_path, "%s/%d-%llu.lock", dir, (int) pid,
            starttime);
  for (;;)
    {
      int fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                     0600);
      if (fd < 0)
        return outcome_fail (oc, ULP_EXIT_FAIL, "cannot open the lock file "
                             "%s: %s", lock_path, strerror (errno));
      while (flock (fd, LOCK_EX | LOCK_NB) < 0)
        {
          if (errno != EWOULDBLOCK && errno != EINTR)
            {
              close (fd);
              return outcome_fail (oc, ULP_EXIT_FAIL, "cannot lock %s: %s",
                                   lock_path, strerror (errno));
            }
          if (pt_now_ns () >= deadline_ns)
            {
              close (fd);
              return outcome_fail (oc, ULP_EXIT_TIMEOUT, "another ulp-apply "
                                   "is working on the process (lock %s)",
                                   lock_path);
            }
          struct timespec ts = { 0, 1000000 };
          nanosleep (&ts, NULL);
        }
      struct stat a, b;
      if (fstat (fd, &a) == 0 && stat (lock_path, &b) == 0
          && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
        {
          struct held *nh = realloc (held, (nheld + 1) * sizeof *nh);
          char *copy = strdup (lock_path);
          if (!nh || !copy)
            {
              free (copy);
              if (nh)
                held = nh;
              close (fd);
              return outcome_fail (oc, ULP_EXIT_FAIL, "out of memory");
            }
          held = nh;
          held[nheld].fd = fd;
          held[nheld].path = copy;
          nheld++;
          return fd;
        }
      /* Removed by the previous holder: take the new one.  */
      close (fd);
    }
}

void
proclock_release (int fd)
{
  if (fd < 0)
    return;
  for (size_t i = 0; i < nheld; i++)
    if (held[i].fd == fd)
      {
        unlink (held[i].path);
        free (held[i].path);
        held[i] = held[--nheld];
        break;
      }
  close (fd);
}
