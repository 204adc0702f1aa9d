/* mkpatch-compare.c -- the compare phase of ulp-mkpatch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Decides, for every PATCHED element, whether it changed, is new, or is
   unchanged, and counts what ORIG had that PATCHED lost.  Two elements
   are the same when their bytes are the same and their relocations
   are, one for one: same place, same type, and a target that means the
   same thing -- the twin of what the other refers to (so a renumbered
   clone or static local still matches), an external symbol of the same
   name, a string literal or merged constant with the same contents
   (literal labels are renumbered freely), or an anonymous section (a
   jump table) that is itself the same.  Bytes under a relocation are
   zero in an object file, so offsets that merely shift between builds
   never show.

   Then changes spread where the code does not show them by itself:
   a function whose cold part changed, a function that inlined a changed
   one (from the plugin's inline lists), and a function using a changed
   read-only constant, which the patch will carry as a new copy.  */

#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkpatch.h"

/* Pairs of anonymous sections being or already compared.  */
struct anon_cache
{
  struct mk_map map;
  char **keys;
  size_t n, cap;
};

static bool same_ref (struct anon_cache *c, const struct mk_object *po,
                      const struct mk_rela *pr, const struct mk_object *oo,
                      const struct mk_rela *or);
static bool same_relas (struct anon_cache *c, const struct mk_object *po,
                        const struct mk_section *ps, uint64_t pstart,
                        const struct mk_object *oo,
                        const struct mk_section *os, uint64_t ostart,
                        uint64_t size, char **why);

/* The NUL-terminated string at OFF in SEC, or NULL.  */

static const char *
string_at (const struct mk_section *sec, int64_t off)
{
  if (!sec->data || off < 0 || (uint64_t) off >= sec->size)
    return NULL;
  if (!memchr (sec->data + off, '\0', sec->size - (uint64_t) off))
    return NULL;
  return (const char *) sec->data + off;
}

static bool
same_anon (struct anon_cache *c, const struct mk_object *po,
           const struct mk_section *ps, const struct mk_object *oo,
           const struct mk_section *os)
{
  char key[64];
  snprintf (key, sizeof key, "%p %p", (const void *) ps, (const void *) os);
  void *v = mk_map_get (&c->map, key);
  if (v)
    /* 1: the same; 2: being compared (a jump table refers back into
       its function): assume so, the outer comparison decides.  */
    return (intptr_t) v != 3;
  mk_grow (&c->keys, &c->cap, c->n, sizeof *c->keys);
  char *k = mk_xstrdup (key);
  c->keys[c->n++] = k;
  mk_map_put (&c->map, k, (void *) (intptr_t) 2);
  bool same = ps->size == os->size && ps->sh.sh_type == os->sh.sh_type
              && ps->sh.sh_flags == os->sh.sh_flags
              && ps->nrelas == os->nrelas
              && (!ps->data || !os->data
                  || memcmp (ps->data, os->data, ps->size) == 0)
              && !ps->data == !os->data;
  for (size_t i = 0; same && i < ps->nrelas; i++)
    same = ps->relas[i].offset == os->relas[i].offset
           && ps->relas[i].type == os->relas[i].type
           && same_ref (c, po, &ps->relas[i], oo, &os->relas[i]);
  mk_map_set (&c->map, k, (void *) (intptr_t) (same ? 1 : 3));
  return same;
}

/* Whether PR (of PO) and OR (of OO) refer to the same thing.  */

