/* mkpatch-correlate.c -- the correlate phase of ulp-mkpatch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Turns each object's symbols into elements -- one per function body
   and per data object, each with the section the plugin gave it -- and
   pairs them: every PATCHED element with its ORIG twin, every ORIG
   element with its instance in the target.

   Names pair most elements.  What GCC numbers differs between two
   compilations of slightly different sources: clones (foo.constprop.0,
   foo.part.1), static locals (calls.0), switch tables (CSWTCH.12), so
   what is left after exact names is paired by the name without its
   numbers and, for a static local, by the function it belongs to (from
   its record), in order of appearance.  String literals and other
   anonymous constants are not elements: they are compared through the
   references to them (mkpatch-compare.c).

   ORIG and PATCHED must come from the same compiler with the same
   options, or every difference is suspect; the options GCC records
   with -frecord-gcc-switches (.GCC.command.line) are compared, and
   whether functions start with endbr64.  */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "mkpatch.h"
#include "ulp-format.h"

static enum mk_plugin_kind
plugin_kind (const char *name)
{
  if (strcmp (name, "__ulp_object") == 0)
    return MK_PLUGIN_OBJECT;
  if (strcmp (name, "__ulp_thread") == 0)
    return MK_PLUGIN_THREAD;
  /* The plugin's routines, one per object: __ulp_slow, the outer
     entries of tracked entries (__ulp_outer, __ulp_outer_args ...) and
     the constructor that arms them (__ulp_arm_at_load).  */
  if (strcmp (name, "__ulp_slow") == 0
      || strncmp (name, "__ulp_outer", 11) == 0
      || strcmp (name, "__ulp_arm_at_load") == 0)
    return MK_PLUGIN_SLOW;
  return MK_PLUGIN_NONE;
}

static bool
initializer_name_p (const char *name)
{
  return strncmp (name, "_GLOBAL__sub_I_", 15) == 0
         || strncmp (name, "_GLOBAL__I_", 11) == 0
         || strncmp (name, "__static_initialization_and_destruction_", 40)
              == 0;
}

static void
add_elem (struct mk_object *obj, struct mk_elem *e)
{
  mk_grow (&obj->elems, &obj->elems_cap, obj->nelems, sizeof *obj->elems);
  obj->elems[obj->nelems++] = e;
}

/* Make the elements of OBJ.  */

static void
make_elems (struct mk_object *obj)
{
  struct mk_map recs = { 0 };
  const struct ulp_func *f = ulp_elf_funcs (obj->ue);
  for (size_t i = 0; i < ulp_elf_nfuncs (obj->ue); i++)
    mk_map_put (&recs, f[i].name, (void *) &f[i]);

  for (size_t i = 1; i < obj->nsyms; i++)
    {
      struct mk_symbol *s = &obj->syms[i];
      if (!s->sec || !*s->name)
        continue;
      if (s->type != STT_FUNC && s->type != STT_OBJECT && s->type != STT_TLS
          && s->type != STT_GNU_IFUNC)
        continue;
      struct mk_section *sec = s->sec;
      if (sec->kind == MK_SEC_OTHER || sec->kind == MK_SEC_ULP_META
          || sec->kind == MK_SEC_ULP_AUX || sec->kind == MK_SEC_ULP_STR)
        continue;
      /* An alias (C++ constructors C1/C2) is another name of the same
         element.  */
      struct mk_elem *alias = NULL;
      for (size_t k = 0; k < obj->nelems && sec->nelems; k++)
        if (obj->elems[k]->sec == sec
            && obj->elems[k]->sym->sym.st_value == s->sym.st_value)
          alias = obj->elems[k];
      if (alias)
        {
          s->elem = alias;
          const struct ulp_func *r = mk_map_get (&recs, s->name);
          if (r && !alias->rec)
            {
              /* The record names the body: prefer its name and linkage
                 (GCC's local aliases, foo.localalias, come first).  */
              alias->rec = r;
              alias->name = s->name;
              alias->sym = s;
              alias->local = s->bind == STB_LOCAL;
              alias->weak = s->bind == STB_WEAK;
              alias->initializer = alias->kind == MK_FUNC
                                   && initializer_name_p (s->name);
            }
          mk_map_put (&obj->by_name, s->name, alias);
          continue;
        }
      struct mk_elem *e = mk_xcalloc (1, sizeof *e);
      e->name = s->name;
      e->obj = obj;
      e->sym = s;
      e->sec = sec;
      e->rec = mk_map_get (&recs, s->name);
      e->kind = (s->type == STT_FUNC || s->type == STT_GNU_IFUNC
                 || sec->kind == MK_SEC_TEXT) ? MK_FUNC : MK_DATA;
      e->plugin = plugin_kind (s->name);
      e->local = s->bind == STB_LOCAL;
      e->weak = s->bind == STB_WEAK;
      e->comdat = sec->group != 0;
      e->tls = s->type == STT_TLS || sec->kind == MK_SEC_TLS;
      e->writable = (sec->sh.sh_flags & SHF_WRITE) != 0;
      e->initializer = e->kind == MK_FUNC && initializer_name_p (s->name);
      s->elem = e;
      if (sec->nelems++ == 0)
        sec->elem = e;
      else
        sec->elem = NULL;
      add_elem (obj, e);
      mk_map_put (&obj->by_name, s->name, e);
    }

  /* Clones and cold parts know their function.  */
  for (size_t i = 0; i < obj->nelems; i++)
    {
      struct mk_elem *e = obj->elems[i];
      if (!e->rec || !e->rec->origin || e->kind != MK_FUNC)
        continue;
      struct mk_elem *o = mk_map_get (&obj->by_name, e->rec->origin);
      if (!o || o == e)
        continue;
      e->origin = o;
      if (e->rec->kind == ULP_KIND_COLD)
        o->cold = e;
    }

  /* Functions that run when the object is loaded.  */
  for (size_t i = 1; i < obj->shnum; i++)
    {
      struct mk_section *sec = &obj->secs[i];
      if (sec->kind != MK_SEC_INIT)
        continue;
      for (size_t k = 0; k < sec->nrelas; k++)
        {
          int64_t off;
          struct mk_elem *e = mk_sym_elem (obj, sec->relas[k].sym,
                                           sec->relas[k].addend, &off);
          if (e && e->kind == MK_FUNC)
            e->initializer = true;
        }
    }
  mk_map_free (&recs);
}

