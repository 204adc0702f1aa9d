/* ulp-apply -- apply or revert a live patch in running processes.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-apply PID PATCH asks the ulp runtime inside process PID to apply
   PATCH; --revert takes a patch out again; --all applies a patch to
   every process that has its target object loaded; --repo brings
   processes up to date from a repository of patches.  The work happens
   inside each process, in the runtime's worker thread; this program
   only checks what it can from outside, writes the request into the
   runtime's mailbox and wakes the worker with a brief ptrace stop
   (mailbox.c, ptrace-inject.c), then waits for the reply.  With
   --load-runtime it first loads the runtime into a process started
   without it (loadrt.c).

   This file is the command line; each way of running ulp-apply is a
   list of jobs, one per process (apply/apply.h).  Each process gets one
   line: what was done, or, on stderr, why not.  The exit status is 0
   only when every process ended as asked; the statuses are in
   outcome.h and the manual.  */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "objfile.h"
#include "patchinfo.h"
#include "priority.h"
#include "ptrace-inject.h"
#include "repo.h"
#include "sign.h"
#include "tool-report.h"
#include "ulp-hex.h"

#ifndef ULP_RUNTIME_DEFAULT
#define ULP_RUNTIME_DEFAULT "/usr/local/lib/libulp.so.0"
#endif

bool verbose, quiet;
uint64_t program_start;
const struct patchinfo *patch;
const char *revert_name;
const struct repo *repo;

struct apply_options opt = { .runtime = ULP_RUNTIME_DEFAULT, .timeout = 10.0,
                             .jobs = 8, .trusted_key_hex = "-" };

/* ------------------------------------------------------------------ */
/* The testsuite's hooks: ULP_APPLY_TEST="kill@POINT,sleep@POINT=MS"   */
/* makes ulp-apply kill itself or pause at a named point (announced on */
/* stderr as "ulp-apply: test: POINT"); break@orig-rax, break@eintr    */
/* and break@xstate switch off one safety each (ptrace-inject.h).      */
/* ------------------------------------------------------------------ */

static const char *test_spec;

void
test_hook (const char *point)
{
  if (!test_spec)
    return;
  size_t pl = strlen (point);
  for (const char *p = test_spec; *p;)
    {
      const char *end = strchr (p, ',');
      size_t len = end ? (size_t) (end - p) : strlen (p);
      const char *at = memchr (p, '@', len);
      if (at && (size_t) (p + len - (at + 1)) >= pl
          && strncmp (at + 1, point, pl) == 0
          && (at + 1 + pl == p + len || at[1 + pl] == '='))
        {
          tool_say (0, "test: %s", point);
          fflush (stderr);
          if (strncmp (p, "kill", 4) == 0)
            raise (SIGKILL);
          else if (strncmp (p, "sleep", 5) == 0)
            {
              long ms = at[1 + pl] == '=' ? atol (at + 2 + pl) : 1000;
              struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
              nanosleep (&ts, NULL);
            }
        }
      p += len + (end != NULL);
    }
}

/* ------------------------------------------------------------------ */
/* Command line.                                                       */
/* ------------------------------------------------------------------ */

