/* ulp-mkpatch.c -- make a live patch from two builds of object files.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The command line, the order of the phases (mkpatch.h lists them, one
   module each), the analysis table and the exit statuses.  Any phase
   that cannot go on prints why; a change that cannot be applied live is
   explained, with what the user can do, and gets its own exit status,
   as does finding no change at all.  */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mkpatch.h"
#include "repo.h"
#include "sign.h"
#include "tool-report.h"

static void
usage (FILE *f)
{
  fputs ("\
Usage: ulp-mkpatch [OPTION]... --target OBJECT ORIG PATCHED\n\
  or:  ulp-mkpatch --sign=KEY PATCH\n\
Make a live patch for OBJECT from the object files it was linked from\n\
(ORIG) and the same objects rebuilt from fixed sources (PATCHED).\n\
ORIG and PATCHED are object files, or directories whose object files\n\
are paired by relative path, compiled with the ulp plugin by the same\n\
compiler with the same options.  A directory may be a build tree as it\n\
is (a libtool one, or a .la file standing for its directory): only the\n\
objects the target was linked from are used, and the others named.  The second form signs an existing\n\
patch (one written by hand, or to sign again).\n\
\n\
  -o, --output=FILE        write the patch to FILE (default NAME.so)\n\
  -n, --name=NAME          the patch's name (default: FILE without .so)\n\
  -d, --description=TEXT   a one-line description of the patch\n\
      --patch-version=N    the patch's version (1 or more): a newer version\n\
                             of the same name replaces an older one when\n\
                             applied (also --version N, --version=N)\n\
      --install-to=DIR     also add the patch to the repository DIR\n\
                             (see ulp-repo; needs a version)\n\
      --sign=KEY           sign the patch with the Ed25519 private key in\n\
                             the PEM file KEY (openssl genpkey -algorithm\n\
                             ed25519 makes one)\n\
  -t, --target=OBJECT      the shared object or executable to patch\n\
  -f, --force              make the patch even when a change cannot take\n\
                             full effect live (new initial values of\n\
                             existing variables, changed initialisers)\n\
  -N, --dry-run            print the analysis and write nothing\n\
      --keep-line-changes  also replace the functions whose only change is\n\
                             line numbers (shifted __LINE__ constants), which\n\
                             are left out when that is proven (needs -g)\n\
      --ldscript=FILE      the ulp linker script (default: installed)\n\
      --save-temps         keep the intermediate files\n\
  -v, --verbose            say what each phase does (twice: more)\n\
      --help               display this help and exit\n\
      --version            output version information and exit\n\
\n\
Exit status: 0 the patch was written (or, with --dry-run, could be),\n\
1 trouble (bad usage, unreadable input, failed link), 2 a change that\n\
cannot be applied live or a target that is not ORIG's build, 3 no\n\
change.  The linker is $CC, or gcc.\n", f);
  fprintf (f, "\nReport bugs to: %s\n", PACKAGE_BUGREPORT);
}

static void
version (void)
{
  ulp_print_version ("ulp-mkpatch");
}

/* ------------------------------------------------------------------ */
/* The analysis table.                                                 */
/* ------------------------------------------------------------------ */

static const char *
status_name (enum mk_status s)
{
  switch (s)
    {
    case MK_UNCHANGED:
      return "unchanged";
    case MK_CHANGED:
      return "changed";
    case MK_NEW:
      return "new";
    case MK_REMOVED:
      return "removed";
    }
  return "?";
}

static const char *
kind_name (const struct mk_elem *e)
{
  if (e->kind == MK_DATA)
    return e->tls ? "tls" : e->writable ? "variable" : "constant";
  if (e->rec && e->rec->kind == ULP_KIND_CLONE)
    return "clone";
  if (e->rec && e->rec->kind == ULP_KIND_COLD)
    return "cold";
  return "function";
}

