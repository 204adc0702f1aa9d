/* mkpatch-lines.c -- functions whose only change is line numbers.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A fix that adds lines to a file shifts every line after it, and each
   function below that passes __LINE__ (to an error or assertion
   function, usually through a macro) now carries other constants: its
   code differs, and it would be replaced for nothing.  Leaving such a
   function out is safe only if the difference is nothing else, so the
   compare phase asks this module to prove it, function by function,
   and keeps the function unless the proof succeeds.

   The proof, for PATCHED function P and its ORIG twin O, both compiled
   with -g:

   1. same size and the same relocations, one for one (the compare
      phase checks this): only bytes of the code differ;
   2. every differing byte lies in a 32-bit field (how GCC puts an int
      constant into an x86-64 instruction) not under a relocation, whose
      value is VO in O and VP in P, VO != VP, such that
   3. VO is the line of a row of O's line table inside O, and VP the
      line of a row of P's line table inside P: both are lines of the
      function's code;
   4. the instruction holding the field is attributed to lines that
      moved by the same amount: the row covering it has line LO in O and
      LP in P, and LP - LO == VP - VO; or, in the code of a function
      inlined there (where the constant is the argument of the call),
      the call's line moved so, at the same depth of inlining;
   5. the source line VO of O's file and the source line VP of P's file
      have the same text, not blank, and the two files are different
      files (ORIG's sources must still exist, apart from PATCHED's).

   Condition 5 is what tells a line shift from a real change of a
   constant: a changed constant is an edit of its source line, whose
   text then differs; a constant that follows its line without any edit
   of that line can only be the line number, or a macro that expands to
   exactly the line number in both builds.  When the condition cannot be
   checked (no -g, sources gone, ORIG's and PATCHED's source being one
   file rebuilt in place) the function is kept, and -v says why.  */

#include <config.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkpatch.h"

/* An object's DWARF, opened once.  */
struct lines_obj
{
  const struct mk_object *obj;
  Dwfl *dwfl;
  Dwfl_Module *mod;
  Dwarf *dw;
};

/* A source file's lines, read once.  */
struct src_file
{
  char *path;
  char *real;                  /* realpath, or NULL when unreadable.  */
  char *text;
  char **lines;                /* lines[1] is line 1.  */
  size_t n;
};

struct lines_state
{
  struct lines_obj *objs;
  size_t nobjs, objs_cap;
  struct src_file *files;
  size_t nfiles, files_cap;
};

static struct lines_state *
state (struct mk_ctx *ctx)
{
  if (!ctx->lines)
    ctx->lines = mk_xcalloc (1, sizeof (struct lines_state));
  return ctx->lines;
}

static struct lines_obj *
get_obj (struct lines_state *st, const struct mk_object *obj)
{
  for (size_t i = 0; i < st->nobjs; i++)
    if (st->objs[i].obj == obj)
      return st->objs[i].dw ? &st->objs[i] : NULL;
  mk_grow (&st->objs, &st->objs_cap, st->nobjs, sizeof *st->objs);
  struct lines_obj *o = &st->objs[st->nobjs++];
  memset (o, 0, sizeof *o);
  o->obj = obj;
  struct Dwfl_Module *mod;
  struct Dwarf *dw;
  o->dwfl = mk_dwfl_open (obj, &mod, &dw);
  o->mod = mod;
  o->dw = dw;
  return o->dw ? o : NULL;
}

static const struct src_file *
get_file (struct lines_state *st, const char *path)
{
  for (size_t i = 0; i < st->nfiles; i++)
    if (strcmp (st->files[i].path, path) == 0)
      return &st->files[i];
  mk_grow (&st->files, &st->files_cap, st->nfiles, sizeof *st->files);
  struct src_file *f = &st->files[st->nfiles++];
  memset (f, 0, sizeof *f);
  f->path = mk_xstrdup (path);
  f->real = realpath (path, NULL);
  FILE *fp = f->real ? fopen (f->real, "r") : NULL;
  if (!fp)
    {
      free (f->real);
      f->real = NULL;
      return f;
    }
  size_t cap = 0, len = 0;
  char buf[65536];
  size_t got;
  while ((got = fread (buf, 1, sizeof buf, fp)) > 0)
    {
      mk_grow (&f->text, &cap, len + got, 1);
      memcpy (f->text + len, buf, got);
      len += got;
    }
  fclose (fp);
  mk_grow (&f->text, &cap, len, 1);
  f->text[len] = '\0';
  size_t lcap = 0;
  mk_grow (&f->lines, &lcap, 1, sizeof *f->lines);
  f->lines[0] = NULL;
  for (char *p = f->text; *p;)
    {
      mk_grow (&f->lines, &lcap, f->n + 1, sizeof *f->lines);
      f->lines[++f->n] = p;
      char *nl = strchr (p, '\n');
      if (!nl)
        break;
      *nl = '\0';
      p = nl + 1;
    }
  return f;
}

