/* mg.h -- the library the migration tests patch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   libmg.so.1 (mg-lib.c) runs an event loop for its caller that never
   returns (mg_loop), as a server's library would: it waits in poll on a
   pipe, inside the library, and serves one command per byte read.  Its
   patch (mg-patch.c) changes helper (the value 1 becomes 2) and holder
   (a function that blocks in read inside itself).  */

#ifndef MG_H
#define MG_H

#ifdef __cplusplus
extern "C" {
#endif

/* Serve the one-byte commands read from FD until 'x', writing one line
   per command to standard output (mg-lib.c lists them).  WORKER_FD is
   the command pipe of the worker thread command 's' starts inside the
   library.  */
int mg_loop (int fd, int worker_fd);

#ifdef __cplusplus
}
#endif

#endif /* MG_H */
