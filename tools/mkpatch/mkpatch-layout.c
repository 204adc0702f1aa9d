/* mkpatch-layout.c -- the layout check of ulp-mkpatch's verify phase.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   A live patch changes code, never the data the process already holds.
   When a fix inserts a field into a structure, moves one, changes its
   type or renumbers an enumeration, the new code reads structures made
   before the patch at the wrong offsets, and the old code still running
   reads the new ones wrongly; nothing in the machine code comparison
   shows it (the code of every user of the type changes, and is simply
   replaced).  Only the debug information says what a type is.

   So, with debug information in ORIG and PATCHED (-g), this check reads
   the DWARF of every unit with a change, through libdwfl (which applies
   the relocations of .debug_info in an object file; libdw alone does
   not), and collects in PATCHED every type reachable -- through
   pointers, typedefs, members, arrays and function types -- from the
   functions the patch carries (their return types, parameters, local
   and inlined variables) and from every variable of static storage that
   ORIG has too (the target keeps them).  Each such structure, union,
   class or enumeration that ORIG defines under the same name, in the
   same unit (in any unit, for a unit new in PATCHED), must have the
   same layout:
   size, every member at the same offset (and bit offset) with the same
   type and size, every enumerator of ORIG with the same value (a new
   enumerator is allowed: no existing data holds it).  Each kept
   variable must keep its type.  A difference is a problem that names
   the type, the members and both offsets; --force lets it through.  A
   type only PATCHED has is new: nothing that exists can have it.

   Names are plain DWARF names, without C++ scopes: a name defined
   differently twice in the same build is ambiguous and not compared.  */

#include <config.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkpatch.h"

/* An ambiguous name in an index.  */
#define AMBIGUOUS ((void *) (uintptr_t) -1)

/* A DIE offset chain, for names with several DIEs (a function and its
   clones, static locals of the same name).  */
struct off_node
{
  Dwarf_Off off;
  struct off_node *next;
};

/* The DWARF of one object.  */
struct dw_build
{
  Dwfl *dwfl;
  Dwarf *dw;
  struct mk_map types;         /* "struct foo" -> Dwarf_Off + 1, or
                                  AMBIGUOUS.  */
  struct mk_map funcs;         /* name -> struct off_node chain.  */
  struct mk_map vars;          /* "name" or "func/name" -> Dwarf_Off + 1.  */
  char **keys;                 /* the keys, owned.  */
  size_t nkeys, keys_cap;
  struct off_node **nodes;
  size_t nnodes, nodes_cap;
};

static const char *
own_key (struct dw_build *b, char *key)
{
  mk_grow (&b->keys, &b->keys_cap, b->nkeys, sizeof *b->keys);
  b->keys[b->nkeys++] = key;
  return key;
}

/* libdwfl would look for separate debug files (and ask debuginfod) when
   an object has no DWARF of its own: an object file's is its own.  */
static int
no_separate_debuginfo (Dwfl_Module *mod, void **userdata, const char *name,
                       Dwarf_Addr base, const char *file,
                       const char *debuglink, GElf_Word crc, char **path)
{
  (void) mod, (void) userdata, (void) name, (void) base, (void) file;
  (void) debuglink, (void) crc, (void) path;
  return -1;
}

static const Dwfl_Callbacks offline_callbacks = {
  .find_debuginfo = no_separate_debuginfo,
  .section_address = dwfl_offline_section_address,
};

/* Whether OBJ has a .debug_info section at all.  */
static bool
has_debug_info (const struct mk_object *obj)
{
  for (size_t i = 1; i < obj->shnum; i++)
    if (strcmp (obj->secs[i].name, ".debug_info") == 0
        || strcmp (obj->secs[i].name, ".zdebug_info") == 0)
      return true;
  return false;
}

static const char *
die_name (Dwarf_Die *die)
{
  Dwarf_Attribute a;
  const char *n = NULL;
  if (dwarf_attr_integrate (die, DW_AT_linkage_name, &a)
      || dwarf_attr_integrate (die, DW_AT_MIPS_linkage_name, &a))
    n = dwarf_formstring (&a);
  if (!n && dwarf_attr_integrate (die, DW_AT_name, &a))
    n = dwarf_formstring (&a);
  return n;
}

static bool
die_type (Dwarf_Die *die, Dwarf_Die *type)
{
  Dwarf_Attribute a;
  return dwarf_attr_integrate (die, DW_AT_type, &a)
         && dwarf_formref_die (&a, type) != NULL;
}

static bool
is_declaration (Dwarf_Die *die)
{
  bool decl = false;
  Dwarf_Attribute a;
  if (dwarf_attr (die, DW_AT_declaration, &a))
    dwarf_formflag (&a, &decl);
  return decl;
}

