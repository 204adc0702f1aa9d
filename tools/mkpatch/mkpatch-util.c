/* mkpatch-util.c -- small helpers shared by the phases of ulp-mkpatch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Memory allocation that gives up cleanly, a string-keyed hash table
   (objects such as the SQLite amalgamation have thousands of symbols,
   so lookups by name must not be linear), diagnostics in the
   `ulp-mkpatch: context: message' form, and facts about x86-64
   relocation types that several phases need.  */

#include <config.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkpatch.h"
#include "tool-report.h"

int mk_verbose;

static void __attribute__ ((noreturn))
out_of_memory (void)
{
  tool_error ("out of memory");
  exit (MK_EXIT_TROUBLE);
}

void *
mk_xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);
  if (!p)
    out_of_memory ();
  return p;
}

void *
mk_xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size ? size : 1);
  if (!p)
    out_of_memory ();
  return p;
}

void *
mk_xrealloc (void *p, size_t n)
{
  p = realloc (p, n ? n : 1);
  if (!p)
    out_of_memory ();
  return p;
}

char *
mk_xstrdup (const char *s)
{
  char *p = strdup (s);
  if (!p)
    out_of_memory ();
  return p;
}

char *
mk_xasprintf (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s;
  int r = vasprintf (&s, fmt, ap);
  va_end (ap);
  if (r < 0)
    out_of_memory ();
  return s;
}

void
mk_grow (void *p, size_t *cap, size_t n, size_t size)
{
  void **pp = p;
  if (n < *cap)
    return;
  size_t c = *cap ? *cap * 2 : 16;
  while (c <= n)
    c *= 2;
  *pp = mk_xrealloc (*pp, c * size);
  memset ((char *) *pp + *cap * size, 0, (c - *cap) * size);
  *cap = c;
}

/* Hash table: open addressing, linear probing, FNV-1a.  */

static size_t
hash (const char *s)
{
  uint64_t h = 14695981039346656037ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 1099511628211ULL;
  return (size_t) h;
}

