/* proclock.h -- one ulp-apply at a time per target process.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Two ulp-apply runs on the same process must not write the mailbox at
   the same time.  They serialise on an flock(2) lock of a file named
   after the process's pid and start time, in /run/ulp when we are root
   and in $XDG_RUNTIME_DIR or ${TMPDIR:-/tmp}/ulp-UID otherwise.  The
   kernel drops the lock when its holder dies, so a killed ulp-apply
   never blocks the next one.  */

#ifndef ULP_PROCLOCK_H
#define ULP_PROCLOCK_H

#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"

/* Take the lock of process PID started at STARTTIME, waiting until
   DEADLINE_NS (CLOCK_MONOTONIC).  Returns a descriptor to pass to
   proclock_release, or -1 with *OC.  */
int proclock_acquire (pid_t pid, unsigned long long starttime,
                      uint64_t deadline_ns, struct outcome *oc);

void proclock_release (int fd);

#endif /* ULP_PROCLOCK_H */