static const char *
kind_word (int tag)
{
  switch (tag)
    {
    case DW_TAG_structure_type:
      return "struct";
    case DW_TAG_union_type:
      return "union";
    case DW_TAG_class_type:
      return "class";
    case DW_TAG_enumeration_type:
      return "enum";
    default:
      return NULL;
    }
}

/* The key a structure, union, class or enumeration type DIE is known
   by: "struct foo", or "typedef foo_t" for an anonymous one named by a
   typedef (TDNAME), or NULL.  malloc'ed.  */
static char *
type_key (Dwarf_Die *die, const char *tdname)
{
  const char *kw = kind_word (dwarf_tag (die));
  const char *name = dwarf_diename (die);
  if (!kw)
    return NULL;
  if (name)
    return mk_xasprintf ("%s %s", kw, name);
  if (tdname)
    return mk_xasprintf ("typedef %s", tdname);
  return NULL;
}

static void
index_type (struct dw_build *b, char *key, Dwarf_Off off)
{
  void *old = mk_map_get (&b->types, key);
  if (!old)
    mk_map_put (&b->types, own_key (b, key), (void *) (uintptr_t) (off + 1));
  else
    {
      if (old != AMBIGUOUS && (uintptr_t) old != off + 1)
        {
          /* The same name twice: fine when it is the same definition
             (type units, or a header seen by two CUs of an ld -r
             object), a guess otherwise.  Leave it out.  */
          mk_map_set (&b->types, key, AMBIGUOUS);
        }
      free (key);
    }
}

static bool
static_storage (Dwarf_Die *die)
{
  Dwarf_Attribute a;
  Dwarf_Op *ops;
  size_t n;
  if (!dwarf_attr (die, DW_AT_location, &a)
      || dwarf_getlocation (&a, &ops, &n) != 0)
    return false;
  for (size_t i = 0; i < n; i++)
    if (ops[i].atom == DW_OP_addr || ops[i].atom == DW_OP_addrx
        || ops[i].atom == DW_OP_form_tls_address
        || ops[i].atom == DW_OP_GNU_push_tls_address)
      return true;
  return false;
}

static void
index_children (struct dw_build *b, Dwarf_Die *parent, const char *func)
{
  Dwarf_Die child;
  if (dwarf_child (parent, &child) != 0)
    return;
  do
    {
      int tag = dwarf_tag (&child);
      switch (tag)
        {
        case DW_TAG_namespace:
          index_children (b, &child, func);
          break;
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
        case DW_TAG_class_type:
        case DW_TAG_enumeration_type:
          if (!is_declaration (&child))
            {
              char *key = type_key (&child, NULL);
              if (key)
                index_type (b, key, dwarf_dieoffset (&child));
              if (tag != DW_TAG_enumeration_type)
                index_children (b, &child, func);
            }
          break;
        case DW_TAG_typedef:
          {
            Dwarf_Die t;
            const char *name = dwarf_diename (&child);
            if (name && die_type (&child, &t) && kind_word (dwarf_tag (&t))
                && !dwarf_diename (&t) && !is_declaration (&t))
              index_type (b, mk_xasprintf ("typedef %s", name),
                          dwarf_dieoffset (&t));
          }
          break;
        case DW_TAG_subprogram:
          {
            Dwarf_Attribute a;
            const char *name = die_name (&child);
            bool concrete = dwarf_attr (&child, DW_AT_low_pc, &a)
                            || dwarf_attr (&child, DW_AT_ranges, &a);
            if (name && concrete)
              {
                struct off_node *n = mk_xcalloc (1, sizeof *n);
                n->off = dwarf_dieoffset (&child);
                mk_grow (&b->nodes, &b->nodes_cap, b->nnodes,
                         sizeof *b->nodes);
                b->nodes[b->nnodes++] = n;
                struct off_node *first = mk_map_get (&b->funcs, name);
                if (first)
                  {
                    n->next = first->next;
                    first->next = n;
                  }
                else
                  mk_map_put (&b->funcs, name, n);
              }
            if (concrete)
              index_children (b, &child, name ? name : "?");
          }
          break;
        case DW_TAG_lexical_block:
          index_children (b, &child, func);
          break;
        case DW_TAG_variable:
          {
            const char *name = die_name (&child);
            if (name && static_storage (&child))
              {
                char *key = func ? mk_xasprintf ("%s/%s", func, name)
                                 : mk_xstrdup (name);
                if (!mk_map_get (&b->vars, key))
                  mk_map_put (&b->vars, own_key (b, key),
                              (void *) (uintptr_t)
                                (dwarf_dieoffset (&child) + 1));
                else
                  free (key);
              }
          }
          break;
        default:
          break;
        }
    }
  while (dwarf_siblingof (&child, &child) == 0);
}