struct mk_elem *
mk_sym_elem (const struct mk_object *obj, size_t symi, int64_t addend,
             int64_t *off)
{
  if (symi == 0 || symi >= obj->nsyms)
    return NULL;
  const struct mk_symbol *s = &obj->syms[symi];
  if (s->elem)
    {
      *off = addend + (int64_t) s->sym.st_value
             - (int64_t) s->elem->sym->sym.st_value;
      return s->elem;
    }
  if (!s->sec)
    return NULL;
  const struct mk_section *sec = s->sec;
  int64_t at = (int64_t) s->sym.st_value + addend;
  if (sec->elem)
    {
      *off = at - (int64_t) sec->elem->sym->sym.st_value;
      return sec->elem;
    }
  if (sec->nelems == 0)
    return NULL;
  /* Several objects in one section: the one the address falls in.  A
     PC-relative reference carries the distance from the field to the
     end of the instruction in its addend, so allow for that.  */
  struct mk_elem *best = NULL;
  for (int adj = 0; adj <= 8 && !best; adj += 4)
    for (size_t i = 0; i < obj->nelems; i++)
      {
        struct mk_elem *e = obj->elems[i];
        int64_t v = (int64_t) e->sym->sym.st_value;
        if (e->sec == sec && at + adj >= v
            && at + adj < v + (int64_t) (e->sym->sym.st_size
                                         ? e->sym->sym.st_size : 1))
          best = e;
      }
  if (best)
    *off = at - (int64_t) best->sym->sym.st_value;
  return best;
}

static void
pair (struct mk_elem *o, struct mk_elem *p)
{
  o->twin = p;
  p->twin = o;
}

/* The key leftovers are paired by: kind, name without numbers, and for
   a static local the function it belongs to.  */

static char *
loose_key (const struct mk_elem *e, bool orig_side)
{
  char *base = mk_unnumbered (e->name);
  const char *origin = "";
  char *ob = NULL;
  if (e->kind == MK_DATA && e->rec && e->rec->origin)
    {
      /* A static local belongs to a function; pair by that function's
         twin's name when it has one, so that renumbered clones still
         match.  */
      struct mk_elem *fn = mk_map_get (&e->obj->by_name, e->rec->origin);
      const char *n = e->rec->origin;
      if (fn && !orig_side && fn->twin)
        n = fn->twin->name;
      ob = mk_unnumbered (n);
      origin = ob;
    }
  char *key = mk_xasprintf ("%c\x01%s\x01%s", e->kind == MK_FUNC ? 'f' : 'd',
                            base, origin);
  free (base);
  free (ob);
  return key;
}

