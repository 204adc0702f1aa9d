/* arm-check.h -- the threads inside an object when its tracking was
   armed (arm-check.c).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#ifndef ULP_ARM_CHECK_H
#define ULP_ARM_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mailbox.h"
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
   "arm" request, ulp-protocol.h), look at every thread of T: each one
   found inside the object through an entry it made unarmed gets the state
   the entry would have given it.  T must be open, the process not
   stopped by us.  0, or -1 with *OC when the threads cannot be looked
   at at all.  */
int arm_check_threads (struct target *t, const char *reply,
                       uint64_t deadline, struct arm_check_result *res,
                       struct outcome *oc);

struct arm_summary
{
  bool armed_now;         /* this call armed the object.  */
  bool program;           /* the object is the process's program, whose
                             threads are checked at every patch.  */
  size_t seeded;          /* threads found inside and given a state.  */
  size_t unchecked;       /* threads that could not be looked at.  */
};

/* Have the runtime of T arm object SONAME ("arm SONAME",
   ulp-protocol.h) and, if that armed it or the object is the program,
   check every thread
   (arm_check_threads) and tell the runtime where the states it wrote
   are (migrate-register).  On failure after the arming, the object is
   disarmed again.  0, or -1
   with *OC.  */
int arm_object (struct target *t, const struct mailbox_opts *mo,
                const char *soname, uint64_t deadline,
                struct arm_summary *sum, struct outcome *oc);

/* Undo what arm_object armed, when the patch did not land.  */
void arm_undo (struct target *t, const struct mailbox_opts *mo,
               const char *soname);

#endif /* ULP_ARM_CHECK_H */