struct Dwfl *
mk_dwfl_open (const struct mk_object *obj, struct Dwfl_Module **modp,
              struct Dwarf **dwp)
{
  *dwp = NULL;
  *modp = NULL;
  if (!has_debug_info (obj))
    return NULL;
  Dwfl *dwfl = dwfl_begin (&offline_callbacks);
  if (!dwfl)
    return NULL;
  Dwfl_Module *mod = dwfl_report_offline (dwfl, obj->path, obj->path, -1);
  dwfl_report_end (dwfl, NULL, NULL);
  Dwarf_Addr bias;
  Dwarf *dw = mod ? dwfl_module_getdwarf (mod, &bias) : NULL;
  if (!dw)
    {
      mk_warning (obj->path, "cannot read its debug information (%s): "
                  "not used", dwfl_errmsg (-1));
      dwfl_end (dwfl);
      return NULL;
    }
  *modp = mod;
  *dwp = dw;
  return dwfl;
}

/* Open the DWARF of OBJ into B; false when it has none.  */
static bool
open_build (struct dw_build *b, const struct mk_object *obj)
{
  memset (b, 0, sizeof *b);
  Dwfl_Module *mod;
  b->dwfl = mk_dwfl_open (obj, &mod, &b->dw);
  if (!b->dwfl)
    return false;
  Dwarf_CU *cu = NULL;
  Dwarf_Die cudie;
  uint8_t unit_type;
  while (dwarf_get_units (b->dw, cu, &cu, NULL, &unit_type, &cudie, NULL)
         == 0)
    index_children (b, &cudie, NULL);
  return true;
}

static void
close_build (struct dw_build *b)
{
  for (size_t i = 0; i < b->nkeys; i++)
    free (b->keys[i]);
  free (b->keys);
  for (size_t i = 0; i < b->nnodes; i++)
    free (b->nodes[i]);
  free (b->nodes);
  mk_map_free (&b->types);
  mk_map_free (&b->funcs);
  mk_map_free (&b->vars);
  if (b->dwfl)
    dwfl_end (b->dwfl);
  memset (b, 0, sizeof *b);
}

/* ------------------------------------------------------------------ */
/* The types PATCHED's carried code and kept variables reach.          */
/* ------------------------------------------------------------------ */

struct reached
{
  Dwarf_Off off;               /* in PATCHED.  */
  char *key;
  const char *user;            /* the first function or variable reaching
                                  it, for the message.  */
};

struct walk
{
  struct dw_build *b;
  struct mk_map seen;          /* "offset" -> 1.  */
  char **seen_keys;
  size_t nseen, seen_cap;
  struct reached *types;
  size_t ntypes, types_cap;
  const char *user;
};

static bool
first_visit (struct walk *w, Dwarf_Off off)
{
  char key[32];
  snprintf (key, sizeof key, "%" PRIx64, (uint64_t) off);
  if (mk_map_get (&w->seen, key))
    return false;
  char *k = mk_xstrdup (key);
  mk_grow (&w->seen_keys, &w->seen_cap, w->nseen, sizeof *w->seen_keys);
  w->seen_keys[w->nseen++] = k;
  mk_map_put (&w->seen, k, (void *) 1);
  return true;
}

static void
reach_type (struct walk *w, Dwarf_Die *t, const char *tdname, int depth)
{
  if (depth > 64 || !first_visit (w, dwarf_dieoffset (t)))
    return;
  Dwarf_Die sub, child;
  int tag = dwarf_tag (t);
  switch (tag)
    {
    case DW_TAG_typedef:
      if (die_type (t, &sub))
        reach_type (w, &sub, dwarf_diename (t), depth + 1);
      break;
    case DW_TAG_structure_type:
    case DW_TAG_union_type:
    case DW_TAG_class_type:
    case DW_TAG_enumeration_type:
      if (is_declaration (t))
        break;
      {
        char *key = type_key (t, tdname);
        if (key)
          {
            mk_grow (&w->types, &w->types_cap, w->ntypes, sizeof *w->types);
            w->types[w->ntypes].off = dwarf_dieoffset (t);
            w->types[w->ntypes].key = key;
            w->types[w->ntypes].user = w->user;
            w->ntypes++;
          }
      }
      if (tag != DW_TAG_enumeration_type && dwarf_child (t, &child) == 0)
        do
          if ((dwarf_tag (&child) == DW_TAG_member
               || dwarf_tag (&child) == DW_TAG_inheritance)
              && die_type (&child, &sub))
            reach_type (w, &sub, NULL, depth + 1);
        while (dwarf_siblingof (&child, &child) == 0);
      break;
    case DW_TAG_subroutine_type:
      if (die_type (t, &sub))
        reach_type (w, &sub, NULL, depth + 1);
      if (dwarf_child (t, &child) == 0)
        do
          if (die_type (&child, &sub))
            reach_type (w, &sub, NULL, depth + 1);
        while (dwarf_siblingof (&child, &child) == 0);
      break;
    default:
      /* Pointers, references, qualifiers, arrays, pointers to
         members: what they are made of.  */
      if (die_type (t, &sub))
        reach_type (w, &sub, NULL, depth + 1);
      break;
    }
}

