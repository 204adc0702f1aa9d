/* apply.h -- the job machinery of ulp-apply.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-apply does its work on each process as one job (job.c): open the
   process and check it, plan the request, load the runtime when asked,
   take the per-process lock, send the request, and later receive and
   report the reply.  Every way of running ulp-apply goes through it:
   a patch file for one PID or, with --all, for every process that maps
   its target object; --revert; --migrate alone; and --repo, where the
   request is the runtime's status and the reply plans one apply per
   patch the process needs from the repository (repo-job.c).  run.c
   runs the jobs of a list of processes, and with --all shares /proc out
   among worker processes.  ulp-apply.c holds the command line.  */

#ifndef ULP_APPLY_H
#define ULP_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mailbox.h"
#include "outcome.h"
#include "tool-report.h"
#include "procfs.h"
#include "target.h"

struct patchinfo;
struct repo;

/* The command line (ulp-apply.c).  */
struct apply_options
{
  bool revert;
  bool all;
  bool load_runtime;
  const char *runtime;
  double timeout;
  pid_t thread;
  bool stop_all;
  size_t jobs;             /* --all's worker processes.  */
  bool migrate;            /* --migrate, --force-migrate, --migrate-wait */
  bool migrate_only;       /* ... with a PID and no patch.  */
  bool force_migrate;
  double migrate_wait;     /* --migrate-wait: retry for so long.  */
  bool require_signature;  /* --require-signature, --trusted-key.  */
  char trusted_key_hex[65];   /* --trusted-key's public key, or "-".  */
};

extern struct apply_options opt;
extern bool verbose, quiet;
extern uint64_t program_start;         /* for the end-to-end time.  */
extern const struct patchinfo *patch;  /* NULL for a bare --revert.  */
extern const char *revert_name;        /* --revert by name.  */
extern const struct repo *repo;        /* --repo, or NULL.  */

/* The testsuite's hooks (ULP_APPLY_TEST, ulp-apply.c).  */
void test_hook (const char *point);

/* ------------------------------------------------------------------ */
/* One process (job.c).                                                */
/* ------------------------------------------------------------------ */

struct job
{
  pid_t pid;
  struct proc_maps maps;     /* read by the --all scan, or empty.  */
  struct target t;
  bool opened;
  int lock;
  uint64_t start, end;       /* when it began and was done.  */
  struct mailbox_pending pending;
  struct mailbox_times times;
  bool sent;
  bool done;
  int status;                /* enum ulp_exit once done.  */
  size_t nthreads;
  bool armed_now;            /* this job armed the target object.  */
  bool program;              /* the patch is of the process's program (or,
                                reverting, the program is live-patchable):
                                its threads are pinned and moved on.  */
  char request[4200];        /* what it asked the runtime.  */
  /* --repo (repo-job.c): the indexes into the repository of the patches
     the process's objects have, and the requests and the longest pause
     of its runtime so far.  */
  size_t *want;
  size_t nwant;
  unsigned ncalls;
  uint64_t max_pause;
};

/* Everything up to and including sending the request; or J is done.  */
void job_send (struct job *j);

/* Wait for the reply, act on it and report; J is done.  */
void job_receive (struct job *j);

/* End J with exit status STATUS (enum ulp_exit), letting go of its
   lock.  */
void job_finish (struct job *j, int status);

/* Report *OC as J's failure, and end J with its status.  */
void job_fail (struct job *j, const struct outcome *oc);

/* The time left of J's --timeout, in nanoseconds (0 once over).  */
uint64_t job_time_left (const struct job *j);

/* The mailbox options for J's requests: --thread, --stop-all, the time
   left.  */
struct mailbox_opts job_mailbox_opts (const struct job *j);

/* *REP answered J's REQUEST with ULP_E_NOT_ARMED: the object SONAME
   was built with lazy arming and nothing armed it yet.  Arm it, check
   its threads (arm-check.c), and ask again, into *REP and *TM.  0; -1
   with *OC when arming failed, -2 when asking again did (the object
   unarmed again).  */
int job_arm_and_ask (struct job *j, const char *soname, const char *request,
                     struct mailbox_reply *rep, struct mailbox_times *tm,
                     struct outcome *oc);

/* Put the object SONAME back to unarmed if J armed it: the patch never
   landed (the runtime refuses once a patch did).  */
void job_unarm (struct job *j, const char *soname);

/* ------------------------------------------------------------------ */
/* --repo (repo-job.c).                                                */
/* ------------------------------------------------------------------ */

/* Whether the process whose maps are in T has an object the repository
   has patches for (the --repo --all scan).  */
bool repo_job_match (struct target *t, void *data);

/* After J's process was opened: the patches it needs, in J->want.
   false when J is done (nothing to do, or a failure).  */
bool repo_job_select (struct job *j);

/* The reply to J's status request is in *REP: apply each patch the
   runtime does not have at its version, reporting each; J is done.  */
void repo_job_receive (struct job *j, struct mailbox_reply *rep);

/* --verbose: the time J took, its requests and its longest pause.  */
void repo_job_summary (const struct job *j);

/* ------------------------------------------------------------------ */
/* Running the jobs (run.c).                                           */
/* ------------------------------------------------------------------ */

/* Whether the process whose maps are in T is one to work on.  */
typedef bool (*process_match_fn) (struct target *t, void *data);

/* Run the jobs of the NPIDS processes PIDS, whose maps MAPS may already
   hold; the exit status.  */
int run_jobs (const pid_t *pids, size_t npids, struct proc_maps *maps);

/* --all: run the jobs of every process MATCH accepts, --jobs at a time;
   the exit status, and the number of processes in *FOUND.  */
int run_all (process_match_fn match, void *data, size_t *found);

#endif /* ULP_APPLY_H */