static void
row (const char *unit, const char *kind, const char *name,
     const char *status, const char *action, const char *why)
{
  printf ("%-14s %-9s %-28s %-9s %-12s %s\n", unit, kind, name, status,
          action, why ? why : "");
}

void
mk_print_table (struct mk_ctx *ctx, bool all)
{
  row ("UNIT", "KIND", "NAME", "STATUS", "PATCH", "WHY");
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_unit *unit = &ctx->units[u];
      struct mk_object *p = unit->patched, *o = unit->orig;
      for (size_t i = 0; p && i < p->nelems; i++)
        {
          struct mk_elem *e = p->elems[i];
          if (e->plugin)
            continue;
          if (!all && e->status == MK_UNCHANGED && !e->referenced
              && !e->lines_only)
            continue;
          const char *action = "-";
          char *why = NULL;
          if (e->replace && e->include)
            action = "replace";
          else if (e->instead)
            action = "as above";
          else if (e->include)
            action = e->copy ? "copy" : "include";
          else if (e->referenced)
            action = "target's";
          else if (e->lines_only)
            action = "left out";
          if (e->lines_only && e->status == MK_UNCHANGED)
            why = mk_xstrdup (e->why);
          else if (e->status == MK_UNCHANGED && e->referenced)
            why = mk_xstrdup ("used by the patch");
          else if (e->twin && e->status == MK_CHANGED && e->twin->name
                   && strcmp (e->twin->name, e->name) != 0)
            why = mk_xasprintf ("%s%swas %s", e->why ? e->why : "",
                                e->why ? "; " : "", e->twin->name);
          else if (e->status == MK_CHANGED && e->twin && !e->twin->in_target)
            why = mk_xasprintf ("%s%snot in the target", e->why ? e->why : "",
                                e->why ? "; " : "");
          else
            why = e->why ? mk_xstrdup (e->why) : NULL;
          row (unit->rel, kind_name (e), e->name,
               e->lines_only ? "lines" : status_name (e->status), action, why);
          free (why);
        }
      for (size_t i = 0; o && i < o->nelems; i++)
        {
          struct mk_elem *e = o->elems[i];
          if (e->status == MK_REMOVED)
            row (unit->rel, kind_name (e), e->name, "removed", "-",
                 e->in_target ? "the target keeps it" : NULL);
        }
    }
  size_t funcs = 0;
  for (size_t u = 0; u < ctx->nunits; u++)
    for (size_t i = 0; ctx->units[u].patched
                       && i < ctx->units[u].patched->nelems; i++)
      {
        struct mk_elem *e = ctx->units[u].patched->elems[i];
        if (e->include && e->kind == MK_FUNC)
          funcs++;
      }
  printf ("patch: replaces %zu function%s; carries %zu function%s and "
          "%zu data object%s; refers to the target %zu time%s "
          "(%zu literal%s, %zu through its GOT), through %zu slot%s\n",
          ctx->nreplaces, ctx->nreplaces == 1 ? "" : "s", funcs,
          funcs == 1 ? "" : "s", ctx->nincluded - funcs,
          ctx->nincluded - funcs == 1 ? "" : "s", ctx->nrelocs,
          ctx->nrelocs == 1 ? "" : "s", ctx->nliterals,
          ctx->nliterals == 1 ? "" : "s", ctx->ngots, ctx->nrefs,
          ctx->nrefs == 1 ? "" : "s");
  if (ctx->nlines)
    printf ("%zu function%s differ%s only by line numbers: %s\n", ctx->nlines,
            ctx->nlines == 1 ? "" : "s", ctx->nlines == 1 ? "s" : "",
            ctx->opt.keep_line_changes ? "replaced (--keep-line-changes)"
                                       : "left out (--keep-line-changes "
                                         "replaces them)");
}

