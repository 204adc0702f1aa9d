/* mkpatch-verify.c -- the verify phase of ulp-mkpatch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Three questions before anything is written.  Is the target OBJECT the
   build ORIG was linked into?  Every ORIG function the target has must
   have the same bytes there, apart from the fields the linker filled
   in (and the instructions it may rewrite while doing so: GOT loads
   turned into address computations, TLS sequences relaxed); else the
   patch would be made against code the process does not run.  And can
   the changes be applied to a running process at all?  Refused, each
   with why and what to do, are: existing data whose size or initial
   value changed (the process has its own values, which a patch cannot
   convert), thread-local variables changed or added (every thread has
   its copy already), changed constructors and initialisers (they ran
   when the object was loaded and will not run again), and changes to a
   function without a patchable entry.  And will the runtime find what
   the patch names, by its own lookup: each function replaced the one
   that changed, each reference one definition (lib/ulp-linkage.h)?
   --force lets through only what
   loses nothing but the change itself: a new initial value that the
   running process will not see, an initialiser that will not run
   again.  */

#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkpatch.h"
#include "ulp-format.h"
#include "ulp-linkage.h"
#include "ulp-record.h"

/* Mark in M (SIZE bytes) the bytes relocation R of a section may have
   changed in the linked target.  */

static void
mask_reloc (unsigned char *m, uint64_t size, const struct mk_rela *r)
{
  int64_t lo = (int64_t) r->offset;
  int64_t hi = lo + mk_reloc_width (r->type);
  switch (r->type)
    {
    case R_X86_64_GOTPCRELX:
      /* call/jmp *foo@GOTPCREL -> call/jmp foo (+ nop); mov -> lea.  */
      lo -= 2;
      hi += 1;
      break;
    case R_X86_64_REX_GOTPCRELX:
    case R_X86_64_GOTTPOFF:
    case R_X86_64_GOTPC32_TLSDESC:
      lo -= 3;
      break;
    case R_X86_64_TLSDESC_CALL:
      hi = lo + 2;
      break;
    case R_X86_64_TLSGD:
      lo -= 4;
      hi = (int64_t) r->offset + 12;
      break;
    case R_X86_64_TLSLD:
      lo -= 3;
      hi = (int64_t) r->offset + 9;
      break;
    default:
      break;
    }
  if (lo < 0)
    lo = 0;
  for (int64_t k = lo; k < hi && (uint64_t) k < size; k++)
    m[k] = 1;
}

bool
mk_same_in_target (struct mk_ctx *ctx, const struct mk_elem *f,
                   uint64_t addr, uint64_t *at)
{
  const struct mk_section *sec = f->sec;
  uint64_t start = addr - f->sym->sym.st_value;
  const unsigned char *t = ulp_elf_read_vaddr (ctx->target.ue, start,
                                               sec->size);
  *at = 0;
  if (!t || !sec->data)
    return false;
  unsigned char *m = mk_xcalloc (sec->size, 1);
  for (size_t i = 0; i < sec->nrelas; i++)
    mask_reloc (m, sec->size, &sec->relas[i]);
  bool same = true;
  for (uint64_t k = 0; k < sec->size; k++)
    if (!m[k] && sec->data[k] != t[k])
      {
        *at = k;
        same = false;
        break;
      }
  free (m);
  return same;
}