/* The types of DIE and of everything in it (a function's parameters,
   variables, blocks, inlined calls), following abstract origins: an
   inlined call's variables and a clone's parameters are described by
   their origin.  */
static void
reach_code (struct walk *w, Dwarf_Die *die, int depth)
{
  if (depth > 64 || !first_visit (w, dwarf_dieoffset (die)))
    return;
  Dwarf_Die t, child, origin;
  Dwarf_Attribute a;
  if (die_type (die, &t))
    reach_type (w, &t, NULL, 0);
  if (dwarf_attr (die, DW_AT_abstract_origin, &a)
      && dwarf_formref_die (&a, &origin))
    reach_code (w, &origin, depth + 1);
  if (dwarf_attr (die, DW_AT_specification, &a)
      && dwarf_formref_die (&a, &origin))
    reach_code (w, &origin, depth + 1);
  if (dwarf_child (die, &child) != 0)
    return;
  do
    switch (dwarf_tag (&child))
      {
      case DW_TAG_formal_parameter:
      case DW_TAG_variable:
      case DW_TAG_lexical_block:
      case DW_TAG_inlined_subroutine:
      case DW_TAG_call_site:
      case DW_TAG_GNU_call_site:
        reach_code (w, &child, depth + 1);
        break;
      default:
        break;
      }
  while (dwarf_siblingof (&child, &child) == 0);
}

/* ------------------------------------------------------------------ */
/* Comparing two definitions.                                          */
/* ------------------------------------------------------------------ */

/* A text buffer.  */
struct buf
{
  char *s;
  size_t len, cap;
  size_t items;                /* "; "-separated items in a diff.  */
};

static void
buf_vadd (struct buf *b, const char *fmt, va_list ap)
{
  char *s;
  if (vasprintf (&s, fmt, ap) < 0)
    abort ();
  size_t n = strlen (s);
  if (b->len + n + 1 > b->cap)
    {
      b->cap = (b->len + n + 1) * 2;
      b->s = mk_xrealloc (b->s, b->cap);
    }
  memcpy (b->s + b->len, s, n + 1);
  b->len += n;
  free (s);
}

static void
buf_add (struct buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  buf_vadd (b, fmt, ap);
  va_end (ap);
}

/* One difference; only the first few are spelled out.  */
enum { MAX_ITEMS = 4 };

static void
diff_item (struct buf *d, const char *fmt, ...)
{
  d->items++;
  if (d->items > MAX_ITEMS)
    return;
  if (d->items > 1)
    buf_add (d, "; ");
  va_list ap;
  va_start (ap, fmt);
  buf_vadd (d, fmt, ap);
  va_end (ap);
}