static void
print_problems (struct mk_ctx *ctx)
{
  for (size_t i = 0; i < ctx->nproblems; i++)
    {
      const struct mk_problem *p = &ctx->problems[i];
      if (p->forceable && ctx->opt.force)
        mk_warning (p->what, "%s", p->why);
      else
        mk_error (p->what, "%s%s%s%s", p->why, p->todo ? "; " : "",
                  p->todo ? p->todo : "",
                  p->forceable ? " (--force makes the patch anyway)" : "");
    }
}

/* ------------------------------------------------------------------ */
/* Cleaning up.                                                        */
/* ------------------------------------------------------------------ */

static void
free_object (struct mk_object *obj)
{
  if (!obj)
    return;
  for (size_t i = 0; i < obj->nelems; i++)
    {
      free (obj->elems[i]->why);
      free (obj->elems[i]);
    }
  free (obj->elems);
  for (size_t i = 0; i < obj->shnum; i++)
    {
      free (obj->secs[i].relas);
      free (obj->secs[i].plan);
    }
  free (obj->secs);
  free (obj->syms);
  free (obj->eh);
  free ((char *) obj->switches);
  mk_map_free (&obj->by_name);
  ulp_elf_close (obj->ue);
  free (obj->path);
  free (obj->rel);
  free (obj);
}

void
mk_free (struct mk_ctx *ctx)
{
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      free_object (ctx->units[u].orig);
      free_object (ctx->units[u].patched);
    }
  free (ctx->units);
  mk_lines_free (ctx);
  free (ctx->orig_dir);
  free (ctx->patched_dir);
  mk_target_free (&ctx->target);
  for (size_t i = 0; i < ctx->nproblems; i++)
    {
      free (ctx->problems[i].what);
      free (ctx->problems[i].why);
      free (ctx->problems[i].todo);
    }
  free (ctx->problems);
  free (ctx->replaces);
  free (ctx->relocs);
  free (ctx->refs);
  for (size_t i = 0; i < ctx->literals.cap; i++)
    if (ctx->literals.keys && ctx->literals.keys[i])
      free (ctx->literals.vals[i]);
  mk_map_free (&ctx->literals);
  mk_map_free (&ctx->ref_index);
  mk_map_free (&ctx->globals);
  for (size_t i = 0; i < ctx->nkeys; i++)
    free (ctx->keys[i]);
  free (ctx->keys);
}

/* ------------------------------------------------------------------ */

enum
{
  OPT_HELP = 256,
  OPT_VERSION,
  OPT_LDSCRIPT,
  OPT_SAVE_TEMPS,
  OPT_PATCH_VERSION,
  OPT_INSTALL_TO,
  OPT_SIGN,
  OPT_KEEP_LINES
};

/* --sign KEY: the Ed25519 private key (PEM) to sign the patch with.  */
static const char *sign_key;

static const struct option long_options[] = {
  { "output", required_argument, NULL, 'o' },
  { "name", required_argument, NULL, 'n' },
  { "description", required_argument, NULL, 'd' },
  { "target", required_argument, NULL, 't' },
  { "force", no_argument, NULL, 'f' },
  { "dry-run", no_argument, NULL, 'N' },
  { "verbose", no_argument, NULL, 'v' },
  { "ldscript", required_argument, NULL, OPT_LDSCRIPT },
  { "save-temps", no_argument, NULL, OPT_SAVE_TEMPS },
  { "help", no_argument, NULL, OPT_HELP },
  /* --version alone prints the tool's version; --version=N and
     --version N (parse_options rewrites the latter) set the patch's.  */
  { "version", optional_argument, NULL, OPT_VERSION },
  { "patch-version", required_argument, NULL, OPT_PATCH_VERSION },
  { "install-to", required_argument, NULL, OPT_INSTALL_TO },
  { "sign", required_argument, NULL, OPT_SIGN },
  { "keep-line-changes", no_argument, NULL, OPT_KEEP_LINES },
  { NULL, 0, NULL, 0 }
};

/* Milliseconds on the monotonic clock, for -v's timings.  */
static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double start_ms;

