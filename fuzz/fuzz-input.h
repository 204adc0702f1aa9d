/* fuzz-input.h -- hand a libFuzzer input to code that opens a path.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The runtime's patch verifier and ulp-mkpatch's object reader open
   files by name, so each input is written to one memfd, created once,
   and opened again through /proc/self/fd.  The memfd is made 0644 so
   that it looks like a file a careful owner installed.  */

#ifndef ULP_FUZZ_INPUT_H
#define ULP_FUZZ_INPUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The path of a file holding DATA (SIZE bytes); aborts on an error of
   the harness itself, which libFuzzer then reports.  */
static const char *
fuzz_input_path (const uint8_t *data, size_t size)
{
  static int fd = -1;
  static char path[64];
  if (fd < 0)
    {
      fd = memfd_create ("ulp-fuzz-input", MFD_CLOEXEC);
      if (fd < 0 || fchmod (fd, 0644) != 0)
        abort ();
      snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
    }
  if (ftruncate (fd, 0) != 0)
    abort ();
  size_t done = 0;
  while (done < size)
    {
      ssize_t n = pwrite (fd, data + done, size - done, (off_t) done);
      if (n <= 0)
        abort ();
      done += (size_t) n;
    }
  return path;
}

#endif /* ULP_FUZZ_INPUT_H */
