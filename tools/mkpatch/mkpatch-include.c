/* mkpatch-include.c -- the include phase of ulp-mkpatch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Decides what the patch holds and how every reference in it is
   resolved.  It starts from the changed and new functions and the new
   data, and follows their relocations: what they refer to is either
   part of the patch too (a new helper, a jump table, a new literal,
   their records and unwind information) or is the target's -- an
   unchanged function, a static variable, a static local of a changed
   function, an existing literal, an exported symbol -- and then must
   resolve, at apply time, to the instance in the running process, never
   to a copy, so that the process keeps its state.

   The code is copied byte for byte, so each reference to the target
   stays the instruction it was and becomes a RELOC entry the runtime
   fills in (S + A - P, or S + A), or, where the code loads the address
   from the GOT, a REF slot of the patch filled with the address.  The
   boundary tracking the plugin compiled into exported functions uses
   the target's own state: __ulp_object through a RELOC, and the
   thread-local __ulp_thread through the patch's state (ulp-patch.h),
   which the runtime fills with where the target keeps it: its TLS
   descriptor call is pointed at a descriptor of the patch, its
   initial-exec load at the state's TP offset.

   Calls between functions of the patch stay direct; an address taken
   of a function that exists in the target is the target's, as every
   pointer stored before the patch is, so comparisons keep working and
   calls through it reach the new code through the detour.  */

#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkpatch.h"
#include "ulp-hex.h"

/* What a relocation's symbol turned out to be.  */
enum res_kind
{
  RES_INTERNAL,   /* something in the patch: OBJ, SYM.  */
  RES_TARGET,     /* the target's NAME (UNIT) + ADDEND.  */
  RES_EXTERNAL,   /* an undefined symbol for the dynamic linker.  */
  RES_THREAD,     /* the target's __ulp_thread.  */
  RES_ERROR       /* a problem was recorded.  */
};

struct res
{
  enum res_kind kind;
  struct mk_object *obj;
  size_t sym;
  const char *name;
  const char *unit;
  int64_t addend;
};

/* ------------------------------------------------------------------ */
/* .eh_frame records.                                                  */
/* ------------------------------------------------------------------ */

static const struct mk_rela *
rela_at (const struct mk_section *sec, uint64_t offset)
{
  size_t lo = 0, hi = sec->nrelas;
  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      if (sec->relas[mid].offset < offset)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < sec->nrelas && sec->relas[lo].offset == offset
         ? &sec->relas[lo] : NULL;
}

static bool
parse_eh (struct mk_object *obj)
{
  for (size_t i = 1; i < obj->shnum; i++)
    if (obj->secs[i].kind == MK_SEC_EH)
      obj->eh_index = i;
  if (!obj->eh_index)
    return true;
  struct mk_section *sec = &obj->secs[obj->eh_index];
  size_t cap = 0;
  for (uint64_t off = 0; off + 4 <= sec->size;)
    {
      uint32_t len = mk_get32 (sec->data + off);
      if (len == 0xffffffff)
        {
          mk_error (obj->path, ".eh_frame: 64-bit records are not supported");
          return false;
        }
      if (len == 0 || off + 4 + len > sec->size || len < 4)
        break;
      mk_grow (&obj->eh, &cap, obj->neh, sizeof *obj->eh);
      struct mk_eh_rec *r = &obj->eh[obj->neh++];
      r->offset = off;
      r->size = 4 + (uint64_t) len;
      uint32_t id = mk_get32 (sec->data + off + 4);
      r->cie = id == 0;
      if (!r->cie)
        {
          r->cie_offset = off + 4 - id;
          const struct mk_rela *pc = rela_at (sec, off + 8);
          if (pc && pc->sym < obj->nsyms && obj->syms[pc->sym].sec)
            r->pc_sec = obj->syms[pc->sym].sec->index;
        }
      off += r->size;
    }
  return true;
}

/* ------------------------------------------------------------------ */
/* Learning where the target keeps literals.                           */
/* ------------------------------------------------------------------ */

/* A key for the literal that symbol SYM of OBJ labels, or NULL.  */