static int
finish (struct mk_ctx *ctx, int status)
{
  mk_free (ctx);
  mk_note (1, "total: %.3f ms", now_ms () - start_ms);
  return status;
}

/* Progress on a terminal, for a phase that works through many objects:
   one line on standard error, rewritten in place and cleared when the
   phase ends.  Never in a pipe or a log, and not under -vv, whose
   notes would be torn by it.  */
enum { PROGRESS_MIN = 16 };
static bool progress_shown;

void
mk_progress (const char *phase, size_t done, size_t total)
{
  static int tty = -1;
  if (tty < 0)
    tty = isatty (STDERR_FILENO);
  if (!tty || total < PROGRESS_MIN || mk_verbose >= 2)
    return;
  tool_progress ("%s: %zu/%zu objects\033[K", phase, done, total);
  progress_shown = true;
}

/* Run phase NAME, FN, on CTX; with -v, say how long it took.  */
static bool
run_phase (const char *name, bool (*fn) (struct mk_ctx *),
           struct mk_ctx *ctx)
{
  double t0 = now_ms ();
  bool ok = fn (ctx);
  if (progress_shown)
    {
      fputs ("\r\033[K", stderr);
      progress_shown = false;
    }
  mk_note (1, "%s: %.3f ms%s", name, now_ms () - t0, ok ? "" : " (failed)");
  return ok;
}

/* ------------------------------------------------------------------ */
/* The command line.                                                   */
/* ------------------------------------------------------------------ */

/* What the steps of main return to let it go on, rather than an exit
   status.  */
enum { GO_ON = -1 };

/* Set *VERSION from ARG, a patch version from 1 to UINT32_MAX; false
   after saying why not.  */

static bool
parse_patch_version (const char *arg, uint32_t *version)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul (arg, &end, 10);
  if (arg[0] < '0' || arg[0] > '9' || *end || errno || v == 0
      || v > UINT32_MAX)
    {
      mk_error (NULL, "invalid patch version '%s' (a number from 1 to %u)",
                arg, UINT32_MAX);
      return false;
    }
  *version = (uint32_t) v;
  return true;
}

/* Read the options into CTX->opt (and SIGN_KEY, MK_VERBOSE); return
   GO_ON, or the exit status for --help, --version and errors.  */

static int
parse_options (struct mk_ctx *ctx, int argc, char **argv)
{
  /* `--version N' with a number after it is the patch's version, not a
     request for the tool's (which takes no argument).  */
  for (int i = 1; i + 1 < argc && strcmp (argv[i], "--") != 0; i++)
    if (strcmp (argv[i], "--version") == 0 && argv[i + 1][0]
        && strspn (argv[i + 1], "0123456789") == strlen (argv[i + 1]))
      argv[i] = (char *) "--patch-version";
  int c;
  while ((c = getopt_long (argc, argv, "o:n:d:t:fNv", long_options, NULL))
         != -1)
    switch (c)
      {
      case 'o':
        ctx->opt.output = optarg;
        break;
      case 'n':
        ctx->opt.name = optarg;
        break;
      case 'd':
        ctx->opt.description = optarg;
        break;
      case 't':
        ctx->opt.target = optarg;
        break;
      case 'f':
        ctx->opt.force = true;
        break;
      case 'N':
        ctx->opt.dry_run = true;
        break;
      case 'v':
        mk_verbose++;
        break;
      case OPT_LDSCRIPT:
        ctx->opt.ldscript = optarg;
        break;
      case OPT_SAVE_TEMPS:
        ctx->opt.save_temps = true;
        break;
      case OPT_HELP:
        usage (stdout);
        return MK_EXIT_OK;
      case OPT_VERSION:
        if (!optarg)
          {
            version ();
            return MK_EXIT_OK;
          }
        if (!parse_patch_version (optarg, &ctx->opt.version))
          return MK_EXIT_TROUBLE;
        break;
      case OPT_PATCH_VERSION:
        if (!parse_patch_version (optarg, &ctx->opt.version))
          return MK_EXIT_TROUBLE;
        break;
      case OPT_INSTALL_TO:
        ctx->opt.install_to = optarg;
        break;
      case OPT_SIGN:
        sign_key = optarg;
        break;
      case OPT_KEEP_LINES:
        ctx->opt.keep_line_changes = true;
        break;
      default:
        fputs ("Try 'ulp-mkpatch --help' for more information.\n", stderr);
        return MK_EXIT_TROUBLE;
      }
  return GO_ON;
}

