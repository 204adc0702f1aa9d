/* ulp-dump.c -- show the ulp metadata of ELF files.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-dump lists the function bodies a live-patchable object (a .o, a
   shared object, an executable) describes in its ulp records: where
   each one is, its patchable entry as the file holds it, its kind and
   linkage, and where clones and cold parts come from.  It is the
   first thing to run when asking "can this be patched, and what is in
   it?", and with --json it feeds scripts and the testsuite.  All the
   reading is done by the ulp-elf module; this file only formats.  */

#ifdef HAVE_CONFIG_H
# include <config.h>
#endif

#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gelf.h>
#include <stddef.h>

#include "boundary-check.h"
#include "ulp-json-escape.h"
#include "ulp-elf.h"
#include "ulp-format.h"
#include "ulp-hex.h"
#include "ulp-meta.h"
#include "ulp-patch.h"
#include "tool-report.h"

#ifndef PACKAGE_NAME
# define PACKAGE_NAME "ulp"
#endif
#ifndef PACKAGE_VERSION
# define PACKAGE_VERSION "unknown"
#endif

static bool opt_json;
/* --check-boundary: compare the exports with the tracked entries
   instead of dumping.  */
static bool opt_check;

/* What a live patch says about itself (ulp-patch.h).  */
struct patch_desc
{
  char name[128];
  char target[256];
  char build_id[129];
  uint32_t version;
};

/* The one of the file being dumped, or NULL when it is no live patch.  */
static const struct patch_desc *cur_patch;

/* Read the patch table of UE, which the ULP note points to, into *D:
   false when UE is not a live patch, or a damaged one (ulp-dump still
   shows its records).  */
static bool
patch_desc_read (const struct ulp_elf *ue, struct patch_desc *d)
{
  memset (d, 0, sizeof *d);
  struct ulp_note note;
  if (!ulp_elf_note (ue, &note) || note.patch_table == 0)
    return false;
  struct ulp_image im;
  struct ulp_patch_about about;
  ulp_elf_image (ue, &im);
  if (!ulp_patch_describe (&im, note.patch_table, note.patch_size, &about)
      || !about.soname || !about.build_id)
    return false;
  snprintf (d->target, sizeof d->target, "%s", about.soname);
  snprintf (d->build_id, sizeof d->build_id, "%s", about.build_id);
  snprintf (d->name, sizeof d->name, "%s", about.name ? about.name : "");
  d->version = about.version;
  return true;
}
static bool opt_verbose;
/* -v twice: also each step on standard error, with its time (standard
   error stays empty under a single -v, which scripts rely on).  */
static bool opt_timing;

enum
{
  OPT_HELP = 256,
  OPT_VERSION,
  OPT_JSON,
  OPT_CHECK_BOUNDARY
};

static const struct option long_options[] = {
  { "json", no_argument, NULL, OPT_JSON },
  { "check-boundary", no_argument, NULL, OPT_CHECK_BOUNDARY },
  { "verbose", no_argument, NULL, 'v' },
  { "help", no_argument, NULL, OPT_HELP },
  { "version", no_argument, NULL, OPT_VERSION },
  { NULL, 0, NULL, 0 }
};