static void
usage (int status)
{
  if (status != 0)
    {
      fprintf (stderr, "Try '%s --help' for more information.\n",
               program_name);
      exit (status);
    }
  printf ("\
Usage: %s [OPTION]... PID PATCH\n\
  or:  %s --revert [OPTION]... PID [PATCH]\n\
  or:  %s --migrate|--force-migrate [OPTION]... PID\n\
  or:  %s --all [OPTION]... PATCH\n\
  or:  %s --repo=DIR [OPTION]... PID|--all\n\
Apply the live patch PATCH to the running process PID, revert a patch,\n\
or apply PATCH to every process that has its target object loaded.\n\
\n\
  -a, --all              apply (or with --revert, revert) PATCH in every\n\
                           process that maps its target object\n\
  -j, --jobs=N           with --all, work on N processes at a time\n\
                           (default 8)\n\
  -r, --revert           revert PATCH (a patch file or a patch name) from\n\
                           PID, or the newest patch when PATCH is omitted\n\
      --repo=DIR         apply to PID (or with --all, to every process) the\n\
                           newest patches of the repository DIR (ulp-repo)\n\
                           for the objects it has loaded, when not applied\n\
  -m, --migrate          after applying PATCH (or alone, with PID only),\n\
                           move each thread still inside a patched object\n\
                           in an older universe to the newest one, when\n\
                           no old version of a changed function is on its\n\
                           stack; name the function holding the others\n\
      --migrate-wait=SECONDS  with --migrate, look again every 0.1 s for\n\
                           SECONDS while a thread is held\n\
      --force-migrate    like --migrate, but move every such thread\n\
                           without looking at its stack (unsafe: old and\n\
                           new code may then run in one call)\n\
  -l, --load-runtime     load the ulp runtime into a process that has none\n\
      --runtime=FILE     the runtime to load (default %s)\n\
  -t, --timeout=SECONDS  give up on a process after SECONDS (default 10)\n\
      --thread=TID       make thread TID, not the runtime's worker thread,\n\
                           call into the runtime\n\
      --stop-all         stop every thread while waking the runtime\n\
      --require-signature  have the runtime load PATCH only with a good\n\
                           signature by a key it trusts\n\
      --trusted-key=PUB  ... and by the Ed25519 public key in the PEM\n\
                           file PUB (implies --require-signature)\n\
  -q, --quiet            print nothing but errors\n\
  -v, --verbose          print each step and how long it took\n\
      --help             display this help and exit\n\
      --version          output version information and exit\n\
\n\
Exit status: 0 when every process ended as asked; 3 no such process;\n\
4 permission denied; 5 already traced; 6 the process exited mid-way;\n\
7 target object not loaded; 8 patch already applied; 9 patch built for\n\
another build; 10 runtime missing; 11 no such applied patch; 12 timeout;\n\
13 unusable patch file; 14 patch file not trusted; 15 signature\n\
missing, bad or by an untrusted key; 2 bad usage; 1 any other failure.\n",
          program_name, program_name, program_name, program_name,
          program_name, ULP_RUNTIME_DEFAULT);
  if (PACKAGE_BUGREPORT[0])
    printf ("\nReport bugs to: <%s>\n", PACKAGE_BUGREPORT);
  exit (0);
}

static pid_t
parse_pid (const char *s)
{
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno || end == s || *end || v <= 0 || v > INT_MAX)
    {
      tool_error ("invalid process id '%s'", s);
      usage (ULP_EXIT_USAGE);
    }
  return (pid_t) v;
}

/* The number of seconds ARG gives to --OPTION: above 0, or from 0 when
   ZERO_OK; a usage error otherwise.  */
static double
parse_seconds (const char *option, const char *arg, bool zero_ok)
{
  char *end;
  double v = strtod (arg, &end);
  if (*end || end == arg || !(zero_ok ? v >= 0 : v > 0))
    {
      if (strcmp (option, "timeout") == 0)
        tool_error ("invalid timeout '%s'", arg);
      else
        tool_error ("invalid --%s '%s'", option, arg);
      usage (ULP_EXIT_USAGE);
    }
  return v;
}

static size_t
parse_jobs (const char *arg)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul (arg, &end, 10);
  if (errno || *end || end == arg || v < 1 || v > 256)
    {
      tool_error ("invalid number of jobs '%s' (1 to 256)", arg);
      usage (ULP_EXIT_USAGE);
    }
  return v;
}

/* --trusted-key=PUB: the key in hex, for the request.  */
static void
read_trusted_key (const char *pub)
{
  unsigned char key[32];
  struct outcome oc;
  if (sign_read_public_key (pub, key, &oc) < 0)
    {
      tool_error ("--trusted-key: %s", oc.message);
      exit (ULP_EXIT_USAGE);
    }
  ulp_hex (key, sizeof key, opt.trusted_key_hex);
  opt.require_signature = true;
}

/* ULP_APPLY_TEST (the testsuite's hooks, above), and the safeties it
   switches off.  */
static void
init_test_hooks (void)
{
  test_spec = getenv ("ULP_APPLY_TEST");
  if (!test_spec)
    return;
  if (strstr (test_spec, "break@orig-rax"))
    pt_break |= PT_BREAK_ORIG_RAX;
  if (strstr (test_spec, "break@eintr"))
    pt_break |= PT_BREAK_EINTR;
  if (strstr (test_spec, "break@xstate"))
    pt_break |= PT_BREAK_XSTATE;
}