static char *
literal_key (const struct mk_object *obj, const struct mk_symbol *s)
{
  const struct mk_section *sec = s->sec;
  if (!sec || !sec->data || s->type == STT_SECTION)
    return NULL;
  uint64_t at = s->sym.st_value;
  if (sec->kind == MK_SEC_STRINGS)
    {
      if (at >= sec->size || !memchr (sec->data + at, '\0', sec->size - at))
        return NULL;
      return mk_xasprintf ("s%" PRIu64 ":%s", (uint64_t) sec->sh.sh_entsize,
                           (const char *) sec->data + at);
    }
  if (sec->kind == MK_SEC_CONSTS)
    {
      uint64_t n = sec->sh.sh_entsize ? sec->sh.sh_entsize : 1;
      if (at + n > sec->size || n > 64)
        return NULL;
      char *k = mk_xmalloc (2 * n + 16);
      int len = sprintf (k, "c%" PRIu64 ":", n);
      ulp_hex (sec->data + at, n, k + len);
      return k;
    }
  (void) obj;
  return NULL;
}

/* Read what the target holds at the place of relocation R of function
   F (an ORIG element in the target): the 32-bit value there.  */

static bool
target_field (struct mk_ctx *ctx, const struct mk_elem *f,
              const struct mk_rela *r, uint64_t *place, int32_t *value)
{
  uint64_t start = f->target_addr - f->sym->sym.st_value;
  *place = start + r->offset;
  const unsigned char *p = ulp_elf_read_vaddr (ctx->target.ue, *place, 4);
  if (!p)
    return false;
  *value = (int32_t) mk_get32 (p);
  return true;
}

static int
anchor_rank (const struct mk_elem *f)
{
  if (!f)
    return 0;
  if (f->local)
    return 1;
  return f->target_rec->flags & ULP_F_EXPORTED ? 3 : 2;
}

static void
learn (struct mk_ctx *ctx)
{
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_object *obj = ctx->units[u].orig;
      if (!obj)
        continue;
      for (size_t i = 0; i < obj->nelems; i++)
        {
          struct mk_elem *f = obj->elems[i];
          /* The anchor: an ordinary function the runtime can find by its
             name, exported if possible, else global, else static.  */
          if (f->kind == MK_FUNC && f->in_target && f->target_rec
              && f->target_rec->kind == ULP_KIND_FUNCTION && !f->comdat
              && !f->plugin && anchor_rank (f) > anchor_rank (ctx->anchor))
            ctx->anchor = f;
          /* A COMDAT body in the target may be another unit's.  */
          if (f->kind != MK_FUNC || !f->in_target || f->comdat
              || f->sec->nelems != 1)
            continue;
          for (size_t k = 0; k < f->sec->nrelas; k++)
            {
              const struct mk_rela *r = &f->sec->relas[k];
              const struct mk_symbol *s = &obj->syms[r->sym];
              uint64_t place;
              int32_t v;
              if (r->type == R_X86_64_TPOFF32 && s->elem
                  && s->elem->plugin == MK_PLUGIN_THREAD
                  && !ctx->thread_tpoff_known
                  && target_field (ctx, f, r, &place, &v))
                {
                  ctx->thread_tpoff = (int64_t) v - r->addend;
                  ctx->thread_tpoff_known = true;
                  continue;
                }
              if (r->type != R_X86_64_PC32 && r->type != R_X86_64_PLT32)
                continue;
              char *key = literal_key (obj, s);
              if (!key)
                continue;
              if (mk_map_get (&ctx->literals, key)
                  || !target_field (ctx, f, r, &place, &v))
                {
                  free (key);
                  continue;
                }
              struct mk_learned *l = mk_xcalloc (1, sizeof *l);
              l->addr = place + (uint64_t) (int64_t) v - (uint64_t) r->addend;
              l->anchor = f;
              const char *k2 = mk_ctx_key (ctx, key, strlen (key));
              free (key);
              mk_map_put (&ctx->literals, k2, l);
            }
        }
    }
  mk_note (2, "learned where the target keeps %zu literals",
           ctx->literals.n);
}

/* ------------------------------------------------------------------ */
/* Including.                                                          */
/* ------------------------------------------------------------------ */

struct work
{
  struct mk_section **v;
  size_t n, cap;
};

static void include_section (struct work *w, struct mk_section *sec);