static void
usage (void)
{
  printf ("Usage: %s [OPTION]... FILE...\n", program_name);
  fputs ("\
Show the ulp live-patching metadata of each FILE: an object file, a shared\n\
object or an executable built with the ulp GCC plugin.\n\
\n\
  --check-boundary\n\
                 instead of the metadata, check that every function\n\
                 each linked FILE exports lands on a tracked entry\n\
                 (see below)\n\
  --json         print one JSON array describing all the files\n\
  -v, --verbose  also show each function's unit, inlined functions,\n\
                 flags and pre-entry bytes; twice, also print each\n\
                 step and how long it took on standard error\n\
  --help         display this help and exit\n\
  --version      output version information and exit\n\
\n\
Columns: ADDRESS is the link-time address, or SECTION+OFFSET in an object\n\
file; SIZE is the size of the code in bytes; ENTRY shows the bytes of the\n\
patchable entry instruction as the file holds them (\"+4:\" when it follows\n\
endbr64, \"-\" when the function has none, \"?\" when the file does not hold\n\
them); KIND is function, clone, cold or entry (a tracked entry), marked\n\
\",excluded\" when the\n\
function was excluded from patching and \",lto\" when lto1 compiled it;\n\
LINKAGE is exported, global (not exported) or local, marked \",weak\" and\n\
\",comdat\".  Clones and cold parts name their origin after \"<-\".\n\
\n\
--check-boundary reads each FILE's dynamic symbol table and prints one\n\
line per problem: \"exported but not tracked: NAME\" for a function\n\
symbol exported (global or weak, default or protected visibility) whose\n\
address is no tracked entry: a call entering the object through it may\n\
run code of two universes; \"tracked entry not reachable from outside:\n\
NAME\" (informational) for a tracked entry no exported symbol reaches;\n\
\"exported ifunc, not checked: NAME\" for an indirect function, whose\n\
target only the run time knows.  Versioned names show @VERSION or\n\
@@VERSION.  ulp's own __ulp_ symbols are skipped.\n\
\n\
Exit status is 0 if every FILE was read, 1 if any could not be, 2 for\n\
a usage error.  With --check-boundary: 0 when every exported function\n\
of every FILE is tracked, 1 when some is not, 2 when a FILE could not\n\
be checked (missing, not ELF, not live-patchable, not linked) or for a\n\
usage error.\n", stdout);
#ifdef PACKAGE_BUGREPORT
  printf ("\nReport bugs to: %s\n", PACKAGE_BUGREPORT);
#endif
}

static void
version (void)
{
  ulp_print_version (program_name);
}

static void
try_help (void)
{
  fprintf (stderr, "Try '%s --help' for more information.\n", program_name);
  exit (2);
}