static bool
check_target (struct mk_ctx *ctx)
{
  size_t checked = 0, bad = 0, missing_all = 0;
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_object *obj = ctx->units[u].orig;
      if (!obj)
        continue;
      size_t here = 0, funcs = 0;
      for (size_t i = 0; i < obj->nelems; i++)
        {
          struct mk_elem *f = obj->elems[i];
          if (f->kind != MK_FUNC || f->plugin)
            continue;
          funcs++;
          if (!f->in_target)
            continue;
          here++;
          /* A COMDAT body may come from another unit of the target.  */
          if (f->comdat || f->sec->nelems != 1)
            continue;
          checked++;
          if (f->target_rec && f->rec
              && f->target_rec->code_size != f->rec->code_size)
            {
              if (bad++ < 5)
                mk_error (ctx->target.path, "%s has %" PRIu32 " bytes of "
                          "code, %s %" PRIu32, f->name,
                          f->target_rec->code_size, obj->path,
                          f->rec->code_size);
              continue;
            }
          uint64_t at;
          if (!mk_same_in_target (ctx, f, f->target_addr, &at))
            {
              if (bad++ < 5)
                mk_error (ctx->target.path, "%s differs from %s's at "
                          "+%#" PRIx64, f->name, obj->path,
                          at - f->sym->sym.st_value);
            }
        }
      if (funcs > 0 && here == 0)
        {
          mk_error (ctx->target.path, "has none of the functions of %s",
                    obj->path);
          missing_all++;
        }
    }
  if (bad || missing_all)
    {
      char *why = mk_xasprintf ("%s is not the build ORIG was linked into "
                                "(%zu of %zu functions differ)",
                                ctx->target.path, bad, checked);
      mk_problem (ctx, false, "target", why,
                  "give the object the running process loaded and the "
                  "object files it was linked from, built by the same "
                  "compiler with the same options");
      free (why);
      return false;
    }
  mk_note (1, "the target has ORIG's code (%zu functions checked)", checked);
  return true;
}

static void
problem_elem (struct mk_ctx *ctx, const struct mk_elem *e, bool forceable,
              const char *why, const char *todo)
{
  char *what = mk_elem_label (e->twin ? e->twin : e);
  mk_problem (ctx, forceable, what, why, todo);
  free (what);
}

/* Whether function E has a name other objects can bind to: a global or
   weak symbol of default or protected visibility in its section.  */
static bool
exported (const struct mk_elem *e)
{
  for (size_t i = 0; i < e->obj->nsyms; i++)
    {
      const struct mk_symbol *s = &e->obj->syms[i];
      if (s->sec == e->sec && (s->type == STT_FUNC || s->type == STT_GNU_IFUNC)
          && (s->bind == STB_GLOBAL || s->bind == STB_WEAK)
          && (s->vis == STV_DEFAULT || s->vis == STV_PROTECTED))
        return true;
    }
  return false;
}

static void
check_changes (struct mk_ctx *ctx)
{
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_object *obj = ctx->units[u].patched;
      for (size_t i = 0; obj && i < obj->nelems; i++)
        {
          struct mk_elem *e = obj->elems[i];
          if (e->plugin)
            continue;
          if (e->kind == MK_FUNC)
            {
              if (e->status == MK_NEW && exported (e))
                {
                  char *what = mk_elem_label (e);
                  fflush (stdout);
                  mk_warning (what, "a new exported function: the patch "
                              "carries it for its own code, but "
                              "applications and other libraries cannot call "
                              "it (a patch exports nothing, and the loaded "
                              "target's symbols do not change)");
                  free (what);
                }
              if (e->initializer && e->status == MK_CHANGED)
                problem_elem (ctx, e, true,
                              "a constructor or initialiser changed: it ran "
                              "when the object was loaded and will not run "
                              "again, so the change would not take effect",
                              "make the change where the value is used, or "
                              "restart the program");
              else if (e->initializer && e->status == MK_NEW)
                problem_elem (ctx, e, true,
                              "a new constructor or initialiser: it would "
                              "never run in the running process",
                              "initialise on first use instead, or restart "
                              "the program");
              if (e->status != MK_CHANGED || !e->replace)
                continue;
              const struct ulp_func *tr = e->twin->target_rec;
              if (!tr)
                problem_elem (ctx, e, false,
                              "changed, but the target has no ulp record "
                              "for it (not compiled by GCC with the plugin?)",
                              "build that code with the ulp plugin");
              else if (!ulp_entry_patchable (tr->flags, tr->entry_size,
                                             tr->pre_entry))
                problem_elem (ctx, e, false,
                              "changed, but it has no patchable entry "
                              "(excluded with ulp_exclude or "
                              "-fplugin-arg-ulp-exclude)",
                              "restart the program to change it, or change "
                              "its callers instead");
              continue;
            }
          if (e->tls && (e->status == MK_CHANGED || e->status == MK_NEW))
            {
              problem_elem (ctx, e, false,
                            e->status == MK_NEW
                            ? "a new thread-local variable: the threads "
                              "that exist have no copy of it"
                            : "a thread-local variable changed: every "
                              "thread already has its own copy",
                            "keep thread-local variables as they are, or "
                            "restart the program");
              continue;
            }
          if (e->status != MK_CHANGED || e->copy || !e->twin->in_target)
            continue;
          bool same_size = e->sym->sym.st_size == e->twin->sym->sym.st_size
                           && e->sec->sh.sh_addralign
                              == e->twin->sec->sh.sh_addralign;
          char *why;
          if (!same_size)
            why = mk_xasprintf ("the size or layout of existing data changed "
                                "(%s): the running process holds it in the "
                                "old layout, and code old and new would "
                                "read it differently", e->why);
          else if (!e->writable)
            why = mk_xasprintf ("a constant that other units may use changed "
                                "(%s)", e->why);
          else
            why = mk_xasprintf ("the initial value of existing data changed "
                                "(%s): the running process has its own "
                                "value, which a patch cannot change",
                                e->why);
          problem_elem (ctx, e, same_size && e->writable, why,
                        !same_size ? "add a new variable instead of "
                                     "changing this one, or restart the "
                                     "program"
                                   : e->writable
                                     ? "set the new value from code, or "
                                       "accept that it keeps its running "
                                       "value"
                                     : "make it static to its unit, or "
                                       "restart the program");
          free (why);
        }
    }
}