static void
push (struct work *w, struct mk_section *sec)
{
  mk_grow (&w->v, &w->cap, w->n, sizeof *w->v);
  w->v[w->n++] = sec;
}

static struct mk_object *
sec_obj_of (struct mk_ctx *ctx, const struct mk_section *sec)
{
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_object *o = ctx->units[u].patched;
      if (o && sec >= o->secs && sec < o->secs + o->shnum)
        return o;
    }
  return NULL;
}

static void
include_section (struct work *w, struct mk_section *sec)
{
  if (sec->include)
    return;
  sec->include = true;
  push (w, sec);
}

static void
include_elem (struct mk_ctx *ctx, struct work *w, struct mk_elem *e)
{
  if (e->include)
    return;
  if (e->instead)
    {
      include_elem (ctx, w, e->instead);
      return;
    }
  e->include = true;
  ctx->nincluded++;
  include_section (w, e->sec);
  struct mk_object *obj = e->obj;
  if (e->sec->meta)
    include_section (w, &obj->secs[e->sec->meta]);
  if (e->sec->aux)
    include_section (w, &obj->secs[e->sec->aux]);
  if (e->cold)
    include_elem (ctx, w, e->cold);
  if (e->kind == MK_FUNC)
    for (size_t i = 0; i < obj->neh; i++)
      if (!obj->eh[i].cie && obj->eh[i].pc_sec == e->sec->index
          && !obj->eh[i].keep)
        {
          obj->eh[i].keep = true;
          for (size_t k = 0; k < obj->neh; k++)
            if (obj->eh[k].cie && obj->eh[k].offset == obj->eh[i].cie_offset)
              obj->eh[k].keep = true;
          /* Its relocations (LSDA, personality) are followed with the
             .eh_frame section's, again for each record kept.  */
          obj->secs[obj->eh_index].include = true;
          push (w, &obj->secs[obj->eh_index]);
        }
}

/* Whether REF, from section FROM, should reach the target's instance of
   function or object E rather than the patch's copy.  */

static bool
wants_target (const struct mk_section *from, const struct mk_rela *r,
              const struct mk_elem *e)
{
  if (!e->twin || !e->twin->in_target || e->status == MK_NEW || e->copy)
    return false;
  if (!e->include)
    return true;
  if (e->kind == MK_DATA)
    /* Included data with a twin: only a forced change; use the
       target's.  */
    return !e->copy;
  /* Calls stay in the patch.  */
  if (r->type == R_X86_64_PLT32)
    return false;
  /* Its own code, records, unwind information, jump tables.  */
  if (!from->elem || from->elem == e || from->elem == e->cold
      || from->elem->origin == e || e->origin == from->elem)
    return false;
  return true;
}

static const char *
target_unit (const struct mk_elem *orig)
{
  return orig->local ? orig->obj->unit : NULL;
}

/* The target's __ulp_object + OFF, which has no name the runtime looks
   up (hidden, and gone from a stripped file): expressed relative to a
   function that has one.  */

static struct res
object_state (struct mk_ctx *ctx, struct res res, int64_t off, bool pull)
{
  if (!ctx->target.object_state || !ctx->anchor)
    {
      if (!pull)
        mk_problem (ctx, false, "__ulp_object",
                    "the changed code tracks the boundary of the target, "
                    "but the target has no boundary state",
                    "build the target and the objects with the same ulp "
                    "options");
      res.kind = RES_ERROR;
      return res;
    }
  res.kind = RES_TARGET;
  res.name = ctx->anchor->name;
  res.unit = target_unit (ctx->anchor);
  res.addend = (int64_t) (ctx->target.object_state
                          - ctx->anchor->target_addr) + off;
  return res;
}

/* A relocation being resolved: R of section FROM of OBJ.  With PULL,
   what the patch must carry is included (through W); without, the
   problems are recorded and the target's uses counted.  */
struct site
{
  struct mk_ctx *ctx;
  struct work *w;
  struct mk_object *obj;
  struct mk_section *from;
  const struct mk_rela *r;
  bool pull;
};

static struct res resolve_elem (const struct site *st, struct res res,
                                struct mk_elem *e, int64_t off);