static bool
same_ref (struct anon_cache *c, const struct mk_object *po,
          const struct mk_rela *pr, const struct mk_object *oo,
          const struct mk_rela *or)
{
  const struct mk_symbol *ps = &po->syms[pr->sym];
  const struct mk_symbol *os = &oo->syms[or->sym];
  if (pr->sym == 0 || or->sym == 0)
    return pr->sym == or->sym && pr->addend == or->addend;
  if (!ps->sec || !os->sec)
    return !ps->sec && !os->sec && strcmp (ps->name, os->name) == 0
           && pr->addend == or->addend;
  int64_t poff, ooff;
  struct mk_elem *pe = mk_sym_elem (po, pr->sym, pr->addend, &poff);
  struct mk_elem *oe = mk_sym_elem (oo, or->sym, or->addend, &ooff);
  if (pe || oe)
    {
      if (!pe || !oe || poff != ooff)
        return false;
      if (pe->plugin || oe->plugin)
        return pe->plugin == oe->plugin;
      return pe->twin == oe;
    }
  const struct mk_section *psec = ps->sec, *osec = os->sec;
  if (psec->kind != osec->kind)
    return false;
  if (psec->kind == MK_SEC_STRINGS || psec->kind == MK_SEC_CONSTS)
    {
      if (pr->addend != or->addend
          || psec->sh.sh_entsize != osec->sh.sh_entsize)
        return false;
      if (ps->type == STT_SECTION || os->type == STT_SECTION)
        /* Rare: a section-relative reference into merged data.  Only
           the whole contents can tell.  */
        return ps->type == os->type && psec->size == osec->size
               && memcmp (psec->data, osec->data, psec->size) == 0;
      if (psec->kind == MK_SEC_STRINGS)
        {
          const char *a = string_at (psec, (int64_t) ps->sym.st_value);
          const char *b = string_at (osec, (int64_t) os->sym.st_value);
          return a && b && strcmp (a, b) == 0;
        }
      /* The entries that the entry size of bytes from the label
         overlaps: GCC also labels the upper half of a 16-byte entry
         for an 8-byte constant.  */
      uint64_t n = psec->sh.sh_entsize ? psec->sh.sh_entsize : 1;
      uint64_t pv = ps->sym.st_value, ov = os->sym.st_value;
      if (pv % n != ov % n || pv >= psec->size || ov >= osec->size)
        return false;
      uint64_t p0 = pv - pv % n, o0 = ov - ov % n;
      uint64_t want = pv % n ? 2 * n : n;
      uint64_t plen = psec->size - p0 < want ? psec->size - p0 : want;
      uint64_t olen = osec->size - o0 < want ? osec->size - o0 : want;
      return plen == olen
             && memcmp (psec->data + p0, osec->data + o0, plen) == 0;
    }
  if ((int64_t) ps->sym.st_value + pr->addend
      != (int64_t) os->sym.st_value + or->addend)
    return false;
  return same_anon (c, po, psec, oo, osec);
}

/* Compare SIZE bytes at PSTART of PS with those at OSTART of OS,
   relocations included.  On a difference store what differs in *WHY.  */

static bool
same_range (struct anon_cache *c, const struct mk_object *po,
            const struct mk_section *ps, uint64_t pstart,
            const struct mk_object *oo, const struct mk_section *os,
            uint64_t ostart, uint64_t size, char **why)
{
  if (!ps->data != !os->data)
    {
      *why = mk_xstrdup (ps->data ? "initial value (was zero)"
                                  : "initial value (now zero)");
      return false;
    }
  if (ps->data && memcmp (ps->data + pstart, os->data + ostart, size) != 0)
    {
      uint64_t k = 0;
      while (ps->data[pstart + k] == os->data[ostart + k])
        k++;
      *why = mk_xasprintf (ps->kind == MK_SEC_TEXT ? "code at +%#" PRIx64
                                                   : "at byte %"
                                                     PRIu64, k);
      return false;
    }
  return same_relas (c, po, ps, pstart, oo, os, ostart, size, why);
}

/* Compare the relocations of SIZE bytes at PSTART of PS with those at
   OSTART of OS.  On a difference store what differs in *WHY.  */

static bool
same_relas (struct anon_cache *c, const struct mk_object *po,
            const struct mk_section *ps, uint64_t pstart,
            const struct mk_object *oo, const struct mk_section *os,
            uint64_t ostart, uint64_t size, char **why)
{
  size_t pi = 0, oi = 0;
  while (pi < ps->nrelas && ps->relas[pi].offset < pstart)
    pi++;
  while (oi < os->nrelas && os->relas[oi].offset < ostart)
    oi++;
  for (;; pi++, oi++)
    {
      bool pin = pi < ps->nrelas && ps->relas[pi].offset < pstart + size;
      bool oin = oi < os->nrelas && os->relas[oi].offset < ostart + size;
      if (!pin && !oin)
        return true;
      if (!pin || !oin
          || ps->relas[pi].offset - pstart != os->relas[oi].offset - ostart
          || ps->relas[pi].type != os->relas[oi].type)
        {
          uint64_t at = pin ? ps->relas[pi].offset - pstart
                            : os->relas[oi].offset - ostart;
          *why = mk_xasprintf ("references at +%#" PRIx64, at);
          return false;
        }
      if (!same_ref (c, po, &ps->relas[pi], oo, &os->relas[oi]))
        {
          const struct mk_symbol *s = &po->syms[ps->relas[pi].sym];
          int64_t off;
          struct mk_elem *e = mk_sym_elem (po, ps->relas[pi].sym,
                                           ps->relas[pi].addend, &off);
          const char *what = e ? e->name
                             : s->sec && s->sec->kind == MK_SEC_STRINGS
                               ? "a string literal"
                             : *s->name && s->type != STT_SECTION ? s->name
                             : s->sec ? s->sec->name : "?";
          *why = mk_xasprintf ("reference to %s at +%#" PRIx64, what,
                               ps->relas[pi].offset - pstart);
          return false;
        }
    }
}