/* --sign KEY PATCH: sign a patch made before or written by hand.  */

static int
sign_only (const char *patch)
{
  struct outcome oc;
  if (sign_patch_file (patch, sign_key, &oc) < 0)
    {
      mk_error (NULL, "--sign: %s", oc.message);
      return MK_EXIT_TROUBLE;
    }
  mk_note (1, "signed %s with %s", patch, sign_key);
  return MK_EXIT_OK;
}

/* Check the operands and the options that go together, and take ORIG
   and PATCHED; return GO_ON or the exit status.  */

static int
take_operands (struct mk_ctx *ctx, int argc, char **argv)
{
  if (argc - optind != 2)
    {
      mk_error (NULL, argc - optind < 2 ? "missing ORIG or PATCHED"
                                        : "too many operands");
      fputs ("Try 'ulp-mkpatch --help' for more information.\n", stderr);
      return MK_EXIT_TROUBLE;
    }
  if (!ctx->opt.target)
    {
      mk_error (NULL, "no --target: name the shared object or executable "
                "the running process loaded");
      fputs ("Try 'ulp-mkpatch --help' for more information.\n", stderr);
      return MK_EXIT_TROUBLE;
    }
  if (ctx->opt.install_to && !ctx->opt.version)
    {
      mk_error (NULL, "--install-to: a repository keeps only versioned "
                "patches: give --patch-version N");
      return MK_EXIT_TROUBLE;
    }
  ctx->opt.orig = argv[optind];
  ctx->opt.patched = argv[optind + 1];
  return GO_ON;
}

/* The patch's name and output file follow from each other; *NAME_BUF
   and *OUT_BUF get what is allocated for them.  False after an
   error.  */

static bool
name_output (struct mk_ctx *ctx, char **name_buf, char **out_buf)
{
  if (!ctx->opt.name)
    {
      if (ctx->opt.output)
        {
          const char *b = strrchr (ctx->opt.output, '/');
          b = b ? b + 1 : ctx->opt.output;
          *name_buf = mk_xstrdup (b);
          size_t len = strlen (*name_buf);
          if (len > 3 && strcmp (*name_buf + len - 3, ".so") == 0)
            (*name_buf)[len - 3] = '\0';
          ctx->opt.name = *name_buf;
        }
      else
        ctx->opt.name = "ulp-patch";
    }
  if (!*ctx->opt.name)
    {
      mk_error (NULL, "--name: the name is empty");
      return false;
    }
  if (!ctx->opt.output)
    ctx->opt.output = *out_buf = mk_xasprintf ("%s.so", ctx->opt.name);
  return true;
}

/* ------------------------------------------------------------------ */
/* The phases and the output.                                          */
/* ------------------------------------------------------------------ */

/* Why there is no patch to write, when nothing is replaced.  */

static void
report_no_change (struct mk_ctx *ctx)
{
  if (ctx->nchanged + ctx->nnew == 0 && ctx->nlines)
    mk_error (NULL, "no change to apply: only line numbers changed "
              "(%zu function%s; --keep-line-changes replaces them)",
              ctx->nlines, ctx->nlines == 1 ? "" : "s");
  else if (ctx->nchanged + ctx->nnew == 0)
    mk_error (NULL, "no change: %s and %s have the same code%s",
              ctx->opt.orig, ctx->opt.patched,
              ctx->nremoved ? " (only removed functions or data, "
                              "which the target keeps)" : "");
  else
    mk_error (NULL, "no change to apply: nothing the target runs "
              "changed (only new code that nothing calls, or "
              "constructors)");
}