/* An undefined symbol S: the boundary state, another PATCHED unit's
   definition, the target's, or some other library's.  */

static struct res
resolve_undefined (const struct site *st, struct res res,
                   const struct mk_symbol *s)
{
  struct mk_ctx *ctx = st->ctx;
  if (s->sym.st_shndx == SHN_ABS)
    return res;
  if (strcmp (s->name, "__ulp_thread") == 0)
    {
      res.kind = RES_THREAD;
      return res;
    }
  if (strcmp (s->name, "__ulp_object") == 0)
    return object_state (ctx, res, st->r->addend, st->pull);
  struct mk_elem *e = mk_map_get (&ctx->globals, s->name);
  if (e && e->obj != st->obj)
    return resolve_elem (st, res, e, st->r->addend);
  const struct mk_tsym *t = mk_target_lookup (&ctx->target, s->name, NULL,
                                              false);
  if (t && t->tls)
    {
      if (!st->pull)
        mk_problem (ctx, false, s->name,
                    "the changed code refers to this thread-local "
                    "variable of the target, and a patch cannot "
                    "reach another object's thread-local variables",
                    "keep the change from using it");
      res.kind = RES_ERROR;
      return res;
    }
  /* Defined in the target, possibly hidden in another of its units;
     else the dynamic linker's to find.  */
  res.kind = t ? RES_TARGET : RES_EXTERNAL;
  res.name = s->name;
  return res;
}

/* The target's instance of E (whose twin is there), OFF bytes into
   it.  */

static struct res
resolve_to_twin (const struct site *st, struct res res,
                 struct mk_elem *e, int64_t off)
{
  if (e->tls)
    {
      char *what = mk_elem_label (e->twin);
      if (!st->pull)
        mk_problem (st->ctx, false, what,
                    "the changed code refers to this thread-local "
                    "variable of the target, and a patch cannot "
                    "reach another object's thread-local variables",
                    "keep the change from using it, or restart the "
                    "program");
      free (what);
      res.kind = RES_ERROR;
      return res;
    }
  res.kind = RES_TARGET;
  res.name = e->twin->name;
  res.unit = target_unit (e->twin);
  res.addend = off;
  if (!st->pull)
    e->referenced = true;
  return res;
}

/* Function or object E, OFF bytes into it: the plugin's, the target's
   instance, or the patch's own.  */

static struct res
resolve_elem (const struct site *st, struct res res, struct mk_elem *e,
              int64_t off)
{
  if (e->instead)
    e = e->instead;
  switch (e->plugin)
    {
    case MK_PLUGIN_THREAD:
      res.kind = RES_THREAD;
      return res;
    case MK_PLUGIN_OBJECT:
      return object_state (st->ctx, res, off, st->pull);
    case MK_PLUGIN_SLOW:
      if (mk_target_lookup (&st->ctx->target, e->name, NULL, false))
        {
          res.kind = RES_TARGET;
          res.name = e->name;
          res.addend = off;
          return res;
        }
      break;
    default:
      break;
    }
  /* Unwind and exception data keep their own copies of what they
     point to (DW.ref.__gxx_personality_v0 and the like): the
     runtime does not write into them.  */
  bool eh = st->from->kind == MK_SEC_EH || st->from->kind == MK_SEC_EXCEPT;
  if (!eh && wants_target (st->from, st->r, e))
    return resolve_to_twin (st, res, e, off);
  if (st->pull)
    include_elem (st->ctx, st->w, e);
  res.obj = e->obj;
  if (e->obj != st->obj)
    {
      /* Refer to the definition in its own object.  */
      res.sym = e->sym->index;
      res.addend = off;
    }
  return res;
}

/* What symbol S labels that is no function or object: literals, jump
   tables, exception tables, records' strings.  */