/* A row of a function's line table.  */
struct row
{
  Dwarf_Addr addr;             /* from the function's start.  */
  int line;
  const char *file;
};

/* The rows of the line table inside function E of object LO, sorted by
   address; NULL when there are none.  */
static struct row *
function_rows (struct lines_obj *lo, const struct mk_elem *e, size_t *n)
{
  *n = 0;
  GElf_Sym sym;
  GElf_Addr addr;
  GElf_Word shndx;
  Elf *elf;
  Dwarf_Addr bias;
  const char *name = dwfl_module_getsym_info (lo->mod, (int) e->sym->index,
                                              &sym, &addr, &shndx, &elf,
                                              &bias);
  if (!name)
    return NULL;
  /* ADDR: where libdwfl placed the function's section, plus its value.  */
  Dwarf_Addr start = addr - e->sym->sym.st_value;
  Dwarf_Addr cubias;
  Dwarf_Die *cu = dwfl_module_addrdie (lo->mod, addr, &cubias);
  Dwarf_Lines *lines;
  size_t nlines;
  if (!cu || dwarf_getsrclines (cu, &lines, &nlines) != 0)
    return NULL;
  struct row *rows = NULL;
  size_t cap = 0;
  for (size_t i = 0; i < nlines; i++)
    {
      Dwarf_Line *l = dwarf_onesrcline (lines, i);
      Dwarf_Addr a;
      int line;
      bool end = false;
      if (!l || dwarf_lineaddr (l, &a) != 0 || dwarf_lineno (l, &line) != 0)
        continue;
      dwarf_lineendsequence (l, &end);
      a += cubias;
      if (end || a < start || a >= start + e->sec->size)
        continue;
      mk_grow (&rows, &cap, *n, sizeof *rows);
      rows[*n].addr = a - start;
      rows[*n].line = line;
      rows[*n].file = dwarf_linesrc (l, NULL, NULL);
      (*n)++;
    }
  return rows;
}

/* The call lines of the inlined functions whose code holds offset OFF
   of function E of object LO, innermost first, into LINES (at most
   MAX); how many.  The constant a caller passes to an inlined function
   lies in the callee's rows, whose line does not move when the caller
   does: the call's line does.  */
static size_t
call_lines (struct lines_obj *lo, const struct mk_elem *e, uint64_t off,
            int64_t *lines, size_t max)
{
  GElf_Sym sym;
  GElf_Addr addr;
  GElf_Word shndx;
  Elf *elf;
  Dwarf_Addr bias;
  if (!dwfl_module_getsym_info (lo->mod, (int) e->sym->index, &sym, &addr,
                                &shndx, &elf, &bias))
    return 0;
  Dwarf_Addr pc = addr - e->sym->sym.st_value + off;
  Dwarf_Addr cubias;
  Dwarf_Die *cu = dwfl_module_addrdie (lo->mod, pc, &cubias);
  if (!cu)
    return 0;
  Dwarf_Die *scopes = NULL;
  int n = dwarf_getscopes (cu, pc - cubias, &scopes);
  size_t k = 0;
  for (int i = 0; i < n && k < max; i++)
    {
      Dwarf_Attribute attr;
      Dwarf_Word line;
      if (dwarf_tag (&scopes[i]) == DW_TAG_inlined_subroutine
          && dwarf_attr (&scopes[i], DW_AT_call_line, &attr)
          && dwarf_formudata (&attr, &line) == 0)
        lines[k++] = (int64_t) line;
    }
  free (scopes);
  return k;
}

/* Did the code at offset S move by DELTA lines from O to P: the row
   covering it, or the call of an inlined function holding it at the
   same depth?  */
static bool
moved_by (struct lines_obj *lo, const struct mk_elem *o,
          struct lines_obj *lp, const struct mk_elem *p,
          const struct row *co, const struct row *cp, uint64_t s,
          int64_t delta)
{
  if ((int64_t) cp->line - co->line == delta)
    return true;
  int64_t ol[16], pl[16];
  size_t no = call_lines (lo, o, s, ol, 16);
  size_t np = call_lines (lp, p, s, pl, 16);
  if (no != np)
    return false;
  for (size_t i = 0; i < no; i++)
    if (pl[i] - ol[i] == delta)
      return true;
  return false;
}

/* The row covering offset OFF: the last one at or before it.  */
static const struct row *
covering (const struct row *rows, size_t n, uint64_t off)
{
  const struct row *best = NULL;
  for (size_t i = 0; i < n; i++)
    if (rows[i].addr <= off && (!best || rows[i].addr >= best->addr))
      best = &rows[i];
  return best;
}

/* A row of ROWS with line LINE, or NULL.  */
static const struct row *
row_of_line (const struct row *rows, size_t n, int64_t line)
{
  for (size_t i = 0; i < n; i++)
    if (rows[i].line == line)
      return &rows[i];
  return NULL;
}

static bool
blank (const char *s)
{
  return s[strspn (s, " \t\r\f\v")] == '\0';
}