enum
{
  OPT_RUNTIME = 256,
  OPT_THREAD,
  OPT_STOP_ALL,
  OPT_HELP,
  OPT_VERSION,
  OPT_REPO,
  OPT_REQUIRE_SIGNATURE,
  OPT_TRUSTED_KEY,
  OPT_FORCE_MIGRATE,
  OPT_MIGRATE_WAIT
};

static const struct option longopts[] = {
  { "repo", required_argument, NULL, OPT_REPO },
  { "all", no_argument, NULL, 'a' },
  { "jobs", required_argument, NULL, 'j' },
  { "revert", no_argument, NULL, 'r' },
  { "load-runtime", no_argument, NULL, 'l' },
  { "runtime", required_argument, NULL, OPT_RUNTIME },
  { "timeout", required_argument, NULL, 't' },
  { "thread", required_argument, NULL, OPT_THREAD },
  { "stop-all", no_argument, NULL, OPT_STOP_ALL },
  { "require-signature", no_argument, NULL, OPT_REQUIRE_SIGNATURE },
  { "trusted-key", required_argument, NULL, OPT_TRUSTED_KEY },
  { "migrate", no_argument, NULL, 'm' },
  { "force-migrate", no_argument, NULL, OPT_FORCE_MIGRATE },
  { "migrate-wait", required_argument, NULL, OPT_MIGRATE_WAIT },
  { "quiet", no_argument, NULL, 'q' },
  { "verbose", no_argument, NULL, 'v' },
  { "help", no_argument, NULL, OPT_HELP },
  { "version", no_argument, NULL, OPT_VERSION },
  { NULL, 0, NULL, 0 }
};

static const char *repo_dir;   /* --repo.  */