struct bucket
{
  struct mk_elem **o, **p;
  size_t no, np, co, cp;
};

static void
correlate_unit (struct mk_unit *u)
{
  struct mk_object *orig = u->orig, *patched = u->patched;
  /* Exact names; not for static locals, whose numbers follow their
     order in the unit rather than their function.  */
  for (size_t i = 0; i < patched->nelems; i++)
    {
      struct mk_elem *p = patched->elems[i];
      if (p->kind == MK_DATA && p->rec && p->rec->origin)
        continue;
      struct mk_elem *o = mk_map_get (&orig->by_name, p->name);
      if (o && o->kind == MK_DATA && o->rec && o->rec->origin)
        continue;
      if (o && !o->twin && o->kind == p->kind && o->tls == p->tls)
        pair (o, p);
    }
  /* Static locals are keyed by their function's twin: pair functions
     first.  */
  for (int pass = 0; pass < 2; pass++)
    {
      enum mk_elem_kind kind = pass == 0 ? MK_FUNC : MK_DATA;
      struct mk_map buckets = { 0 };
      struct bucket **all = NULL;
      size_t nall = 0, all_cap = 0;
      char **keys = NULL;
      size_t nkeys = 0, keys_cap = 0;
      for (int side = 0; side < 2; side++)
        {
          struct mk_object *obj = side == 0 ? orig : patched;
          for (size_t i = 0; i < obj->nelems; i++)
            {
              struct mk_elem *e = obj->elems[i];
              if (e->twin || e->kind != kind || e->plugin)
                continue;
              char *key = loose_key (e, side == 0);
              struct bucket *b = mk_map_get (&buckets, key);
              if (!b)
                {
                  b = mk_xcalloc (1, sizeof *b);
                  mk_map_put (&buckets, key, b);
                  mk_grow (&all, &all_cap, nall, sizeof *all);
                  all[nall++] = b;
                  mk_grow (&keys, &keys_cap, nkeys, sizeof *keys);
                  keys[nkeys++] = key;
                }
              else
                free (key);
              if (side == 0)
                {
                  mk_grow (&b->o, &b->co, b->no, sizeof *b->o);
                  b->o[b->no++] = e;
                }
              else
                {
                  mk_grow (&b->p, &b->cp, b->np, sizeof *b->p);
                  b->p[b->np++] = e;
                }
            }
        }
      for (size_t i = 0; i < nall; i++)
        {
          struct bucket *b = all[i];
          for (size_t k = 0; k < b->no && k < b->np; k++)
            if (b->o[k]->tls == b->p[k]->tls)
              {
                pair (b->o[k], b->p[k]);
                mk_note (2, "%s: %s pairs with %s", u->rel, b->p[k]->name,
                         b->o[k]->name);
              }
          free (b->o);
          free (b->p);
          free (b);
        }
      for (size_t i = 0; i < nkeys; i++)
        free (keys[i]);
      free (keys);
      free (all);
      mk_map_free (&buckets);
    }
}

/* The target's definition of ORIG's element E: by name, unit and
   linkage (mk_target_lookup); when two units of the same name (util.c
   in two directories) define a static function of the same name, the
   one with E's bytes.  */

static const struct mk_tsym *
target_twin (struct mk_ctx *ctx, const struct mk_object *orig,
             const struct mk_elem *e)
{
  const struct mk_tsym *s = mk_target_lookup (&ctx->target, e->name,
                                              orig->unit, e->local);
  if (!s || !s->rec || !e->local || e->kind != MK_FUNC || !e->sym)
    return s;
  const struct mk_tsym *other = NULL;
  for (const struct mk_tsym *x = mk_map_get (&ctx->target.syms, e->name); x;
       x = x->next)
    if (x != s && x->rec && x->local && x->addr != s->addr
        && x->rec->kind == s->rec->kind
        && ulp_unit_same (x->unit, orig->unit))
      other = x;
  if (!other)
    return s;
  uint64_t at;
  for (const struct mk_tsym *x = mk_map_get (&ctx->target.syms, e->name); x;
       x = x->next)
    if (x->rec && x->local && x->rec->kind == s->rec->kind
        && ulp_unit_same (x->unit, orig->unit)
        && mk_same_in_target (ctx, e, x->addr, &at))
      return x;
  return s;
}