/* Functions in file order: by section (in a .o), then address.  */
static int
compare_func (const void *a, const void *b)
{
  const struct ulp_func *x = *(const struct ulp_func *const *) a;
  const struct ulp_func *y = *(const struct ulp_func *const *) b;
  if (x->shndx != y->shndx)
    return x->shndx < y->shndx ? -1 : 1;
  if (x->address != y->address)
    return x->address < y->address ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static const char *
kind_name (unsigned kind)
{
  switch (kind)
    {
    case ULP_KIND_FUNCTION:
      return "function";
    case ULP_KIND_CLONE:
      return "clone";
    case ULP_KIND_COLD:
      return "cold";
    case ULP_KIND_VARIABLE:
      return "variable";
    default:
      return "unknown";
    }
}

/* Flag names, in the order they are shown.  */
static const struct
{
  unsigned bit;
  const char *name;
} flag_names[] = {
  { ULP_F_GLOBAL, "global" },
  { ULP_F_EXPORTED, "exported" },
  { ULP_F_WEAK, "weak" },
  { ULP_F_COMDAT, "comdat" },
  { ULP_F_ENDBR, "endbr" },
  { ULP_F_EXCLUDED, "excluded" },
  { ULP_F_LTO, "lto" },
  { ULP_F_BOUNDARY, "boundary" },
  { ULP_F_TLS, "tls" },
  { ULP_F_ARMABLE, "armable" },
  { ULP_F_FUSED, "fused" },
  { ULP_F_RIP, "rip" },
};

/* F's flags less the ones flag_names spells and the field of ULP_F_RIP.  */
static unsigned
unnamed_flags (const struct ulp_func *f)
{
  unsigned rest = f->flags;
  for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
    rest &= ~flag_names[i].bit;
  if (f->flags & ULP_F_RIP)
    rest &= ~(0xfu << ULP_F_RIP_DISP_SHIFT);
  return rest;
}

/* A growable string, for building table cells.  */
struct buf
{
  char *s;
  size_t len, cap;
};

static void
buf_add (struct buf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      size_t cap = b->cap ? b->cap : 64;
      while (cap < b->len + n + 1)
        cap *= 2;
      char *p = realloc (b->s, cap);
      if (p == NULL)
        {
          tool_error ("out of memory");
          exit (1);
        }
      b->s = p;
      b->cap = cap;
    }
  memcpy (b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void
buf_str (struct buf *b, const char *s)
{
  buf_add (b, s, strlen (s));
}

static void __attribute__ ((format (printf, 2, 3)))
buf_printf (struct buf *b, const char *fmt, ...)
{
  char tmp[64];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (tmp, sizeof tmp, fmt, ap);
  va_end (ap);
  /* Only used for numbers, which always fit.  */
  if (n > 0)
    buf_add (b, tmp, (size_t) n < sizeof tmp ? (size_t) n : sizeof tmp - 1);
}

/* Append S with control characters, backslashes and bytes that are not
   UTF-8 escaped as \xNN, so a damaged or hostile file cannot send escape
   sequences to the terminal and every name reads unambiguously.  */
static void
buf_safe (struct buf *b, const char *s)
{
  const unsigned char *p = (const unsigned char *) s;
  while (*p)
    {
      int len = ulp_utf8_len (p);
      /* U+0080..U+009F are the C1 controls, which terminals obey too.  */
      bool c1 = len == 2 && p[0] == 0xc2 && p[1] < 0xa0;
      if (len == 0 || c1 || *p < 0x20 || *p == 0x7f || *p == '\\')
        {
          buf_printf (b, "\\x%02x", *p);
          p++;
        }
      else
        {
          buf_add (b, (const char *) p, (size_t) len);
          p += len;
        }
    }
}

/* Hex of the N bytes at P, SEP (or nothing for 0) between two; N is a
   record's byte count or a build-id's length, at most 255.  */
static void
buf_hex (struct buf *b, const unsigned char *p, size_t n, char sep)
{
  char hex[3 * UINT8_MAX + 1];
  if (n > UINT8_MAX)
    n = UINT8_MAX;
  if (sep)
    ulp_hex_sep (p, n, sep, hex);
  else
    ulp_hex (p, n, hex);
  buf_printf (b, "%s", hex);
}

/* Print "FILE:"-style text from the file safely.  */
static void
print_safe (FILE *out, const char *s)
{
  struct buf b = { 0 };
  buf_safe (&b, s);
  if (b.s)
    fputs (b.s, out);
  free (b.s);
}

/* The table.  */

enum
{
  COL_ADDRESS,
  COL_SIZE,
  COL_ENTRY,
  COL_KIND,
  COL_LINKAGE,
  COL_NAME,
  NCOLS
};

static const char *const col_titles[NCOLS]
    = { "ADDRESS", "SIZE", "ENTRY", "KIND", "LINKAGE", "NAME" };

static void
format_cells (const struct ulp_func *f, struct buf cell[NCOLS])
{
  if (f->section != NULL)
    {
      buf_safe (&cell[COL_ADDRESS], f->section);
      buf_printf (&cell[COL_ADDRESS], "+0x%" PRIx64, f->address);
    }
  else
    buf_printf (&cell[COL_ADDRESS], "0x%" PRIx64, f->address);

  buf_printf (&cell[COL_SIZE], "%" PRIu32, f->code_size);

  if (f->entry_size == 0)
    buf_str (&cell[COL_ENTRY], "-");
  else
    {
      if (f->entry_offset != 0)
        buf_printf (&cell[COL_ENTRY], "+%u:", (unsigned) f->entry_offset);
      if (f->entry_bytes != NULL)
        buf_hex (&cell[COL_ENTRY], f->entry_bytes, f->entry_size, ' ');
      else
        buf_str (&cell[COL_ENTRY], "?");
    }

  const char *k = kind_name (f->kind);
  buf_str (&cell[COL_KIND], k);
  if (f->flags & ULP_F_EXCLUDED)
    buf_str (&cell[COL_KIND], ",excluded");
  if (f->flags & ULP_F_LTO)
    buf_str (&cell[COL_KIND], ",lto");

  const char *l = (f->flags & ULP_F_EXPORTED) ? "exported"
                  : (f->flags & ULP_F_GLOBAL) ? "global" : "local";
  buf_str (&cell[COL_LINKAGE], l);
  if (f->flags & ULP_F_WEAK)
    buf_str (&cell[COL_LINKAGE], ",weak");
  if (f->flags & ULP_F_COMDAT)
    buf_str (&cell[COL_LINKAGE], ",comdat");

  buf_safe (&cell[COL_NAME], f->name);
  if (f->origin != NULL)
    {
      buf_str (&cell[COL_NAME], " <- ");
      buf_safe (&cell[COL_NAME], f->origin);
    }
}

/* The -v lines under a function's row.  */
static void
print_details (const struct ulp_func *f)
{
  struct buf b = { 0 };
  buf_str (&b, "    unit: ");
  if (f->unit)
    buf_safe (&b, f->unit);
  else
    buf_str (&b, "-");

  buf_str (&b, "\n    inlined:");
  if (f->n_inlined == 0)
    buf_str (&b, " -");
  for (size_t i = 0; i < f->n_inlined; i++)
    {
      buf_str (&b, i ? ", " : " ");
      buf_safe (&b, f->inlined[i]);
    }

  buf_str (&b, "\n    flags:");
  unsigned rest = unnamed_flags (f);
  for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
    if (f->flags & flag_names[i].bit)
      {
        buf_str (&b, " ");
        buf_str (&b, flag_names[i].name);
      }
  if (f->flags & ULP_F_RIP)
    buf_printf (&b, " (displacement at +%u)",
                (unsigned) ULP_RECORD_RIP_DISP (f->flags));
  if (rest)
    buf_printf (&b, " %#x", rest);
  if (f->flags == 0)
    buf_str (&b, " -");

  buf_printf (&b, "\n    pre-entry: %u bytes", (unsigned) f->pre_entry);
  if (f->pre_entry > 0)
    {
      buf_str (&b, ":");
      if (f->pre_entry_bytes != NULL)
        {
          buf_str (&b, " ");
          buf_hex (&b, f->pre_entry_bytes, f->pre_entry, ' ');
        }
      else
        buf_str (&b, " (not in the file)");
    }
  if (f->tracking > 0)
    {
      buf_str (&b, "\n    tracked entry: arming site at ");
      buf_printf (&b, "+%u", (unsigned) f->entry_offset - ULP_ARM_SITE_SIZE);
      buf_str (&b, ", tracking code ");
      buf_printf (&b, "%u bytes before the label", (unsigned) f->tracking);
    }
  buf_str (&b, "\n");
  fputs (b.s, stdout);
  free (b.s);
}

/* Numbers are right-aligned, text left-aligned; the last column is
   not padded.  */
static void
print_row (const char *const cell[NCOLS], const size_t width[NCOLS])
{
  for (int c = 0; c < NCOLS - 1; c++)
    printf (c == COL_SIZE ? "%*s  " : "%-*s  ", (int) width[c], cell[c]);
  printf ("%s\n", cell[NCOLS - 1]);
}

static void print_rows (const struct ulp_func **sorted, size_t n);

static void
print_table (const struct ulp_elf *ue, const struct ulp_func **sorted,
             size_t n, const struct ulp_func **vars, size_t nv)
{
  const char *file = ulp_elf_path (ue);
  print_safe (stdout, file);
  printf (": %s, ULP metadata v%u, %zu function%s",
          ulp_elf_type_name (ulp_elf_type (ue)), ulp_elf_version (ue), n,
          n == 1 ? "" : "s");
  if (nv > 0)
    printf (", %zu variable%s", nv, nv == 1 ? "" : "s");
  size_t idlen;
  const unsigned char *id = ulp_elf_build_id (ue, &idlen);
  if (id != NULL)
    {
      struct buf b = { 0 };
      buf_hex (&b, id, idlen, 0);
      printf (", build-id %s", b.s);
      free (b.s);
    }
  putchar ('\n');
  if (cur_patch)
    {
      printf ("live patch ");
      print_safe (stdout, cur_patch->name);
      if (cur_patch->version)
        printf (" version %u", (unsigned) cur_patch->version);
      else
        printf (" (unversioned)");
      printf (" for ");
      print_safe (stdout, cur_patch->target);
      printf (" build-id %s\n", cur_patch->build_id);
    }
  print_rows (sorted, n);
  if (nv > 0)
    {
      putchar ('\n');
      print_rows (vars, nv);
    }
}

/* The rows of the table for the N records of SORTED, under a title
   row.  */
static void
print_rows (const struct ulp_func **sorted, size_t n)
{
  if (n == 0)
    return;

  struct buf (*cells)[NCOLS] = calloc (n, sizeof *cells);
  if (cells == NULL)
    {
      tool_error ("out of memory");
      exit (1);
    }
  size_t width[NCOLS];
  for (int c = 0; c < NCOLS; c++)
    width[c] = strlen (col_titles[c]);
  for (size_t i = 0; i < n; i++)
    {
      format_cells (sorted[i], cells[i]);
      for (int c = 0; c < NCOLS; c++)
        if (cells[i][c].len > width[c])
          width[c] = cells[i][c].len;
    }

  const char *titles[NCOLS];
  for (int c = 0; c < NCOLS; c++)
    titles[c] = col_titles[c];
  print_row (titles, width);
  for (size_t i = 0; i < n; i++)
    {
      const char *row[NCOLS];
      for (int c = 0; c < NCOLS; c++)
        row[c] = cells[i][c].s ? cells[i][c].s : "";
      print_row (row, width);
      for (int c = 0; c < NCOLS; c++)
        free (cells[i][c].s);
      if (opt_verbose)
        print_details (sorted[i]);
    }
  free (cells);
}

/* JSON.  */

static void
put_stdout (void *arg, const char *bytes, size_t n)
{
  fwrite (bytes, 1, n, arg);
}

/* Write S as a JSON string.  The strings come from the file and are
   bytes, not necessarily UTF-8; JSON must be UTF-8, so well-formed
   sequences are passed through and any other byte becomes U+FFFD.  */
static void
json_string (const char *s)
{
  ulp_json_escape (s, ULP_JSON_UTF8_ONLY, put_stdout, stdout);
}

static void
json_string_or_null (const char *s)
{
  if (s)
    json_string (s);
  else
    fputs ("null", stdout);
}

static void
json_hex (const unsigned char *p, size_t n)
{
  if (p == NULL && n > 0)
    {
      fputs ("null", stdout);
      return;
    }
  char hex[2 * UINT8_MAX + 1];
  if (n > UINT8_MAX)
    n = UINT8_MAX;
  ulp_hex (p, n, hex);
  printf ("\"%s\"", hex);
}

static const char *
json_type (enum ulp_elf_type t)
{
  switch (t)
    {
    case ULP_ELF_REL:
      return "rel";
    case ULP_ELF_EXEC:
      return "exec";
    case ULP_ELF_DYN:
      return "dyn";
    case ULP_ELF_PIE:
      return "pie";
    }
  return "unknown";
}

static void
json_func (const struct ulp_func *f)
{
  fputs ("    {\"name\": ", stdout);
  json_string (f->name);
  fputs (", \"address\": ", stdout);
  if (f->section)
    fputs ("null, \"section\": ", stdout);
  else
    printf ("\"0x%" PRIx64 "\", \"section\": ", f->address);
  json_string_or_null (f->section);
  if (f->section)
    printf (", \"offset\": %" PRIu64, f->address);
  printf (", \"size\": %" PRIu32 ", \"kind\": \"%s\", \"origin\": ",
          f->code_size, kind_name (f->kind));
  json_string_or_null (f->origin);
  fputs (", \"unit\": ", stdout);
  json_string_or_null (f->unit);
  fputs (", \"inlined\": [", stdout);
  for (size_t i = 0; i < f->n_inlined; i++)
    {
      if (i)
        fputs (", ", stdout);
      json_string (f->inlined[i]);
    }
  fputs ("], \"flags\": [", stdout);
  bool first = true;
  unsigned rest = unnamed_flags (f);
  for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
    if (f->flags & flag_names[i].bit)
      {
        printf ("%s\"%s\"", first ? "" : ", ", flag_names[i].name);
        first = false;
      }
  if (rest)
    printf ("%s\"%#x\"", first ? "" : ", ", rest);
  putchar (']');
  if (f->flags & ULP_F_RIP)
    printf (", \"rip_disp\": %u", (unsigned) ULP_RECORD_RIP_DISP (f->flags));
  printf (", \"pre_entry\": %u, \"entry_offset\": %u, \"entry_size\": %u, "
          "\"tracking\": %u, \"entry_bytes\": ", (unsigned) f->pre_entry,
          (unsigned) f->entry_offset, (unsigned) f->entry_size,
          (unsigned) f->tracking);
  json_hex (f->entry_bytes, f->entry_size);
  fputs (", \"pre_entry_bytes\": ", stdout);
  json_hex (f->pre_entry_bytes, f->pre_entry);
  putchar ('}');
}

static void
print_json (const struct ulp_elf *ue, const struct ulp_func **sorted,
            size_t n, const struct ulp_func **vars, size_t nv, bool first)
{
  fputs (first ? "[\n" : ",\n", stdout);
  fputs ("  {\"file\": ", stdout);
  json_string (ulp_elf_path (ue));
  printf (", \"type\": \"%s\", \"version\": %u, \"build_id\": ",
          json_type (ulp_elf_type (ue)), ulp_elf_version (ue));
  size_t idlen;
  const unsigned char *id = ulp_elf_build_id (ue, &idlen);
  if (id)
    json_hex (id, idlen);
  else
    fputs ("null", stdout);
  if (cur_patch)
    {
      fputs (", \"patch\": {\"name\": ", stdout);
      json_string (cur_patch->name);
      printf (", \"version\": %u, \"target\": ",
              (unsigned) cur_patch->version);
      json_string (cur_patch->target);
      fputs (", \"target_build_id\": ", stdout);
      json_string (cur_patch->build_id);
      putchar ('}');
    }
  fputs (", \"functions\": [", stdout);
  for (size_t i = 0; i < n; i++)
    {
      fputs (i ? ",\n" : "\n", stdout);
      json_func (sorted[i]);
    }
  fputs (n ? "\n  ], \"variables\": [" : "], \"variables\": [", stdout);
  for (size_t i = 0; i < nv; i++)
    {
      fputs (i ? ",\n" : "\n", stdout);
      json_func (vars[i]);
    }
  fputs (nv ? "\n  ]}" : "]}", stdout);
}

/* Print the metadata of UE, which FIRST says is the first file.  */
static void
dump_ulp_elf (const struct ulp_elf *ue, bool *first)
{
  size_t n = ulp_elf_nfuncs (ue);
  const struct ulp_func *funcs = ulp_elf_funcs (ue);
  const struct ulp_func **sorted = calloc (n ? n : 1, sizeof *sorted);
  if (sorted == NULL)
    {
      tool_error ("out of memory");
      exit (1);
    }
  /* Functions first, variables after them in the same array.  */
  size_t nf = 0, nv = 0;
  for (size_t i = 0; i < n; i++)
    if (funcs[i].kind != ULP_KIND_VARIABLE)
      sorted[nf++] = &funcs[i];
  for (size_t i = 0; i < n; i++)
    if (funcs[i].kind == ULP_KIND_VARIABLE)
      sorted[nf + nv++] = &funcs[i];
  qsort (sorted, nf, sizeof *sorted, compare_func);
  qsort (sorted + nf, nv, sizeof *sorted, compare_func);

  struct patch_desc pd;
  cur_patch = patch_desc_read (ue, &pd) ? &pd : NULL;
  if (opt_json)
    print_json (ue, sorted, nf, sorted + nf, nv, *first);
  else
    {
      if (!*first)
        putchar ('\n');
      print_table (ue, sorted, nf, sorted + nf, nv);
    }
  cur_patch = NULL;
  *first = false;
  free (sorted);
}

/* Milliseconds on the monotonic clock, for -vv.  */
static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* FILE as print_safe prints it, malloc'ed; NULL when memory is
   short.  */
static char *
safe_name (const char *file)
{
  char *s = NULL;
  size_t n;
  FILE *f = open_memstream (&s, &n);
  if (!f)
    return NULL;
  print_safe (f, file);
  if (fclose (f) != 0)
    {
      free (s);
      return NULL;
    }
  return s;
}

/* -vv: step STEP of FILE took since *T; *T becomes now.  */
static void
report_step (const char *file, const char *step, double *t)
{
  double now = now_ms ();
  if (opt_timing)
    {
      char *safe = safe_name (file);
      tool_say (0, "%s: %s: %.3f ms", safe ? safe : file, step, now - *t);
      free (safe);
    }
  *t = now;
}

/* Say why FILE could not be read or checked.  */
static void
file_error (const char *file, const struct outcome *oc)
{
  char *safe = safe_name (file);
  tool_error ("%s: %s", safe ? safe : file, oc->message);
  free (safe);
}

/* Dump FILE; false if it could not be read.  */
static bool
dump_file (const char *file, bool *first)
{
  struct outcome oc;
  double t = now_ms ();
  struct ulp_elf *ue = ulp_elf_open (file, &oc);
  if (ue == NULL)
    {
      file_error (file, &oc);
      return false;
    }
  report_step (file, "read", &t);
  dump_ulp_elf (ue, first);
  fflush (stdout);
  report_step (file, "print", &t);
  ulp_elf_close (ue);
  return true;
}

/* --check-boundary on FILE: 0 when every export is tracked, 1 when
   some is not, 2 when FILE cannot be checked.  */
static int
check_file (const char *file, bool *first)
{
  struct outcome oc;
  struct ulp_elf *ue = ulp_elf_open (file, &oc);
  struct ulp_bc_report r;
  if (ue != NULL && ulp_bc_check (ue, &r, &oc) != 0)
    {
      ulp_elf_close (ue);
      ue = NULL;
    }
  if (ue == NULL)
    {
      file_error (file, &oc);
      return 2;
    }
  size_t untracked = r.exported - r.tracked;
  if (opt_json)
    {
      fputs (*first ? "[\n" : ",\n", stdout);
      fputs ("  {\"file\": ", stdout);
      json_string (file);
      printf (", \"exported\": %zu, \"tracked\": %zu, \"entries\": %zu",
              r.exported, r.tracked, r.entries);
      static const char *const keys[] = { "untracked", "unreachable",
                                          "ifuncs", "vague" };
      for (int k = 0; k < 4; k++)
        {
          printf (", \"%s\": [", keys[k]);
          bool f = true;
          for (size_t i = 0; i < r.nitems; i++)
            if ((int) r.items[i].kind == k)
              {
                fputs (f ? "" : ", ", stdout);
                json_string (r.items[i].name);
                f = false;
              }
          putchar (']');
        }
      putchar ('}');
    }
  else
    {
      print_safe (stdout, file);
      printf (": %zu exported function%s, %zu tracked, %zu not tracked; "
              "%zu tracked entr%s\n", r.exported, r.exported == 1 ? "" : "s",
              r.tracked, untracked, r.entries, r.entries == 1 ? "y" : "ies");
      for (size_t i = 0; i < r.nitems; i++)
        {
          const struct ulp_bc_item *it = &r.items[i];
          struct buf b = { 0 };
          buf_str (&b, it->kind == ULP_BC_UNTRACKED
                       ? "  exported but not tracked: "
                       : it->kind == ULP_BC_UNREACHABLE
                       ? "  tracked entry not reachable from outside: "
                       : it->kind == ULP_BC_VAGUE
                       ? "  exported inline function or template instance, "
                         "not an entry: "
                       : "  exported ifunc, not checked: ");
          buf_safe (&b, it->name);
          if (it->kind == ULP_BC_UNTRACKED && !it->has_record)
            buf_str (&b, " (no ulp record: not compiled with the plugin)");
          puts (b.s);
          free (b.s);
        }
    }
  *first = false;
  ulp_bc_free (&r);
  ulp_elf_close (ue);
  return untracked ? 1 : 0;
}

int
main (int argc, char **argv)
{
  /* getopt names the program after argv[0] in its messages; every
     message of this tool starts with "ulp-dump:", whatever path (or
     libtool wrapper) ran it.  */
  program_name = "ulp-dump";
  if (argc > 0)
    argv[0] = (char *) program_name;
  int c;
  while ((c = getopt_long (argc, argv, "v", long_options, NULL)) != -1)
    switch (c)
      {
      case OPT_JSON:
        opt_json = true;
        break;
      case OPT_CHECK_BOUNDARY:
        opt_check = true;
        break;
      case 'v':
        opt_timing = opt_verbose;
        opt_verbose = true;
        break;
      case OPT_HELP:
        usage ();
        return fflush (stdout) || ferror (stdout) ? 1 : 0;
      case OPT_VERSION:
        version ();
        return fflush (stdout) || ferror (stdout) ? 1 : 0;
      default:
        try_help ();
      }

  if (optind == argc)
    {
      tool_error ("missing file operand");
      try_help ();
    }

  bool ok = true, first = true;
  int check_status = 0;
  double start = now_ms ();
  for (int i = optind; i < argc; i++)
    if (opt_check)
      {
        int s = check_file (argv[i], &first);
        if (s > check_status)
          check_status = s;
      }
    else if (!dump_file (argv[i], &first))
      ok = false;
  if (opt_json)
    fputs (first ? "[]\n" : "\n]\n", stdout);
  if (opt_timing)
    {
      tool_say (0, "total: %.3f ms (%d file%s)", now_ms () - start,
                argc - optind, argc - optind == 1 ? "" : "s");
    }

  /* Report a failed write (a full disk, a closed pipe) rather than
     exiting 0 with truncated output.  */
  if (fflush (stdout) != 0 || ferror (stdout) || fclose (stdout) != 0)
    {
      tool_error ("write error");
      return opt_check ? 2 : 1;
    }
  if (opt_check)
    return check_status;
  return ok ? 0 : 1;
}