/* Parse the options into opt (and the globals of apply.h).  */
static void
parse_options (int argc, char **argv)
{
  int c;
  while ((c = getopt_long (argc, argv, "aj:rlt:qvm", longopts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        opt.all = true;
        break;
      case 'j':
        opt.jobs = parse_jobs (optarg);
        break;
      case 'r':
        opt.revert = true;
        break;
      case 'l':
        opt.load_runtime = true;
        break;
      case OPT_RUNTIME:
        opt.runtime = optarg;
        break;
      case 't':
        opt.timeout = parse_seconds ("timeout", optarg, false);
        break;
      case OPT_THREAD:
        opt.thread = parse_pid (optarg);
        break;
      case OPT_STOP_ALL:
        opt.stop_all = true;
        break;
      case 'm':
        opt.migrate = true;
        break;
      case OPT_FORCE_MIGRATE:
        opt.migrate = opt.force_migrate = true;
        break;
      case OPT_MIGRATE_WAIT:
        opt.migrate_wait = parse_seconds ("migrate-wait", optarg, true);
        opt.migrate = true;
        break;
      case 'q':
        quiet = true;
        verbose = false;
        break;
      case 'v':
        verbose = true;
        quiet = false;
        break;
      case OPT_HELP:
        usage (0);
        break;
      case OPT_VERSION:
        ulp_print_version ("ulp-apply");
        exit (0);
      case OPT_REPO:
        repo_dir = optarg;
        break;
      case OPT_REQUIRE_SIGNATURE:
        opt.require_signature = true;
        break;
      case OPT_TRUSTED_KEY:
        read_trusted_key (optarg);
        break;
      default:
        usage (ULP_EXIT_USAGE);
      }
}

/* Refuse the options that do not go with the others.  */
static void
check_combinations (void)
{
  if (opt.require_signature && (repo_dir || opt.revert))
    {
      tool_error ("--require-signature and --trusted-key are for applying a "
                  "patch file, not with --%s", repo_dir ? "repo" : "revert");
      usage (ULP_EXIT_USAGE);
    }
  if (opt.migrate && (opt.revert || opt.all || repo_dir))
    {
      tool_error ("--migrate, --migrate-wait and --force-migrate are for one "
                  "PID, not with --revert, --all or --repo");
      usage (ULP_EXIT_USAGE);
    }
}

/* --repo DIR PID or --repo DIR --all.  */
static int
run_repo (int nargs, char **args)
{
  if (opt.revert)
    {
      tool_error ("--repo applies patches; revert them by name without "
                  "--repo");
      usage (ULP_EXIT_USAGE);
    }
  if ((opt.all && nargs != 0) || (!opt.all && nargs != 1))
    {
      tool_error ("--repo DIR takes %s",
                  opt.all ? "no other operand with --all" : "one PID operand");
      usage (ULP_EXIT_USAGE);
    }
  if (opt.thread && opt.all)
    {
      tool_error ("--thread names a thread of one process");
      usage (ULP_EXIT_USAGE);
    }
  static struct repo r;
  struct outcome oc;
  if (repo_load (repo_dir, &r, false, &oc) < 0)
    {
      tool_report (0, &oc);
      return oc.status;
    }
  repo = &r;
  int status;
  if (opt.all)
    {
      size_t found;
      status = run_all (repo_job_match, NULL, &found);
      if (found == 0 && status == ULP_EXIT_OK && !quiet)
        printf ("no process has an object %s has patches for\n", repo_dir);
    }
  else
    {
      pid_t pid = parse_pid (args[0]);
      status = run_jobs (&pid, 1, NULL);
    }
  repo_free (&r);
  return status;
}

struct soname_ctx
{
  const char *soname;
  bool found;
};

static bool
soname_cb (struct target *t, const struct proc_map *m, struct objfile *of,
           void *data)
{
  (void) t;
  (void) m;
  struct soname_ctx *c = data;
  if (strcmp (objfile_soname (of), c->soname) == 0)
    {
      c->found = true;
      return false;
    }
  return true;
}

/* Whether the process whose maps are in T maps an object named DATA
   (the --all scan).  */
static bool
maps_soname (struct target *t, void *data)
{
  struct soname_ctx c = { data, false };
  target_each_object (t, soname_cb, &c);
  return c.found;
}

/* PID PATCH, --revert PID [PATCH], --all PATCH.  */
static int
run_patch (int nargs, char **args)
{
  if ((opt.all && nargs != 1)
      || (!opt.all && opt.revert && (nargs < 1 || nargs > 2))
      || (!opt.all && !opt.revert && nargs != 2))
    {
      tool_error ("%s",
                  nargs < 1 ? "missing operand" : "wrong number of operands");
      usage (ULP_EXIT_USAGE);
    }
  if (opt.thread && opt.all)
    {
      tool_error ("--thread names a thread of one process");
      usage (ULP_EXIT_USAGE);
    }

  static struct patchinfo pi;
  const char *patch_arg = opt.all ? args[0] : nargs == 2 ? args[1] : NULL;
  if (patch_arg)
    {
      struct outcome oc;
      struct stat st;
      if (opt.revert && !opt.all && stat (patch_arg, &st) < 0
          && !strchr (patch_arg, '/'))
        revert_name = patch_arg;   /* A name, not a file.  */
      else if (patchinfo_read (patch_arg, &pi, &oc) < 0)
        {
          tool_error ("%s: %s", patch_arg, oc.message);
          return oc.status;
        }
      else
        {
          patch = &pi;
          if (opt.revert)
            revert_name = pi.name;
        }
    }

  if (opt.all)
    {
      size_t found;
      int status = run_all (maps_soname, pi.target, &found);
      if (found == 0 && status == ULP_EXIT_OK && !quiet)
        printf ("no process has %s loaded\n", pi.target);
      return status;
    }
  pid_t pid = parse_pid (args[0]);
  return run_jobs (&pid, 1, NULL);
}

int
main (int argc, char **argv)
{
  program_name = "ulp-apply";
  program_start = pt_now_ns ();
  /* Short sleeps while waiting for replies (mailbox.c) should be short:
     the default slack of 50 us would add to every one of them.  */
  prctl (PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  /* And on a busy machine, not wait for the scheduler (priority.h).  */
  priority_raise_self ();
  init_test_hooks ();
  const char *env_rt = getenv ("ULP_RUNTIME");
  if (env_rt && *env_rt)
    opt.runtime = env_rt;
  parse_options (argc, argv);
  check_combinations ();
  int nargs = argc - optind;
  char **args = argv + optind;
  if (opt.migrate && nargs == 1)
    {
      if (opt.load_runtime || opt.require_signature)
        {
          tool_error ("--load-runtime and the signature options are for "
                      "applying a patch");
          usage (ULP_EXIT_USAGE);
        }
      opt.migrate_only = true;
      pid_t pid = parse_pid (args[0]);
      return run_jobs (&pid, 1, NULL);
    }
  if (repo_dir)
    return run_repo (nargs, args);
  return run_patch (nargs, args);
}