/* Find ORIG's elements in the target.  */

static void
correlate_target (struct mk_ctx *ctx, struct mk_object *orig)
{
  struct mk_target *t = &ctx->target;
  for (size_t i = 0; i < orig->nelems; i++)
    {
      struct mk_elem *e = orig->elems[i];
      switch (e->plugin)
        {
        case MK_PLUGIN_OBJECT:
          e->in_target = t->object_state != 0;
          e->target_addr = t->object_state;
          continue;
        case MK_PLUGIN_THREAD:
          e->in_target = t->thread_state != 0;
          e->target_addr = t->thread_state;
          continue;
        default:
          break;
        }
      const struct mk_tsym *s = target_twin (ctx, orig, e);
      if (!s)
        continue;
      /* A record of another kind (a function where ORIG has a variable)
         is not this element.  */
      if (s->rec && (s->rec->kind == ULP_KIND_VARIABLE) != (e->kind == MK_DATA))
        continue;
      e->in_target = true;
      e->target_addr = s->addr;
      e->target_rec = s->rec;
    }
}

/* The options GCC recorded, without the ones that name paths of the
   build (the plugin's own file).  */

static char *
normalised_switches (const char *sw)
{
  char *out = mk_xmalloc (strlen (sw) + 1);
  size_t n = 0;
  const char *p = sw;
  while (*p)
    {
      while (*p == ' ' || *p == '\n')
        p++;
      const char *q = p;
      while (*q && *q != ' ' && *q != '\n')
        q++;
      if (q > p && strncmp (p, "-fplugin=", 9) != 0
          && strncmp (p, "-specs=", 7) != 0)
        {
          if (n)
            out[n++] = ' ';
          memcpy (out + n, p, (size_t) (q - p));
          n += (size_t) (q - p);
        }
      p = q;
    }
  out[n] = '\0';
  return out;
}

static bool
same_flags (struct mk_ctx *ctx, struct mk_unit *u)
{
  struct mk_object *o = u->orig, *p = u->patched;
  if (o->switches && p->switches)
    {
      char *a = normalised_switches (o->switches);
      char *b = normalised_switches (p->switches);
      bool same = strcmp (a, b) == 0;
      if (!same)
        {
          char *why = mk_xasprintf ("ORIG was compiled with `%s', PATCHED "
                                    "with `%s'", a, b);
          mk_problem (ctx, false, u->rel, why,
                      "compile PATCHED with the compiler and options ORIG "
                      "was compiled with: code compiled differently differs "
                      "everywhere, and the patch would replace what did not "
                      "change");
          free (why);
        }
      free (a);
      free (b);
      if (!same)
        return false;
    }
  else if (!o->switches != !p->switches)
    {
      mk_problem (ctx, false, u->rel,
                  "only one of ORIG and PATCHED records its compiler "
                  "options (-frecord-gcc-switches)",
                  "compile both with the same options");
      return false;
    }
  else
    mk_note (1, "%s: no compiler options recorded (-frecord-gcc-switches): "
             "comparing what the code shows", u->rel);
  if (o->cet != p->cet)
    {
      mk_problem (ctx, false, u->rel,
                  o->cet ? "ORIG was compiled with -fcf-protection "
                           "(functions start with endbr64), PATCHED without"
                         : "PATCHED was compiled with -fcf-protection "
                           "(functions start with endbr64), ORIG without",
                  "compile PATCHED with the options ORIG was compiled with");
      return false;
    }
  return true;
}

bool
mk_correlate (struct mk_ctx *ctx)
{
  mk_note (1, "phase correlate");
  for (size_t i = 0; i < ctx->nunits; i++)
    {
      struct mk_unit *u = &ctx->units[i];
      if (u->orig)
        make_elems (u->orig);
      if (u->patched)
        make_elems (u->patched);
    }
  bool flags_ok = true;
  for (size_t i = 0; i < ctx->nunits; i++)
    {
      struct mk_unit *u = &ctx->units[i];
      if (u->orig)
        correlate_target (ctx, u->orig);
      if (!u->orig || !u->patched)
        continue;
      if (!same_flags (ctx, u))
        flags_ok = false;
      correlate_unit (u);
    }
  /* Different options are refused before anything else: the rest of
     the analysis would only list differences that mean nothing.  */
  return flags_ok;
}