void *
mk_map_get (const struct mk_map *m, const char *key)
{
  if (m->cap == 0)
    return NULL;
  for (size_t i = hash (key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
    {
      if (!m->keys[i])
        return NULL;
      if (strcmp (m->keys[i], key) == 0)
        return m->vals[i];
    }
}

static void
map_resize (struct mk_map *m, size_t cap)
{
  const char **keys = m->keys;
  void **vals = m->vals;
  size_t old = m->cap;
  m->keys = mk_xcalloc (cap, sizeof *m->keys);
  m->vals = mk_xcalloc (cap, sizeof *m->vals);
  m->cap = cap;
  for (size_t i = 0; i < old; i++)
    if (keys[i])
      {
        size_t j = hash (keys[i]) & (cap - 1);
        while (m->keys[j])
          j = (j + 1) & (cap - 1);
        m->keys[j] = keys[i];
        m->vals[j] = vals[i];
      }
  free (keys);
  free (vals);
}

void *
mk_map_put (struct mk_map *m, const char *key, void *val)
{
  if (2 * (m->n + 1) > m->cap)
    map_resize (m, m->cap ? 2 * m->cap : 64);
  size_t i = hash (key) & (m->cap - 1);
  for (; m->keys[i]; i = (i + 1) & (m->cap - 1))
    if (strcmp (m->keys[i], key) == 0)
      return m->vals[i];
  m->keys[i] = key;
  m->vals[i] = val;
  m->n++;
  return NULL;
}

void
mk_map_set (struct mk_map *m, const char *key, void *val)
{
  if (mk_map_put (m, key, val) == NULL)
    return;
  for (size_t i = hash (key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
    if (strcmp (m->keys[i], key) == 0)
      {
        m->vals[i] = val;
        return;
      }
}

void
mk_map_free (struct mk_map *m)
{
  free (m->keys);
  free (m->vals);
  memset (m, 0, sizeof *m);
}

/* Diagnostics.  */

/* `ulp-mkpatch: [CONTEXT: ][KIND: ]MESSAGE', through the programs'
   common reporting (tool-report.h), which makes the prefix.  */
static void
vreport (const char *kind, const char *context, const char *fmt, va_list ap)
{
  char *msg = NULL;
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  tool_error ("%s%s%s%s%s", context ? context : "", context ? ": " : "",
              kind ? kind : "", kind ? ": " : "",
              msg ? msg : "out of memory");
  free (msg);
}

void
mk_error (const char *context, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vreport (NULL, context, fmt, ap);
  va_end (ap);
}

void
mk_warning (const char *context, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vreport ("warning", context, fmt, ap);
  va_end (ap);
}

void
mk_note (int level, const char *fmt, ...)
{
  if (mk_verbose < level)
    return;
  va_list ap;
  va_start (ap, fmt);
  tool_vsay (0, fmt, ap);
  va_end (ap);
}

char *
mk_unnumbered (const char *name)
{
  char *out = mk_xmalloc (strlen (name) + 1);
  char *o = out;
  for (const char *p = name; *p;)
    {
      if (p[0] == '.' && isdigit ((unsigned char) p[1]))
        {
          const char *q = p + 1;
          while (isdigit ((unsigned char) *q))
            q++;
          /* Only a whole component: "foo.1x" keeps its digits.  */
          if (*q == '\0' || *q == '.')
            {
              p = q;
              continue;
            }
        }
      *o++ = *p++;
    }
  *o = '\0';
  return out;
}

uint32_t
mk_get32 (const unsigned char *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
         | (uint32_t) p[3] << 24;
}

uint64_t
mk_get64 (const unsigned char *p)
{
  return (uint64_t) mk_get32 (p) | (uint64_t) mk_get32 (p + 4) << 32;
}

void
mk_put32 (unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char) v;
  p[1] = (unsigned char) (v >> 8);
  p[2] = (unsigned char) (v >> 16);
  p[3] = (unsigned char) (v >> 24);
}

void
mk_put64 (unsigned char *p, uint64_t v)
{
  mk_put32 (p, (uint32_t) v);
  mk_put32 (p + 4, (uint32_t) (v >> 32));
}

unsigned
mk_reloc_width (uint32_t type)
{
  switch (type)
    {
    case R_X86_64_64:
    case R_X86_64_PC64:
    case R_X86_64_GOTOFF64:
    case R_X86_64_GOTPC64:
    case R_X86_64_GOT64:
    case R_X86_64_GOTPCREL64:
    case R_X86_64_GOTPLT64:
    case R_X86_64_PLTOFF64:
    case R_X86_64_DTPOFF64:
    case R_X86_64_TPOFF64:
    case R_X86_64_DTPMOD64:
    case R_X86_64_SIZE64:
      return 8;
    case R_X86_64_PC32:
    case R_X86_64_PLT32:
    case R_X86_64_32:
    case R_X86_64_32S:
    case R_X86_64_GOT32:
    case R_X86_64_GOTPCREL:
    case R_X86_64_GOTPCRELX:
    case R_X86_64_REX_GOTPCRELX:
    case R_X86_64_GOTPC32:
    case R_X86_64_TLSGD:
    case R_X86_64_TLSLD:
    case R_X86_64_DTPOFF32:
    case R_X86_64_GOTTPOFF:
    case R_X86_64_TPOFF32:
    case R_X86_64_GOTPC32_TLSDESC:
    case R_X86_64_SIZE32:
      return 4;
    case R_X86_64_16:
    case R_X86_64_PC16:
      return 2;
    case R_X86_64_8:
    case R_X86_64_PC8:
      return 1;
    default:
      return 0;
    }
}

const char *
mk_reloc_name (uint32_t type)
{
  static const struct
  {
    uint32_t type;
    const char *name;
  } names[] = {
#define N(t) { t, #t }
    N (R_X86_64_NONE), N (R_X86_64_64), N (R_X86_64_PC32),
    N (R_X86_64_GOT32), N (R_X86_64_PLT32), N (R_X86_64_GOTPCREL),
    N (R_X86_64_32), N (R_X86_64_32S), N (R_X86_64_16), N (R_X86_64_PC16),
    N (R_X86_64_8), N (R_X86_64_PC8), N (R_X86_64_DTPMOD64),
    N (R_X86_64_DTPOFF64), N (R_X86_64_TPOFF64), N (R_X86_64_TLSGD),
    N (R_X86_64_TLSLD), N (R_X86_64_DTPOFF32), N (R_X86_64_GOTTPOFF),
    N (R_X86_64_TPOFF32), N (R_X86_64_PC64), N (R_X86_64_GOTOFF64),
    N (R_X86_64_GOTPC32), N (R_X86_64_GOT64), N (R_X86_64_GOTPCREL64),
    N (R_X86_64_GOTPC64), N (R_X86_64_GOTPLT64), N (R_X86_64_PLTOFF64),
    N (R_X86_64_SIZE32), N (R_X86_64_SIZE64),
    N (R_X86_64_GOTPC32_TLSDESC), N (R_X86_64_TLSDESC_CALL),
    N (R_X86_64_GOTPCRELX), N (R_X86_64_REX_GOTPCRELX)
#undef N
  };
  static char buf[32];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].type == type)
      return names[i].name;
  snprintf (buf, sizeof buf, "type %u", type);
  return buf;
}

bool
mk_tls_type_p (uint32_t type)
{
  switch (type)
    {
    case R_X86_64_TLSGD:
    case R_X86_64_TLSLD:
    case R_X86_64_DTPOFF32:
    case R_X86_64_DTPOFF64:
    case R_X86_64_GOTTPOFF:
    case R_X86_64_TPOFF32:
    case R_X86_64_TPOFF64:
    case R_X86_64_DTPMOD64:
    case R_X86_64_GOTPC32_TLSDESC:
    case R_X86_64_TLSDESC_CALL:
      return true;
    default:
      return false;
    }
}

char *
mk_elem_label (const struct mk_elem *e)
{
  if (e->local && e->obj && e->obj->unit)
    return mk_xasprintf ("%s (%s)", e->name, e->obj->unit);
  return mk_xstrdup (e->name);
}

void
mk_problem (struct mk_ctx *ctx, bool forceable, const char *what,
            const char *why, const char *todo)
{
  /* One report per thing and reason, however many references say it.  */
  for (size_t i = 0; i < ctx->nproblems; i++)
    if (strcmp (ctx->problems[i].what, what) == 0
        && strcmp (ctx->problems[i].why, why) == 0)
      return;
  mk_grow (&ctx->problems, &ctx->problems_cap, ctx->nproblems,
           sizeof *ctx->problems);
  struct mk_problem *p = &ctx->problems[ctx->nproblems++];
  p->what = mk_xstrdup (what);
  p->why = mk_xstrdup (why);
  p->todo = todo ? mk_xstrdup (todo) : NULL;
  p->forceable = forceable;
}

const char *
mk_ctx_key (struct mk_ctx *ctx, const char *key, size_t len)
{
  char *k = mk_xmalloc (len + 1);
  memcpy (k, key, len);
  k[len] = '\0';
  mk_grow (&ctx->keys, &ctx->keys_cap, ctx->nkeys, sizeof *ctx->keys);
  ctx->keys[ctx->nkeys++] = k;
  return k;
}