static struct res
resolve_anonymous (const struct site *st, struct res res,
                   const struct mk_symbol *s)
{
  struct mk_ctx *ctx = st->ctx;
  struct mk_section *sec = s->sec;
  if (sec->kind == MK_SEC_STRINGS || sec->kind == MK_SEC_CONSTS)
    {
      char *key = literal_key (st->obj, s);
      struct mk_learned *l = key ? mk_map_get (&ctx->literals, key) : NULL;
      free (key);
      if (l && st->from->kind != MK_SEC_EH
          && st->from->kind != MK_SEC_EXCEPT)
        {
          /* An existing literal: the target's, at its address relative
             to a function the runtime finds by name.  */
          const struct mk_elem *a = l->anchor;
          res.kind = RES_TARGET;
          res.name = a->name;
          res.unit = target_unit (a);
          res.addend = (int64_t) (l->addr - a->target_addr) + st->r->addend;
          if (!st->pull)
            ctx->nliterals++;
          return res;
        }
    }
  if (s->type == STT_TLS || sec->kind == MK_SEC_TLS)
    {
      if (!st->pull)
        mk_problem (ctx, false, s->name,
                    "the changed code refers to a thread-local variable, "
                    "and a patch cannot reach the target's thread-local "
                    "variables", "keep the change from using it");
      res.kind = RES_ERROR;
      return res;
    }
  if (st->pull)
    include_section (st->w, sec);
  return res;
}

/* Resolve relocation R of section FROM of OBJ.  With PULL, include what
   the patch must carry.  */

static struct res
resolve (struct mk_ctx *ctx, struct work *w, struct mk_object *obj,
         struct mk_section *from, const struct mk_rela *r, bool pull)
{
  struct res res = { .kind = RES_INTERNAL, .obj = obj, .sym = r->sym,
                     .addend = r->addend };
  if (r->sym == 0)
    return res;
  const struct site st = { .ctx = ctx, .w = w, .obj = obj, .from = from,
                           .r = r, .pull = pull };
  struct mk_symbol *s = &obj->syms[r->sym];
  if (!s->sec)
    return resolve_undefined (&st, res, s);
  int64_t off = 0;
  struct mk_elem *e = mk_sym_elem (obj, r->sym, r->addend, &off);
  if (e)
    return resolve_elem (&st, res, e, off);
  return resolve_anonymous (&st, res, s);
}

/* ------------------------------------------------------------------ */
/* Plans.                                                              */
/* ------------------------------------------------------------------ */

static size_t
ref_slot (struct mk_ctx *ctx, const char *name, const char *unit)
{
  char *key = mk_xasprintf ("%s\x01%s", name, unit ? unit : "");
  void *v = mk_map_get (&ctx->ref_index, key);
  if (v)
    {
      free (key);
      return (size_t) (uintptr_t) v - 1;
    }
  mk_grow (&ctx->refs, &ctx->refs_cap, ctx->nrefs, sizeof *ctx->refs);
  ctx->refs[ctx->nrefs].name = name;
  ctx->refs[ctx->nrefs].unit = unit;
  ctx->nrefs++;
  const char *k = mk_ctx_key (ctx, key, strlen (key));
  free (key);
  mk_map_put (&ctx->ref_index, k, (void *) (uintptr_t) ctx->nrefs);
  return ctx->nrefs - 1;
}

static char *
place_label (const struct mk_object *obj, const struct mk_section *sec,
             uint64_t offset)
{
  if (sec->elem)
    return mk_xasprintf ("%s+%#" PRIx64 " (%s)", sec->elem->name,
                         offset - sec->elem->sym->sym.st_value, obj->rel);
  return mk_xasprintf ("%s+%#" PRIx64 " (%s)", sec->name, offset, obj->rel);
}

static void
unsupported (struct mk_ctx *ctx, const struct mk_object *obj,
             const struct mk_section *sec, const struct mk_rela *r,
             const char *why, const char *todo)
{
  char *what = place_label (obj, sec, r->offset);
  char *w = mk_xasprintf ("%s: %s", mk_reloc_name (r->type), why);
  mk_problem (ctx, false, what, w, todo);
  free (w);
  free (what);
}

/* A RELOC entry for the place of R in SEC, as P says.  */

static void
add_reloc (struct mk_ctx *ctx, struct mk_section *sec,
           const struct mk_rela *r, const struct mk_plan *p)
{
  mk_grow (&ctx->relocs, &ctx->relocs_cap, ctx->nrelocs, sizeof *ctx->relocs);
  struct mk_reloc *rl = &ctx->relocs[ctx->nrelocs++];
  rl->sec = sec;
  rl->offset = r->offset;
  rl->type = p->type;
  rl->addend = (int32_t) p->addend;
  rl->name = p->name;
  rl->unit = p->unit;
}