/* A readable name of type T ("struct foo *", "const char [16]").  */
static void
type_name (struct buf *b, Dwarf_Die *t, int depth)
{
  Dwarf_Die sub;
  bool has = t && die_type (t, &sub);
  if (!t)
    {
      buf_add (b, "void");
      return;
    }
  if (depth > 8)
    {
      buf_add (b, "...");
      return;
    }
  const char *name = dwarf_diename (t);
  int tag = dwarf_tag (t);
  const char *kw = kind_word (tag);
  switch (tag)
    {
    case DW_TAG_base_type:
    case DW_TAG_typedef:
    case DW_TAG_unspecified_type:
      buf_add (b, "%s", name ? name : "?");
      break;
    case DW_TAG_structure_type:
    case DW_TAG_union_type:
    case DW_TAG_class_type:
    case DW_TAG_enumeration_type:
      buf_add (b, "%s %s", kw, name ? name : "{...}");
      break;
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
    case DW_TAG_rvalue_reference_type:
      type_name (b, has ? &sub : NULL, depth + 1);
      buf_add (b, tag == DW_TAG_pointer_type ? " *"
                  : tag == DW_TAG_reference_type ? " &" : " &&");
      break;
    case DW_TAG_const_type:
    case DW_TAG_volatile_type:
    case DW_TAG_restrict_type:
    case DW_TAG_atomic_type:
      buf_add (b, "%s ", tag == DW_TAG_const_type ? "const"
                         : tag == DW_TAG_volatile_type ? "volatile"
                         : tag == DW_TAG_restrict_type ? "restrict"
                         : "_Atomic");
      type_name (b, has ? &sub : NULL, depth + 1);
      break;
    case DW_TAG_array_type:
      {
        type_name (b, has ? &sub : NULL, depth + 1);
        Dwarf_Die child;
        if (dwarf_child (t, &child) == 0)
          do
            if (dwarf_tag (&child) == DW_TAG_subrange_type)
              {
                Dwarf_Attribute a;
                Dwarf_Word n;
                if (dwarf_attr (&child, DW_AT_count, &a)
                    && dwarf_formudata (&a, &n) == 0)
                  buf_add (b, "[%" PRIu64 "]", (uint64_t) n);
                else if (dwarf_attr (&child, DW_AT_upper_bound, &a)
                         && dwarf_formudata (&a, &n) == 0)
                  buf_add (b, "[%" PRIu64 "]", (uint64_t) n + 1);
                else
                  buf_add (b, "[]");
              }
          while (dwarf_siblingof (&child, &child) == 0);
      }
      break;
    case DW_TAG_subroutine_type:
      {
        buf_add (b, "function (");
        Dwarf_Die child, pt;
        bool first = true;
        if (dwarf_child (t, &child) == 0)
          do
            if (dwarf_tag (&child) == DW_TAG_formal_parameter)
              {
                if (!first)
                  buf_add (b, ", ");
                first = false;
                type_name (b, die_type (&child, &pt) ? &pt : NULL, depth + 1);
              }
            else if (dwarf_tag (&child) == DW_TAG_unspecified_parameters)
              buf_add (b, first ? "..." : ", ...");
          while (dwarf_siblingof (&child, &child) == 0);
        buf_add (b, ") returning ");
        type_name (b, has ? &sub : NULL, depth + 1);
      }
      break;
    default:
      buf_add (b, "%s", name ? name : "?");
      break;
    }
}

static char *
type_string (Dwarf_Die *t)
{
  struct buf b = { 0 };
  type_name (&b, t, 0);
  return b.s ? b.s : mk_xstrdup ("?");
}

/* The size of T in bytes, or -1.  */
static int64_t
type_size (Dwarf_Die *t)
{
  Dwarf_Word n;
  Dwarf_Die peeled;
  if (dwarf_aggregate_size (t, &n) == 0)
    return (int64_t) n;
  if (dwarf_peel_type (t, &peeled) == 0)
    {
      if (dwarf_tag (&peeled) == DW_TAG_pointer_type
          || dwarf_tag (&peeled) == DW_TAG_reference_type
          || dwarf_tag (&peeled) == DW_TAG_rvalue_reference_type)
        return 8;
      Dwarf_Attribute a;
      if (dwarf_attr (&peeled, DW_AT_byte_size, &a)
          && dwarf_formudata (&a, &n) == 0)
        return (int64_t) n;
    }
  return -1;
}

/* A member of a structure, union or class.  */
struct member
{
  char *name;                  /* "x", "<anonymous 2>", "base foo".  */
  int64_t bit_offset;          /* from the start of the object.  */
  int64_t bit_size;            /* 0 unless a bit-field.  */
  Dwarf_Die die;
  Dwarf_Die type;
  bool has_type;
  bool matched;
};

static size_t
read_members (Dwarf_Die *t, struct member **out)
{
  struct member *m = NULL;
  size_t n = 0, cap = 0, anon = 0;
  Dwarf_Die child;
  if (dwarf_child (t, &child) == 0)
    do
      {
        int tag = dwarf_tag (&child);
        if (tag != DW_TAG_member && tag != DW_TAG_inheritance)
          continue;
        if (tag == DW_TAG_member && is_declaration (&child))
          continue;             /* a C++ static data member.  */
        mk_grow (&m, &cap, n, sizeof *m);
        struct member *x = &m[n++];
        memset (x, 0, sizeof *x);
        x->die = child;
        x->has_type = die_type (&child, &x->type);
        const char *name = dwarf_diename (&child);
        if (tag == DW_TAG_inheritance)
          {
            char *tn = x->has_type ? type_string (&x->type) : mk_xstrdup ("?");
            x->name = mk_xasprintf ("base %s", tn);
            free (tn);
          }
        else if (name)
          x->name = mk_xstrdup (name);
        else
          x->name = mk_xasprintf ("<anonymous %zu>", ++anon);
        Dwarf_Attribute a;
        Dwarf_Word v;
        if (dwarf_attr (&child, DW_AT_data_member_location, &a)
            && dwarf_formudata (&a, &v) == 0)
          x->bit_offset = (int64_t) v * 8;
        if (dwarf_attr (&child, DW_AT_data_bit_offset, &a)
            && dwarf_formudata (&a, &v) == 0)
          x->bit_offset += (int64_t) v;
        if (dwarf_attr (&child, DW_AT_bit_size, &a)
            && dwarf_formudata (&a, &v) == 0)
          x->bit_size = (int64_t) v;
      }
    while (dwarf_siblingof (&child, &child) == 0);
  *out = m;
  return n;
}

