/* arm-check.h -- the threads inside an object when its tracking was
   armed (arm-check.c).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#ifndef ULP_ARM_CHECK_H
#define ULP_ARM_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"
#include "target.h"

#define ARM_CHECK_MAX_SEEDED 256

struct arm_check_result
{
  struct
  {
    pid_t tid;
    uint64_t addr;        /* its struct ulp_thread_state.  */
  } seeded[ARM_CHECK_MAX_SEEDED];
  size_t nseeded;         /* threads found inside and written.  */
  size_t unchecked;       /* threads that could not be looked at, or
                             found inside with no state to write.  */
};

/* After the runtime armed an object and replied REPLY (the JSON of the
   "arm" request, ulp.h), look at every thread of T: each one found
   inside the object through an entry it made unarmed gets the state
   the entry would have given it.  T must be open, the process not
   stopped by us.  0, or -1 with *OC when the threads cannot be looked
   at at all.  */
int arm_check_threads (struct target *t, const char *reply,
                       uint64_t deadline, struct arm_check_result *res,
                       struct outcome *oc);

#endif /* ULP_ARM_CHECK_H */