/* A reference R to the target's boundary state, __ulp_thread.  */

static void
plan_thread (struct mk_ctx *ctx, struct mk_object *obj,
             struct mk_section *sec, const struct mk_rela *r,
             struct mk_plan *p)
{
  switch (r->type)
    {
    case R_X86_64_GOTPC32_TLSDESC:
      p->action = MK_TLSDESC;
      p->type = R_X86_64_PC32;
      p->addend = r->addend;
      ctx->need_state = ctx->need_tlsdesc = true;
      return;
    case R_X86_64_TLSDESC_CALL:
      p->action = MK_DROP;
      return;
    case R_X86_64_GOTTPOFF:
      p->action = MK_TLSIE;
      p->type = R_X86_64_PC32;
      /* The TP offset is the second field of the state.  */
      p->addend = r->addend + 8;
      ctx->need_state = true;
      return;
    case R_X86_64_TPOFF32:
      if (!ctx->thread_tpoff_known)
        {
          unsupported (ctx, obj, sec, r,
                       "cannot find the target's thread pointer offset "
                       "of its boundary state", NULL);
          return;
        }
      p->action = MK_CONST;
      p->value = (uint64_t) (ctx->thread_tpoff + r->addend);
      return;
    default:
      unsupported (ctx, obj, sec, r,
                   "an access to the boundary state the patch cannot "
                   "redirect", "build with the plugin's default TLS "
                   "model");
      return;
    }
}

/* A reference R inside the patch: kept as it is, if the linker can.  */

static void
check_internal (struct mk_ctx *ctx, struct mk_object *obj,
                struct mk_section *sec, const struct mk_rela *r)
{
  switch (r->type)
    {
    case R_X86_64_64:
    case R_X86_64_PC32:
    case R_X86_64_PLT32:
    case R_X86_64_PC64:
    case R_X86_64_GOTPCREL:
    case R_X86_64_GOTPCRELX:
    case R_X86_64_REX_GOTPCRELX:
    case R_X86_64_GOTPC32:
    case R_X86_64_SIZE32:
    case R_X86_64_SIZE64:
      return;
    default:
      if (mk_tls_type_p (r->type))
        {
          unsupported (ctx, obj, sec, r,
                       "a thread-local variable the patch would add",
                       "a patch cannot add thread-local variables");
          return;
        }
      unsupported (ctx, obj, sec, r, "not supported",
                   "compile with -fPIC and the small code model");
      return;
    }
}

/* A load R of the target's RES from the GOT: from the target's own GOT
   entry when it has one (a RELOC entry relative to the anchor), else
   from a REF slot of the patch.  */

static void
plan_got (struct mk_ctx *ctx, struct mk_object *obj, struct mk_section *sec,
          const struct mk_rela *r, struct mk_plan *p, const struct res *res)
{
  if (res->addend != r->addend)
    {
      /* GOT entries hold the symbol itself; an offset into the
         object cannot be expressed.  */
      unsupported (ctx, obj, sec, r, "a GOT reference with an offset",
                   NULL);
      return;
    }
  void *got = (!res->unit && ctx->anchor
               ? mk_map_get (&ctx->target.got, res->name) : NULL);
  if (got)
    {
      /* Read the target's own GOT entry.  */
      uint64_t at = (uint64_t) (uintptr_t) got - 1;
      const struct mk_elem *a = ctx->anchor;
      p->action = MK_TARGET;
      p->type = R_X86_64_PC32;
      p->name = a->name;
      p->unit = target_unit (a);
      p->addend = (int64_t) (at - a->target_addr) + r->addend;
      add_reloc (ctx, sec, r, p);
      ctx->ngots++;
      return;
    }
  p->action = MK_REF;
  p->type = R_X86_64_PC32;
  p->addend = r->addend;
  p->name = res->name;
  p->unit = res->unit;
  p->ref = ref_slot (ctx, res->name, res->unit);
}

/* A reference R to the target's RES.  */