/* Whether bytes [S, S + 4) of section SEC are under a relocation.  */
static bool
relocated (const struct mk_section *sec, uint64_t s)
{
  for (size_t i = 0; i < sec->nrelas; i++)
    {
      uint64_t lo = sec->relas[i].offset;
      uint64_t hi = lo + (mk_reloc_width (sec->relas[i].type)
                          ? mk_reloc_width (sec->relas[i].type) : 1);
      if (lo < s + 4 && s < hi)
        return true;
    }
  return false;
}

bool
mk_lines_only (struct mk_ctx *ctx, const struct mk_elem *p, char **why)
{
  const struct mk_elem *o = p->twin;
  struct lines_state *st = state (ctx);
  *why = NULL;
  struct lines_obj *lp = get_obj (st, p->obj);
  struct lines_obj *lo = get_obj (st, o->obj);
  if (!lp || !lo)
    {
      mk_note (2, "%s: line numbers not examined: no debug information",
               p->name);
      return false;
    }
  size_t nor, npr;
  struct row *orows = function_rows (lo, o, &nor);
  struct row *prows = function_rows (lp, p, &npr);
  const unsigned char *od = o->sec->data, *pd = p->sec->data;
  uint64_t size = p->sec->size;
  unsigned char *covered = mk_xcalloc (size ? size : 1, 1);
  const char *fail = orows && prows ? NULL : "no line table for it";
  char *list = mk_xstrdup ("");
  size_t nfields = 0;
  /* Some constant's values were lines of the function (conditions 3
     and 4) when the proof failed: worth saying at -v.  */
  bool plausible = false;
  for (uint64_t k = 0; !fail && k < size; k++)
    {
      if (od[k] == pd[k] || covered[k])
        continue;
      bool found = false;
      for (uint64_t s = k >= 3 ? k - 3 : 0; !found && s <= k; s++)
        {
          if (s + 4 > size || relocated (p->sec, s) || covered[s])
            continue;
          int64_t vo = (int32_t) mk_get32 (od + s);
          int64_t vp = (int32_t) mk_get32 (pd + s);
          if (vo == vp || vo <= 0 || vp <= 0)
            continue;
          const struct row *ro = row_of_line (orows, nor, vo);
          const struct row *rp = row_of_line (prows, npr, vp);
          const struct row *co = covering (orows, nor, s);
          const struct row *cp = covering (prows, npr, s);
          if (!ro || !rp || !co || !cp || !ro->file || !rp->file
              || !moved_by (lo, o, lp, p, co, cp, s, vp - vo))
            continue;
          /* Both values are lines of the function, moved as the code
             around them moved.  Now the text.  */
          const struct src_file *fo = get_file (st, ro->file);
          const struct src_file *fp = get_file (st, rp->file);
          if (!fo->real || !fp->real)
            {
              fail = "a source file is not readable";
              plausible = true;
              break;
            }
          if (strcmp (fo->real, fp->real) == 0)
            {
              fail = "ORIG's and PATCHED's source are one file (rebuilt in "
                     "place), so ORIG's text is gone";
              plausible = true;
              break;
            }
          if ((size_t) vo > fo->n || (size_t) vp > fp->n
              || blank (fo->lines[vo])
              || strcmp (fo->lines[vo], fp->lines[vp]) != 0)
            {
              fail = "a constant that looks like a line number is on a "
                     "line whose text changed";
              plausible = true;
              break;
            }
          memset (covered + s, 1, 4);
          found = true;
          if (nfields++ < 3)
            {
              char *l = mk_xasprintf ("%s%s%" PRId64 " -> %" PRId64 " at +%#"
                                      PRIx64, list, *list ? ", " : "", vo, vp,
                                      s);
              free (list);
              list = l;
            }
        }
      if (!found && !fail)
        fail = "a difference that is not a line number";
    }
  bool proven = !fail && nfields > 0;
  if (proven)
    *why = mk_xasprintf ("line numbers only (%s%s)", list,
                         nfields > 3 ? ", ..." : "");
  else if (plausible)
    mk_note (1, "%s: differs by constants that may be line numbers, not "
             "proven (%s): kept", p->name, fail);
  else
    mk_note (2, "%s: not a change of line numbers only: %s", p->name,
             fail ? fail : "no difference");
  free (list);
  free (covered);
  free (orows);
  free (prows);
  return proven;
}

void
mk_lines_free (struct mk_ctx *ctx)
{
  struct lines_state *st = ctx->lines;
  if (!st)
    return;
  for (size_t i = 0; i < st->nobjs; i++)
    if (st->objs[i].dwfl)
      dwfl_end (st->objs[i].dwfl);
  free (st->objs);
  for (size_t i = 0; i < st->nfiles; i++)
    {
      free (st->files[i].path);
      free (st->files[i].real);
      free (st->files[i].text);
      free (st->files[i].lines);
    }
  free (st->files);
  free (st);
  ctx->lines = NULL;
}