static void
free_members (struct member *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (m[i].name);
  free (m);
}

/* "offset 88", or "offset 88 bit 3" for a bit-field.  */
static char *
offset_text (const struct member *m)
{
  if (m->bit_size || m->bit_offset % 8)
    return mk_xasprintf ("offset %" PRId64 " bit %" PRId64,
                         m->bit_offset / 8, m->bit_offset % 8);
  return mk_xasprintf ("offset %" PRId64, m->bit_offset / 8);
}

static void diff_types (struct buf *d, Dwarf_Die *o, Dwarf_Die *p,
                        const char *prefix, int depth);

/* Whether T, with typedefs and qualifiers peeled, is a structure or
   union without a name (compared as part of its container).  */
static bool
anonymous_aggregate (Dwarf_Die *t, Dwarf_Die *out)
{
  if (dwarf_peel_type (t, out) != 0)
    return false;
  int tag = dwarf_tag (out);
  return (tag == DW_TAG_structure_type || tag == DW_TAG_union_type
          || tag == DW_TAG_class_type)
         && !dwarf_diename (out) && dwarf_diename (t) == NULL;
}

static void
diff_members (struct buf *d, Dwarf_Die *o, Dwarf_Die *p, const char *prefix,
              int depth)
{
  struct member *om, *pm;
  size_t on = read_members (o, &om), pn = read_members (p, &pm);
  for (size_t i = 0; i < pn; i++)
    {
      struct member *x = &pm[i], *y = NULL;
      for (size_t k = 0; k < on && !y; k++)
        if (!om[k].matched && strcmp (om[k].name, x->name) == 0)
          y = &om[k];
      char *poff = offset_text (x);
      if (!y)
        {
          diff_item (d, "new member %s%s at %s", prefix, x->name, poff);
          free (poff);
          continue;
        }
      y->matched = true;
      char *ooff = offset_text (y);
      if (x->bit_offset != y->bit_offset || x->bit_size != y->bit_size)
        diff_item (d, "member %s%s moved from %s to %s", prefix, x->name,
                   ooff, poff);
      char *ot = y->has_type ? type_string (&y->type) : mk_xstrdup ("void");
      char *pt = x->has_type ? type_string (&x->type) : mk_xstrdup ("void");
      int64_t os = y->has_type ? type_size (&y->type) : -1;
      int64_t ps = x->has_type ? type_size (&x->type) : -1;
      Dwarf_Die oa, pa;
      if (strcmp (ot, pt) != 0)
        diff_item (d, "member %s%s (at %s) was %s, now %s", prefix, x->name,
                   poff, ot, pt);
      else if (os != ps)
        diff_item (d, "member %s%s (at %s, %s) was %" PRId64 " bytes, now "
                   "%" PRId64, prefix, x->name, poff, pt, os, ps);
      else if (x->has_type && y->has_type && depth < 16
               && anonymous_aggregate (&y->type, &oa)
               && anonymous_aggregate (&x->type, &pa))
        {
          char *sub = mk_xasprintf ("%s%s.", prefix, x->name);
          diff_types (d, &oa, &pa, sub, depth + 1);
          free (sub);
        }
      free (ot);
      free (pt);
      free (ooff);
      free (poff);
    }
  for (size_t k = 0; k < on; k++)
    if (!om[k].matched)
      {
        char *ooff = offset_text (&om[k]);
        diff_item (d, "member %s%s (at %s) removed", prefix, om[k].name,
                   ooff);
        free (ooff);
      }
  free_members (om, on);
  free_members (pm, pn);
}

static void
diff_enums (struct buf *d, Dwarf_Die *o, Dwarf_Die *p)
{
  Dwarf_Die oc, pc;
  if (dwarf_child (o, &oc) != 0)
    return;
  do
    {
      if (dwarf_tag (&oc) != DW_TAG_enumerator)
        continue;
      const char *name = dwarf_diename (&oc);
      Dwarf_Attribute a;
      Dwarf_Sword ov = 0, pv = 0;
      if (!name || !dwarf_attr (&oc, DW_AT_const_value, &a)
          || dwarf_formsdata (&a, &ov) != 0)
        continue;
      bool found = false;
      if (dwarf_child (p, &pc) == 0)
        do
          {
            const char *pn = dwarf_diename (&pc);
            if (dwarf_tag (&pc) == DW_TAG_enumerator && pn
                && strcmp (pn, name) == 0)
              {
                found = true;
                if (dwarf_attr (&pc, DW_AT_const_value, &a)
                    && dwarf_formsdata (&a, &pv) == 0 && pv != ov)
                  diff_item (d, "enumerator %s was %" PRId64 ", now %"
                             PRId64, name, (int64_t) ov, (int64_t) pv);
                break;
              }
          }
        while (dwarf_siblingof (&pc, &pc) == 0);
      if (!found)
        diff_item (d, "enumerator %s (%" PRId64 ") removed", name,
                   (int64_t) ov);
    }
  while (dwarf_siblingof (&oc, &oc) == 0);
}