static void
plan_target (struct mk_ctx *ctx, struct mk_object *obj,
             struct mk_section *sec, const struct mk_rela *r,
             struct mk_plan *p, const struct res *res)
{
  switch (r->type)
    {
    case R_X86_64_PC32:
    case R_X86_64_PLT32:
    case R_X86_64_64:
    case R_X86_64_32:
    case R_X86_64_32S:
      /* The last two: an absolute address of the target, which code
         built without -fPIE holds (the runtime checks it fits).  */
      if (res->addend < INT32_MIN || res->addend > INT32_MAX)
        {
          unsupported (ctx, obj, sec, r, "addend out of range", NULL);
          return;
        }
      p->action = MK_TARGET;
      p->name = res->name;
      p->unit = res->unit;
      p->addend = res->addend;
      add_reloc (ctx, sec, r, p);
      return;
    case R_X86_64_GOTPCREL:
    case R_X86_64_GOTPCRELX:
    case R_X86_64_REX_GOTPCRELX:
      plan_got (ctx, obj, sec, r, p, res);
      return;
    default:
      if (mk_tls_type_p (r->type))
        {
          char *w = mk_xasprintf ("refers to the thread-local variable %s "
                                  "of the target, which a patch cannot "
                                  "reach", res->name);
          unsupported (ctx, obj, sec, r, w,
                       "keep the change from using it");
          free (w);
          return;
        }
      unsupported (ctx, obj, sec, r, "not supported for a reference to the "
                   "target", "compile with -fPIC and the small code model");
      return;
    }
}

/* How relocation I of SEC is written: resolve it, then plan by what it
   turned out to be.  */

static void
plan_one (struct mk_ctx *ctx, struct mk_object *obj, struct mk_section *sec,
          size_t i)
{
  const struct mk_rela *r = &sec->relas[i];
  struct mk_plan *p = &sec->plan[i];
  struct res res = resolve (ctx, NULL, obj, sec, r, false);
  p->action = MK_KEEP;
  p->obj = res.obj;
  p->sym = res.sym;
  p->addend = res.addend;
  p->type = r->type;
  switch (res.kind)
    {
    case RES_ERROR:
      return;
    case RES_EXTERNAL:
      p->obj = NULL;
      p->extern_name = res.name;
      p->extern_weak = obj->syms[r->sym].bind == STB_WEAK;
      return;
    case RES_THREAD:
      plan_thread (ctx, obj, sec, r, p);
      return;
    case RES_INTERNAL:
      /* Code built without -fPIE takes its own addresses as 32-bit
         immediates, which a shared object cannot relocate: the runtime
         writes them (ULP_PATCH_ABS32).  */
      if (r->type == R_X86_64_32 || r->type == R_X86_64_32S)
        p->action = MK_ABS32;
      else
        check_internal (ctx, obj, sec, r);
      return;
    case RES_TARGET:
      plan_target (ctx, obj, sec, r, p, &res);
      return;
    }
}

/* Whether OFFSET of OBJ's .eh_frame is in a record the patch keeps.  */

static bool
eh_kept (const struct mk_object *obj, uint64_t offset)
{
  for (size_t j = 0; j < obj->neh; j++)
    if (obj->eh[j].keep && offset >= obj->eh[j].offset
        && offset < obj->eh[j].offset + obj->eh[j].size)
      return true;
  return false;
}

static void
make_plans (struct mk_ctx *ctx, struct mk_object *obj)
{
  for (size_t i = 1; i < obj->shnum; i++)
    {
      struct mk_section *sec = &obj->secs[i];
      if (!sec->include || !sec->nrelas)
        continue;
      sec->plan = mk_xcalloc (sec->nrelas, sizeof *sec->plan);
      for (size_t k = 0; k < sec->nrelas; k++)
        {
          /* Only the records the patch keeps.  */
          if (sec->kind == MK_SEC_EH && !eh_kept (obj, sec->relas[k].offset))
            {
              sec->plan[k].action = MK_DROP;
              continue;
            }
          plan_one (ctx, obj, sec, k);
        }
    }
}

/* Follow the relocations of everything included.  */

static void
close_over (struct mk_ctx *ctx, struct work *w)
{
  while (w->n > 0)
    {
      struct mk_section *sec = w->v[--w->n];
      struct mk_object *obj = sec_obj_of (ctx, sec);
      if (!obj)
        continue;
      for (size_t k = 0; k < sec->nrelas; k++)
        {
          if (sec->kind == MK_SEC_EH && !eh_kept (obj, sec->relas[k].offset))
            continue;
          resolve (ctx, w, obj, sec, &sec->relas[k], true);
        }
    }
}