static bool
same_elem (struct anon_cache *c, struct mk_elem *p, struct mk_elem *o,
           char **why)
{
  const struct mk_section *ps = p->sec, *os = o->sec;
  uint64_t pstart = 0, ostart = 0, psize = ps->size, osize = os->size;
  if (ps->nelems > 1 || os->nelems > 1)
    {
      pstart = p->sym->sym.st_value;
      ostart = o->sym->sym.st_value;
      psize = p->sym->sym.st_size;
      osize = o->sym->sym.st_size;
    }
  else if (p->kind == MK_DATA
           && (p->sym->sym.st_size != o->sym->sym.st_size))
    {
      *why = mk_xasprintf ("size %" PRIu64 " -> %" PRIu64,
                           (uint64_t) o->sym->sym.st_size,
                           (uint64_t) p->sym->sym.st_size);
      return false;
    }
  if (psize != osize)
    {
      *why = mk_xasprintf ("size %" PRIu64 " -> %" PRIu64, osize, psize);
      return false;
    }
  if (p->kind == MK_DATA && ps->sh.sh_addralign != os->sh.sh_addralign)
    {
      *why = mk_xasprintf ("alignment %" PRIu64 " -> %" PRIu64,
                           (uint64_t) os->sh.sh_addralign,
                           (uint64_t) ps->sh.sh_addralign);
      return false;
    }
  return same_range (c, p->obj, ps, pstart, o->obj, os, ostart, psize, why);
}

/* Whether functions P and O have the same size and relocations, so
   that only bytes of their code differ: the candidates for a change of
   line numbers only.  */

static bool
only_bytes_differ (struct anon_cache *c, struct mk_elem *p, struct mk_elem *o)
{
  const struct mk_section *ps = p->sec, *os = o->sec;
  if (p->kind != MK_FUNC || ps->nelems != 1 || os->nelems != 1
      || ps->size != os->size || !ps->data || !os->data
      || ps->kind != MK_SEC_TEXT)
    return false;
  char *why = NULL;
  bool same = same_relas (c, p->obj, ps, 0, o->obj, os, 0, ps->size, &why);
  free (why);
  return same;
}

static void
set_status (struct mk_elem *e, enum mk_status st, char *why)
{
  e->status = st;
  free (e->why);
  e->why = why;
}

/* Whether function F (of PATCHED) refers to element X.  */

static bool
refers_to (const struct mk_elem *f, const struct mk_elem *x)
{
  const struct mk_section *sec = f->sec;
  for (size_t i = 0; i < sec->nrelas; i++)
    {
      int64_t off;
      if (mk_sym_elem (f->obj, sec->relas[i].sym, sec->relas[i].addend, &off)
          == x)
        return true;
    }
  return false;
}

static bool
inlines (const struct mk_elem *f, const char *name)
{
  if (!f->rec)
    return false;
  for (size_t i = 0; i < f->rec->n_inlined; i++)
    if (strcmp (f->rec->inlined[i], name) == 0)
      return true;
  return false;
}

/* E changes because of something it uses: it is replaced, even if its
   own code differed only by line numbers.  */

static void
spread (struct mk_ctx *ctx, struct mk_elem *e, char *why)
{
  if (e->lines_only)
    {
      e->lines_only = false;
      ctx->nlines--;
    }
  set_status (e, MK_CHANGED, why);
}

/* Spread changes until nothing more changes.  */

static void
propagate (struct mk_ctx *ctx)
{
  bool again = true;
  while (again)
    {
      again = false;
      for (size_t u = 0; u < ctx->nunits; u++)
        {
          struct mk_object *obj = ctx->units[u].patched;
          if (!obj)
            continue;
          for (size_t i = 0; i < obj->nelems; i++)
            {
              struct mk_elem *h = obj->elems[i];
              if (h->status != MK_CHANGED && h->status != MK_NEW)
                continue;
              /* A cold part is never entered on its own: its function
                 is what changes.  */
              if (h->kind == MK_FUNC && h->rec
                  && h->rec->kind == ULP_KIND_COLD && h->origin
                  && h->origin->status == MK_UNCHANGED)
                {
                  spread (ctx, h->origin,
                              mk_xasprintf ("its cold part %s changed",
                                            h->name));
                  again = true;
                }
              if (h->kind == MK_FUNC && h->status == MK_CHANGED)
                for (size_t k = 0; k < obj->nelems; k++)
                  {
                    struct mk_elem *f = obj->elems[k];
                    if (f->kind != MK_FUNC || f->status != MK_UNCHANGED)
                      continue;
                    if (inlines (f, h->name)
                        || (h->twin && inlines (f, h->twin->name))
                        || (f->twin && f->twin->rec
                            && h->twin && inlines (f->twin, h->twin->name)))
                      {
                        spread (ctx, f,
                                    mk_xasprintf ("inlines changed %s",
                                                  h->name));
                        again = true;
                      }
                  }
              if (h->kind == MK_DATA && h->copy)
                for (size_t k = 0; k < obj->nelems; k++)
                  {
                    struct mk_elem *f = obj->elems[k];
                    if (f->kind != MK_FUNC || f->status != MK_UNCHANGED
                        || !refers_to (f, h))
                      continue;
                    spread (ctx, f,
                                mk_xasprintf ("uses changed constant %s",
                                              h->name));
                    again = true;
                  }
            }
        }
    }
}