/* Add to D how the layout of P (PATCHED) differs from O's (ORIG).  */
static void
diff_types (struct buf *d, Dwarf_Die *o, Dwarf_Die *p, const char *prefix,
            int depth)
{
  int ot = dwarf_tag (o), pt = dwarf_tag (p);
  if (ot != pt)
    {
      diff_item (d, "%s%s was a %s, now a %s", *prefix ? "member " : "",
                 prefix, kind_word (ot) ? kind_word (ot) : "?",
                 kind_word (pt) ? kind_word (pt) : "?");
      return;
    }
  Dwarf_Word os = 0, ps = 0;
  Dwarf_Attribute a;
  if (dwarf_attr (o, DW_AT_byte_size, &a))
    dwarf_formudata (&a, &os);
  if (dwarf_attr (p, DW_AT_byte_size, &a))
    dwarf_formudata (&a, &ps);
  if (ot == DW_TAG_enumeration_type)
    diff_enums (d, o, p);
  else
    diff_members (d, o, p, prefix, depth);
  if (os != ps)
    diff_item (d, "%s%ssize %" PRIu64 " -> %" PRIu64, prefix,
               *prefix ? " " : "", (uint64_t) os, (uint64_t) ps);
}

/* ------------------------------------------------------------------ */
/* The check.                                                          */
/* ------------------------------------------------------------------ */

/* The ORIG definition of KEY: in the unit's own ORIG build, or, for a
   unit new in PATCHED, in any (a type the unit's own ORIG does not
   define is new there, whatever another unit calls by the same name).  */
static bool
orig_type (struct dw_build *orig, size_t norig, size_t self, const char *key,
           Dwarf_Die *out)
{
  size_t passes = self < norig && orig[self].dw ? 1 : 2;
  for (size_t pass = 0; pass < passes; pass++)
    for (size_t i = 0; i < norig; i++)
      {
        if ((pass == 0) != (i == self) || !orig[i].dw)
          continue;
        void *v = mk_map_get (&orig[i].types, key);
        if (v == AMBIGUOUS)
          return false;
        if (v && dwarf_offdie (orig[i].dw, (Dwarf_Off) ((uintptr_t) v - 1),
                               out))
          return true;
      }
  return false;
}

static const char *
unit_name (const struct mk_unit *u)
{
  const struct mk_object *o = u->patched ? u->patched : u->orig;
  return o->unit ? o->unit : u->rel;
}

/* Whether anything of unit U changed, so that its types matter.  */
static bool
unit_changed (const struct mk_unit *u)
{
  if (!u->patched)
    return false;
  for (size_t i = 0; i < u->patched->nelems; i++)
    {
      const struct mk_elem *e = u->patched->elems[i];
      if (!e->plugin && (e->include || e->status != MK_UNCHANGED))
        return true;
    }
  return false;
}

static void
check_unit (struct mk_ctx *ctx, struct dw_build *orig, size_t norig,
            size_t self, struct dw_build *pb, struct mk_unit *u,
            struct mk_map *reported)
{
  struct walk w = { .b = pb };
  /* The functions the patch carries.  */
  for (size_t i = 0; i < u->patched->nelems; i++)
    {
      struct mk_elem *e = u->patched->elems[i];
      if (e->kind != MK_FUNC || !e->include || e->plugin)
        continue;
      /* A clone or cold part is described by its function's DIE, under
         the function's name.  */
      char *base = mk_xstrdup (e->name);
      char *dot = strchr (base, '.');
      if (dot && dot != base)
        *dot = '\0';
      w.user = e->name;
      for (struct off_node *n = mk_map_get (&pb->funcs, base); n; n = n->next)
        {
          Dwarf_Die die;
          if (dwarf_offdie (pb->dw, n->off, &die))
            reach_code (&w, &die, 0);
        }
      free (base);
    }
  /* The variables of static storage both builds have: the target keeps
     them, with their values, in ORIG's layout.  */
  for (size_t i = 0; i < pb->vars.cap; i++)
    {
      if (!pb->vars.keys || !pb->vars.keys[i])
        continue;
      const char *key = pb->vars.keys[i];
      void *ov = self < norig && orig[self].dw
                 ? mk_map_get (&orig[self].vars, key) : NULL;
      if (!ov)
        continue;
      Dwarf_Die pd, od, pt, ot;
      if (!dwarf_offdie (pb->dw, (Dwarf_Off) ((uintptr_t) pb->vars.vals[i] - 1),
                         &pd)
          || !dwarf_offdie (orig[self].dw, (Dwarf_Off) ((uintptr_t) ov - 1),
                            &od))
        continue;
      bool hp = die_type (&pd, &pt), ho = die_type (&od, &ot);
      char *ps = hp ? type_string (&pt) : mk_xstrdup ("void");
      char *os = ho ? type_string (&ot) : mk_xstrdup ("void");
      if (strcmp (ps, os) != 0)
        {
          char *what = mk_xasprintf ("%s (%s)", key, unit_name (u));
          char *why = mk_xasprintf ("the type of existing data changed "
                                    "(was %s, now %s): the running process "
                                    "holds it as the old type", os, ps);
          mk_problem (ctx, true, what, why,
                      "keep the variable's type, and put new state in a "
                      "new variable (see the manual, Changing data layouts)");
          free (what);
          free (why);
        }
      free (ps);
      free (os);
      if (hp)
        {
          w.user = key;
          reach_type (&w, &pt, NULL, 0);
        }
    }