/* What the runtime will find for NAME (in UNIT, when not NULL) in the
   target, by its lookup (runtime/resolve.c): the records of functions
   (and variables, unless FUNCTIONS_ONLY), of several definitions the
   one lib/ulp-linkage.h chooses; then, except for FUNCTIONS_ONLY, a
   global symbol for a reference that names no unit, and the symbol
   table's definitions by the same rule.  1 with *ADDR, 0 when nothing
   is found, -1 when it is ambiguous (*WHY then says between what).  */

static int
target_resolve (const struct mk_target *t, const char *name,
                const char *unit, bool functions_only, uint64_t *addr,
                char **why)
{
  struct ulp_linkage l;
  ulp_linkage_init (&l);
  const struct ulp_func *f = ulp_elf_funcs (t->ue);
  for (size_t i = 0; i < ulp_elf_nfuncs (t->ue); i++)
    {
      if (!f[i].name || strcmp (f[i].name, name) != 0
          || !ulp_unit_matches (f[i].unit, unit))
        continue;
      if (f[i].kind != ULP_KIND_FUNCTION && f[i].kind != ULP_KIND_CLONE
          && (functions_only || f[i].kind != ULP_KIND_VARIABLE))
        continue;
      ulp_linkage_add (&l, f[i].address, (f[i].flags & ULP_F_GLOBAL) != 0,
                       &f[i]);
    }
  const void *item, *other;
  int r = ulp_linkage_choose (&l, unit != NULL, &item, &other);
  if (r > 0)
    *addr = ((const struct ulp_func *) item)->address;
  if (r < 0)
    {
      const char *u1 = ((const struct ulp_func *) item)->unit;
      const char *u2 = ((const struct ulp_func *) other)->unit;
      *why = mk_xasprintf ("defined in %s and %s", u1 ? u1 : "?",
                           u2 ? u2 : "?");
    }
  if (r != 0 || functions_only)
    return r;
  const struct mk_tsym *first = mk_map_get (&t->syms, name);
  ulp_linkage_init (&l);
  for (const struct mk_tsym *s = first; s; s = s->next)
    {
      if (s->rec)
        continue;
      if (!unit && !s->local)
        {
          /* The dynamic symbols answer first.  */
          *addr = s->addr;
          return 1;
        }
      if (unit && (!s->local || !ulp_unit_matches (s->unit, unit)))
        continue;
      ulp_linkage_add (&l, s->addr, !s->local, s);
    }
  r = ulp_linkage_choose (&l, unit != NULL, &item, &other);
  if (r > 0)
    *addr = ((const struct mk_tsym *) item)->addr;
  if (r < 0)
    {
      const char *u1 = ((const struct mk_tsym *) item)->unit;
      const char *u2 = ((const struct mk_tsym *) other)->unit;
      *why = mk_xasprintf ("defined in %s and %s", u1 ? u1 : "?",
                           u2 ? u2 : "?");
    }
  return r;
}