bool
mk_compare (struct mk_ctx *ctx)
{
  mk_note (1, "phase compare");
  struct anon_cache cache = { 0 };
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_unit *unit = &ctx->units[u];
      if (unit->patched)
        for (size_t i = 0; i < unit->patched->nelems; i++)
          {
            struct mk_elem *p = unit->patched->elems[i];
            if (p->plugin)
              {
                set_status (p, MK_UNCHANGED, NULL);
                continue;
              }
            if (!p->twin)
              {
                set_status (p, MK_NEW, NULL);
                continue;
              }
            char *why = NULL;
            char *lines = NULL;
            if (same_elem (&cache, p, p->twin, &why))
              set_status (p, MK_UNCHANGED, NULL);
            else if (only_bytes_differ (&cache, p, p->twin)
                     && mk_lines_only (ctx, p, &lines))
              {
                /* Proven to differ only by line numbers (mkpatch-lines.c):
                   the target's code is as good, unless asked.  */
                free (why);
                p->lines_only = true;
                ctx->nlines++;
                if (ctx->opt.keep_line_changes)
                  set_status (p, MK_CHANGED,
                              mk_xasprintf ("%s; kept", lines));
                else
                  set_status (p, MK_UNCHANGED, mk_xstrdup (lines));
                free (lines);
              }
            else
              {
                set_status (p, MK_CHANGED, why);
                /* A read-only constant of this unit alone can be
                   carried as a new copy by every function using it.  */
                if (p->kind == MK_DATA && p->local && !p->writable
                    && !p->tls)
                  p->copy = true;
              }
          }
      if (unit->orig)
        for (size_t i = 0; i < unit->orig->nelems; i++)
          {
            struct mk_elem *o = unit->orig->elems[i];
            if (!o->twin && !o->plugin)
              o->status = MK_REMOVED;
          }
    }
  propagate (ctx);
  /* Say which inlined functions a changed one carries: a change in one
     of them shows as changes in every function it was inlined into.  */
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_object *obj = ctx->units[u].patched;
      for (size_t i = 0; obj && i < obj->nelems; i++)
        {
          struct mk_elem *e = obj->elems[i];
          if (e->kind != MK_FUNC || e->status != MK_CHANGED || !e->rec
              || e->rec->n_inlined == 0 || (e->why && strstr (e->why, "inlines")))
            continue;
          char *list = mk_xstrdup ("");
          for (size_t k = 0; k < e->rec->n_inlined; k++)
            {
              char *l = mk_xasprintf ("%s%s%s", list, k ? ", " : "",
                                      e->rec->inlined[k]);
              free (list);
              list = l;
            }
          char *why = mk_xasprintf ("%s%sinlines %s", e->why ? e->why : "",
                                    e->why ? "; " : "", list);
          free (list);
          set_status (e, MK_CHANGED, why);
        }
    }
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_unit *unit = &ctx->units[u];
      if (unit->patched)
        for (size_t i = 0; i < unit->patched->nelems; i++)
          {
            struct mk_elem *p = unit->patched->elems[i];
            if (p->status == MK_CHANGED)
              ctx->nchanged++;
            else if (p->status == MK_NEW)
              ctx->nnew++;
          }
      if (unit->orig)
        for (size_t i = 0; i < unit->orig->nelems; i++)
          if (unit->orig->elems[i]->status == MK_REMOVED)
            ctx->nremoved++;
    }
  mk_note (1, "%zu changed, %zu new, %zu removed", ctx->nchanged, ctx->nnew,
           ctx->nremoved);
  for (size_t i = 0; i < cache.n; i++)
    free (cache.keys[i]);
  free (cache.keys);
  mk_map_free (&cache.map);
  return true;
}