/* Read the .eh_frame records of every PATCHED object and index its
   global names.  */

static bool
index_patched (struct mk_ctx *ctx)
{
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_object *obj = ctx->units[u].patched;
      if (!obj)
        continue;
      if (!parse_eh (obj))
        return false;
      for (size_t i = 0; i < obj->nelems; i++)
        {
          struct mk_elem *e = obj->elems[i];
          if (!e->local && !e->plugin)
            mk_map_put (&ctx->globals, e->name, e);
        }
    }
  return true;
}

/* The seeds: changed and new functions, new data, changed constants.
   A COMDAT function (C++ inline, template) changed in several units
   is carried once.  */

static void
seed (struct mk_ctx *ctx, struct work *w)
{
  struct mk_map comdats = { 0 };
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_object *obj = ctx->units[u].patched;
      if (!obj)
        continue;
      for (size_t i = 0; i < obj->nelems; i++)
        {
          struct mk_elem *e = obj->elems[i];
          if (e->plugin || e->initializer)
            continue;
          bool is_seed;
          if (e->kind == MK_FUNC)
            is_seed = e->status == MK_CHANGED || e->status == MK_NEW;
          else
            is_seed = e->status == MK_NEW || e->copy;
          if (!is_seed)
            continue;
          if (e->comdat && !e->local)
            {
              struct mk_elem *first = mk_map_put (&comdats, e->name, e);
              if (first)
                {
                  e->instead = first;
                  continue;
                }
            }
          include_elem (ctx, w, e);
          if (e->kind == MK_FUNC && e->status == MK_CHANGED && e->twin
              && e->twin->in_target
              && !(e->rec && e->rec->kind == ULP_KIND_COLD))
            e->replace = true;
        }
    }
  mk_map_free (&comdats);
}

/* Changed initializers are refused (mkpatch-verify.c); with --force
   they are carried, harmlessly, though they never run again.  */

static void
seed_forced_initializers (struct mk_ctx *ctx, struct work *w)
{
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_object *obj = ctx->units[u].patched;
      for (size_t i = 0; obj && i < obj->nelems; i++)
        {
          struct mk_elem *e = obj->elems[i];
          if (e->initializer && e->status == MK_CHANGED && e->twin
              && e->twin->in_target)
            {
              include_elem (ctx, w, e);
              e->replace = true;
            }
        }
    }
}

/* What each included function replaces.  */

static void
list_replaces (struct mk_ctx *ctx)
{
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_object *obj = ctx->units[u].patched;
      for (size_t i = 0; obj && i < obj->nelems; i++)
        {
          struct mk_elem *e = obj->elems[i];
          if (!e->replace || !e->include)
            continue;
          mk_grow (&ctx->replaces, &ctx->replaces_cap, ctx->nreplaces,
                   sizeof *ctx->replaces);
          struct mk_replace *rp = &ctx->replaces[ctx->nreplaces++];
          rp->repl = e;
          rp->name = e->twin->name;
          rp->unit = target_unit (e->twin);
        }
    }
}

/* The include phase: learn where the target keeps literals, seed the
   patch with what changed, close over the relocations of what is
   included, plan how each of them is written, list the replacements.  */

bool
mk_include (struct mk_ctx *ctx)
{
  mk_note (1, "phase include");
  learn (ctx);
  if (!index_patched (ctx))
    return false;
  struct work w = { 0 };
  seed (ctx, &w);
  if (ctx->opt.force)
    seed_forced_initializers (ctx, &w);
  close_over (ctx, &w);
  free (w.v);
  for (size_t u = 0; u < ctx->nunits; u++)
    if (ctx->units[u].patched)
      make_plans (ctx, ctx->units[u].patched);
  list_replaces (ctx);
  mk_note (1, "%zu replaced, %zu included, %zu RELOC entries, %zu REF "
           "slots", ctx->nreplaces, ctx->nincluded, ctx->nrelocs, ctx->nrefs);
  return true;
}
