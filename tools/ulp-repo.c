/* ulp-repo -- keep a repository of live patches.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-repo add DIR PATCH... copies versioned patch files into the
   repository DIR and indexes them by the build-id of the object each
   one targets; ulp-repo list DIR shows the index; ulp-repo check DIR
   validates the index and checks that every file it names is there,
   trusted, unchanged (SHA-256) and the patch the index says it is.
   ulp-apply --repo DIR applies what a process needs from it.  The
   index format and the trust rules are in repo.h and the manual.  */

#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patchinfo.h"
#include "repo.h"
#include "tool-report.h"

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
Usage: %s add DIR PATCH...\n\
  or:  %s list DIR\n\
  or:  %s check DIR\n\
Keep a repository of versioned live patches, indexed by the build-id of\n\
the object each patch is for (ulp-apply --repo DIR applies from it).\n\
\n\
  add DIR PATCH...  copy each PATCH into DIR (created if missing) and add\n\
                      it to DIR/index; a patch already there is skipped\n\
  list DIR          print the index: build-id, soname, name, version, file\n\
  check DIR         check the index and every file it names\n\
\n\
  -q, --quiet       print nothing but errors\n\
      --help        display this help and exit\n\
      --version     output version information and exit\n\
\n\
The directory, its index and its patch files must belong to root or to\n\
the invoking user and must not be writable by group or others.\n\
\n\
Exit status: 0 success, 1 a patch or the repository is unusable (the\n\
message says why), 2 bad usage.\n", program_name, program_name,
          program_name);
  if (PACKAGE_BUGREPORT[0])
    printf ("\nReport bugs to: <%s>\n", PACKAGE_BUGREPORT);
  exit (0);
}

static int
cmd_list (const char *dir)
{
  struct repo r;
  struct outcome oc;
  if (repo_load (dir, &r, false, &oc) < 0)
    {
      tool_report (0, &oc);
      return 1;
    }
  size_t wn = strlen ("NAME"), ws = strlen ("SONAME");
  for (size_t i = 0; i < r.n; i++)
    {
      if (strlen (r.e[i].name) > wn)
        wn = strlen (r.e[i].name);
      if (strlen (r.e[i].soname) > ws)
        ws = strlen (r.e[i].soname);
    }
  printf ("%-40s  %-*s  %-*s  %7s  %s\n", "BUILD-ID", (int) ws, "SONAME",
          (int) wn, "NAME", "VERSION", "FILE");
  for (size_t i = 0; i < r.n; i++)
    printf ("%-40s  %-*s  %-*s  %7u  %s\n", r.e[i].build_id, (int) ws,
            r.e[i].soname, (int) wn, r.e[i].name, r.e[i].version,
            r.e[i].file);
  repo_free (&r);
  return fflush (stdout) || ferror (stdout) ? 1 : 0;
}

static int
cmd_check (const char *dir, bool quiet)
{
  struct repo r;
  struct outcome oc;
  if (repo_load (dir, &r, false, &oc) < 0)
    {
      tool_report (0, &oc);
      return 1;
    }
  size_t bad = 0;
  for (size_t i = 0; i < r.n; i++)
    {
      const struct repo_entry *e = &r.e[i];
      char path[4400];
      snprintf (path, sizeof path, "%s/%s", dir, e->file);
      struct patchinfo pi;
      if (repo_check_file (&r, i, &oc) < 0)
        tool_report (0, &oc);
      else if (patchinfo_read (path, &pi, &oc) < 0)
        tool_error ("%s: %s", path, oc.message);
      else if (strcmp (pi.build_id, e->build_id) != 0
               || strcmp (pi.target, e->soname) != 0
               || strcmp (pi.name, e->name) != 0 || pi.version != e->version)
        tool_error ("%s: the patch is %s version %u for %s (build-id %s), "
                    "the index says %s version %u for %s (build-id %s)",
                    path, pi.name, pi.version, pi.target, pi.build_id,
                    e->name, e->version, e->soname, e->build_id);
      else
        continue;
      bad++;
    }
  if (!quiet && !bad)
    printf ("%s: %zu patch%s, all present and unchanged\n", dir, r.n,
            r.n == 1 ? "" : "es");
  repo_free (&r);
  return bad ? 1 : 0;
}

int
main (int argc, char **argv)
{
  enum
  {
    OPT_HELP = 256,
    OPT_VERSION
  };
  static const struct option longopts[] = {
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, OPT_HELP },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 }
  };
  program_name = "ulp-repo";
  if (argc > 0)
    argv[0] = (char *) program_name;
  bool quiet = false;
  int c;
  while ((c = getopt_long (argc, argv, "q", longopts, NULL)) != -1)
    switch (c)
      {
      case 'q':
        quiet = true;
        break;
      case OPT_HELP:
        usage (0);
        break;
      case OPT_VERSION:
        ulp_print_version ("ulp-repo");
        return 0;
      default:
        usage (2);
      }
  int nargs = argc - optind;
  if (nargs < 1)
    {
      tool_error ("missing command (add, list or check)");
      usage (2);
    }
  const char *cmd = argv[optind];
  if (strcmp (cmd, "add") == 0)
    {
      if (nargs < 3)
        {
          tool_error ("add: missing %s", nargs < 2 ? "DIR" : "PATCH");
          usage (2);
        }
      int status = 0;
      for (int i = optind + 2; i < argc; i++)
        {
          struct outcome oc;
          if (repo_add (argv[optind + 1], argv[i], &oc) < 0)
            {
              tool_report (0, &oc);
              status = 1;
            }
          else if (!quiet)
            printf ("%s\n", oc.message);
        }
      return status;
    }
  if (strcmp (cmd, "list") == 0 || strcmp (cmd, "check") == 0)
    {
      if (nargs != 2)
        {
          tool_error ("%s: %s", cmd,
                      nargs < 2 ? "missing DIR" : "too many operands");
          usage (2);
        }
      return cmd[0] == 'l' ? cmd_list (argv[optind + 1])
                           : cmd_check (argv[optind + 1], quiet);
    }
  tool_error ("unknown command '%s' (add, list or check)", cmd);
  usage (2);
  return 2;
}