/* The analysis, load to verify, with the table and the problems it
   found; MK_EXIT_OK when there is a patch to write.  */

static int
run_phases (struct mk_ctx *ctx)
{
  if (!run_phase ("load", mk_load, ctx))
    return MK_EXIT_TROUBLE;
  if (!run_phase ("correlate", mk_correlate, ctx))
    {
      print_problems (ctx);
      return ctx->nproblems ? MK_EXIT_REFUSED : MK_EXIT_TROUBLE;
    }
  if (!run_phase ("compare", mk_compare, ctx)
      || !run_phase ("include", mk_include, ctx))
    return MK_EXIT_TROUBLE;
  bool ok = run_phase ("verify", mk_verify, ctx);
  if (ctx->opt.dry_run || mk_verbose >= 1)
    mk_print_table (ctx, mk_verbose >= 2);
  print_problems (ctx);
  if (!ok)
    return MK_EXIT_REFUSED;
  if (ctx->nreplaces == 0)
    {
      report_no_change (ctx);
      return MK_EXIT_NO_CHANGE;
    }
  return MK_EXIT_OK;
}

/* --sign: sign the patch just written.  An unsigned patch left behind
   by a failed signature could be taken for a signed one, so it goes.  */

static bool
sign_output (struct mk_ctx *ctx)
{
  struct outcome oc;
  if (sign_patch_file (ctx->opt.output, sign_key, &oc) < 0)
    {
      mk_error (NULL, "--sign: %s", oc.message);
      remove (ctx->opt.output);
      return false;
    }
  mk_note (1, "signed %s with %s", ctx->opt.output, sign_key);
  return true;
}

/* --install-to: add the patch to the repository.  */

static bool
install_patch (struct mk_ctx *ctx)
{
  struct outcome oc;
  if (repo_add (ctx->opt.install_to, ctx->opt.output, &oc) < 0)
    {
      mk_error (NULL, "--install-to: %s", oc.message);
      return false;
    }
  mk_note (1, "%s", oc.message);
  return true;
}

/* The write phase, then the signature (before --install-to copies the
   patch) and the repository.  */

static int
write_patch (struct mk_ctx *ctx)
{
  if (!run_phase ("write", mk_write, ctx))
    return MK_EXIT_TROUBLE;
  mk_note (1, "wrote %s", ctx->opt.output);
  if (sign_key && !sign_output (ctx))
    return MK_EXIT_TROUBLE;
  if (ctx->opt.install_to && !install_patch (ctx))
    return MK_EXIT_TROUBLE;
  return MK_EXIT_OK;
}

/* Options, then the phases, then the output.  */

int
main (int argc, char **argv)
{
  program_name = "ulp-mkpatch";
  start_ms = now_ms ();
  struct mk_ctx ctx;
  memset (&ctx, 0, sizeof ctx);
  int status = parse_options (&ctx, argc, argv);
  if (status != GO_ON)
    return status;
  if (sign_key && argc - optind == 1 && !ctx.opt.target)
    return sign_only (argv[optind]);
  status = take_operands (&ctx, argc, argv);
  if (status != GO_ON)
    return status;
  char *name_buf = NULL, *out_buf = NULL;
  if (!name_output (&ctx, &name_buf, &out_buf))
    {
      free (name_buf);
      return MK_EXIT_TROUBLE;
    }
  if (elf_version (EV_CURRENT) == EV_NONE)
    {
      mk_error (NULL, "libelf is out of date");
      return MK_EXIT_TROUBLE;
    }

  status = run_phases (&ctx);
  if (status == MK_EXIT_OK && !ctx.opt.dry_run)
    status = write_patch (&ctx);
  free (name_buf);
  free (out_buf);
  return finish (&ctx, status);
}