/* A name and unit as the messages show them.  */
static char *
named (const char *name, const char *unit)
{
  return unit ? mk_xasprintf ("%s (%s)", name, unit) : mk_xstrdup (name);
}

/* Whether the runtime will resolve every name the patch gives it to
   the definition the patched code meant: each function replaced to the
   very one that changed, each reference to exactly one definition.  A
   reference without a unit means the global definition (C binds a name
   its unit does not define to it), one with a unit a static of that
   unit.  */

static void
check_resolution (struct mk_ctx *ctx)
{
  const struct mk_target *t = &ctx->target;
  for (size_t i = 0; i < ctx->nreplaces; i++)
    {
      const struct mk_replace *rp = &ctx->replaces[i];
      const struct mk_elem *orig = rp->repl->twin;
      const struct ulp_func *meant = orig ? orig->target_rec : NULL;
      uint64_t at = 0;
      char *why = NULL;
      int r = target_resolve (t, rp->name, rp->unit, true, &at, &why);
      char *what = named (rp->name, rp->unit);
      if (r < 0)
        {
          char *msg = mk_xasprintf ("the runtime cannot tell which function "
                                    "to replace: %s", why);
          mk_problem (ctx, false, what, msg, "give the functions different "
                      "names, or make the one that changed static");
          free (msg);
        }
      else if (r == 0)
        mk_problem (ctx, false, what, "the runtime would not find the "
                    "function to replace in the target", "build the target "
                    "and the objects with the same ulp options");
      else if (meant && at != meant->address)
        {
          char *msg = mk_xasprintf ("the runtime would replace the "
                                    "definition at %#" PRIx64 ", not the one "
                                    "that changed, at %#" PRIx64,
                                    at, meant->address);
          mk_problem (ctx, false, what, msg, "give the functions different "
                      "names");
          free (msg);
        }
      free (what);
      free (why);
    }
  for (size_t i = 0; i < ctx->nrelocs + ctx->nrefs; i++)
    {
      const char *name = i < ctx->nrelocs ? ctx->relocs[i].name
                                          : ctx->refs[i - ctx->nrelocs].name;
      const char *unit = i < ctx->nrelocs ? ctx->relocs[i].unit
                                          : ctx->refs[i - ctx->nrelocs].unit;
      if (!name)
        continue;
      uint64_t at;
      char *why = NULL;
      int r = target_resolve (t, name, unit, false, &at, &why);
      if (r > 0)
        continue;
      char *what = named (name, unit);
      char *msg = r < 0
                  ? mk_xasprintf ("the patch refers to it, and the runtime "
                                  "cannot tell which definition it means: "
                                  "%s", why)
                  : mk_xstrdup ("the patch refers to it, and the runtime "
                                "would not find it in the target");
      mk_problem (ctx, false, what, msg,
                  r < 0 ? "give the definitions different names"
                        : "build the target and the objects with the same "
                          "ulp options");
      free (msg);
      free (what);
      free (why);
    }
}

bool
mk_verify (struct mk_ctx *ctx)
{
  mk_note (1, "phase verify");
  if (!check_target (ctx))
    return false;
  check_changes (ctx);
  check_resolution (ctx);
  mk_check_layouts (ctx);
  bool ok = true;
  for (size_t i = 0; i < ctx->nproblems; i++)
    if (!ctx->problems[i].forceable || !ctx->opt.force)
      ok = false;
  return ok;
}