  size_t checked = 0;
  for (size_t i = 0; i < w.ntypes; i++)
    {
      struct reached *r = &w.types[i];
      Dwarf_Die p, o;
      if (mk_map_get (reported, r->key) || !dwarf_offdie (pb->dw, r->off, &p))
        continue;
      if (!orig_type (orig, norig, self, r->key, &o))
        {
          mk_note (2, "%s: %s is new (or defined twice): not compared",
                   unit_name (u), r->key);
          continue;
        }
      checked++;
      struct buf d = { 0 };
      diff_types (&d, &o, &p, "", 0);
      if (d.items)
        {
          if (d.items > MAX_ITEMS)
            buf_add (&d, "; and %zu more", d.items - MAX_ITEMS);
          char *what = mk_xasprintf ("%s (%s)", r->key, unit_name (u));
          char *why = mk_xasprintf ("the layout of a type that existing data "
                                    "can have changed (%s), and %s uses it: "
                                    "data made before the patch is in the old "
                                    "layout, and code old and new would read "
                                    "it differently", d.s, r->user);
          mk_problem (ctx, true, what, why,
                      "keep the type's layout, and put new fields in a "
                      "shadow variable or a new allocation (see the manual, "
                      "Changing data layouts)");
          free (what);
          free (why);
          mk_map_put (reported, mk_xstrdup (r->key), (void *) 1);
        }
      free (d.s);
    }
  mk_note (1, "%s: %zu types compared with ORIG's", unit_name (u), checked);
  for (size_t i = 0; i < w.ntypes; i++)
    free (w.types[i].key);
  free (w.types);
  for (size_t i = 0; i < w.nseen; i++)
    free (w.seen_keys[i]);
  free (w.seen_keys);
  mk_map_free (&w.seen);
}

void
mk_check_layouts (struct mk_ctx *ctx)
{
  size_t n = ctx->nunits, without = 0, with = 0;
  bool any = false;
  for (size_t u = 0; u < n; u++)
    any |= unit_changed (&ctx->units[u]);
  if (!any)
    return;
  /* ORIG's DWARF of every unit: a changed unit may use a type that only
     another unit defines in full.  */
  struct dw_build *orig = mk_xcalloc (n, sizeof *orig);
  for (size_t u = 0; u < n; u++)
    if (ctx->units[u].orig)
      open_build (&orig[u], ctx->units[u].orig);
  struct mk_map reported = { 0 };
  for (size_t u = 0; u < n; u++)
    {
      struct mk_unit *unit = &ctx->units[u];
      if (!unit_changed (unit))
        continue;
      struct dw_build pb;
      if (!open_build (&pb, unit->patched)
          || (unit->orig && !orig[u].dw))
        {
          without++;
          close_build (&pb);
          continue;
        }
      with++;
      check_unit (ctx, orig, n, u, &pb, unit, &reported);
      close_build (&pb);
    }
  if (without)
    {
      if (with == 0)
        mk_note (0, "note: ORIG and PATCHED have no debug information "
                 "(compile with -g): the layouts of data types were not "
                 "checked");
      else
        mk_note (0, "note: %zu of %zu changed units have no debug "
                 "information in ORIG or PATCHED (compile with -g): the "
                 "layouts of their data types were not checked",
                 without, without + with);
    }
  for (size_t i = 0; i < reported.cap; i++)
    if (reported.keys && reported.keys[i])
      free ((char *) reported.keys[i]);
  mk_map_free (&reported);
  for (size_t u = 0; u < n; u++)
    close_build (&orig[u]);
  free (orig);
}
