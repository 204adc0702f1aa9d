/* json.c -- a small JSON reader for the runtime's status reply.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See json.h.  A recursive-descent parser with a depth limit, so a
   damaged reply cannot exhaust the stack.  */

#include <config.h>

#include "json.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

struct parser
{
  const char *p;
  int depth;
};

static void
skip_ws (struct parser *ps)
{
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
    ps->p++;
}

static struct json *value (struct parser *ps);

static struct json *
node (enum json_type type)
{
  struct json *j = calloc (1, sizeof *j);
  if (j)
    j->type = type;
  return j;
}

static int
hexval (int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static void
put_utf8 (char **o, unsigned cp)
{
  if (cp < 0x80)
    *(*o)++ = (char) cp;
  else if (cp < 0x800)
    {
      *(*o)++ = (char) (0xc0 | cp >> 6);
      *(*o)++ = (char) (0x80 | (cp & 0x3f));
    }
  else if (cp < 0x10000)
    {
      *(*o)++ = (char) (0xe0 | cp >> 12);
      *(*o)++ = (char) (0x80 | ((cp >> 6) & 0x3f));
      *(*o)++ = (char) (0x80 | (cp & 0x3f));
    }
  else
    {
      *(*o)++ = (char) (0xf0 | cp >> 18);
      *(*o)++ = (char) (0x80 | ((cp >> 12) & 0x3f));
      *(*o)++ = (char) (0x80 | ((cp >> 6) & 0x3f));
      *(*o)++ = (char) (0x80 | (cp & 0x3f));
    }
}

static unsigned
hex4 (const char *s)
{
  unsigned v = 0;
  for (int i = 0; i < 4; i++)
    {
      int h = hexval (s[i]);
      if (h < 0)
        return 0x110000;
      v = v << 4 | h;
    }
  return v;
}

/* A string at PS->P (after the quote); malloc'ed, or NULL.  */
static char *
string (struct parser *ps)
{
  const char *s = ps->p;
  size_t n = 0;
  while (s[n] && s[n] != '"')
    n += s[n] == '\\' && s[n + 1] ? 2 : 1;
  if (s[n] != '"')
    return NULL;
  /* Escapes never grow: \uXXXX (6 bytes) yields at most 4.  */
  char *out = malloc (n + 1), *o = out;
  if (!out)
    return NULL;
  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = s[i];
      if (c < 0x20)
        goto bad;
      if (c != '\\')
        {
          *o++ = (char) c;
          continue;
        }
      switch (s[++i])
        {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
          {
            if (i + 4 >= n + 1)
              goto bad;
            unsigned cp = hex4 (s + i + 1);
            if (cp > 0xffff)
              goto bad;
            i += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < n && s[i + 1] == '\\'
                && s[i + 2] == 'u')
              {
                unsigned lo = hex4 (s + i + 3);
                if (lo >= 0xdc00 && lo < 0xe000)
                  {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    i += 6;
                  }
              }
            put_utf8 (&o, cp);
          }
          break;
        default:
          goto bad;
        }
    }
  *o = '\0';
  ps->p = s + n + 1;
  return out;
bad:
  free (out);
  return NULL;
}

static bool
append (struct json *j, char *key, struct json *v)
{
  struct json **items = realloc (j->items, (j->n + 1) * sizeof *items);
  if (!items)
    return false;
  j->items = items;
  if (j->type == JSON_OBJECT)
    {
      char **keys = realloc (j->keys, (j->n + 1) * sizeof *keys);
      if (!keys)
        return false;
      j->keys = keys;
      keys[j->n] = key;
    }
  items[j->n++] = v;
  return true;
}

static struct json *
container (struct parser *ps, bool object)
{
  struct json *j = node (object ? JSON_OBJECT : JSON_ARRAY);
  if (!j)
    return NULL;
  char close = object ? '}' : ']';
  skip_ws (ps);
  if (*ps->p == close)
    {
      ps->p++;
      return j;
    }
  for (;;)
    {
      char *key = NULL;
      skip_ws (ps);
      if (object)
        {
          if (*ps->p != '"')
            goto bad;
          ps->p++;
          key = string (ps);
          if (!key)
            goto bad;
          skip_ws (ps);
          if (*ps->p != ':')
            {
              free (key);
              goto bad;
            }
          ps->p++;
        }
      struct json *v = value (ps);
      if (!v || !append (j, key, v))
        {
          free (key);
          json_free (v);
          goto bad;
        }
      skip_ws (ps);
      if (*ps->p == ',')
        {
          ps->p++;
          continue;
        }
      if (*ps->p == close)
        {
          ps->p++;
          return j;
        }
      goto bad;
    }
bad:
  json_free (j);
  return NULL;
}

static struct json *
value (struct parser *ps)
{
  if (++ps->depth > MAX_DEPTH)
    return NULL;
  skip_ws (ps);
  struct json *j = NULL;
  const char *p = ps->p;
  if (*p == '{' || *p == '[')
    {
      ps->p++;
      j = container (ps, *p == '{');
    }
  else if (*p == '"')
    {
      ps->p++;
      char *s = string (ps);
      if (s && (j = node (JSON_STRING)))
        j->str = s;
      else
        free (s);
    }
  else if (strncmp (p, "true", 4) == 0 || strncmp (p, "false", 5) == 0)
    {
      if ((j = node (JSON_BOOL)))
        j->b = *p == 't';
      ps->p += *p == 't' ? 4 : 5;
    }
  else if (strncmp (p, "null", 4) == 0)
    {
      j = node (JSON_NULL);
      ps->p += 4;
    }
  else if (*p == '-' || (*p >= '0' && *p <= '9'))
    {
      char *end;
      double d = strtod (p, &end);
      if (end != p && (j = node (JSON_NUMBER)))
        {
          j->num = d;
          j->i = strtoll (p, NULL, 10);
          ps->p = end;
        }
    }
  ps->depth--;
  return j;
}

struct json *
json_parse (const char *text)
{
  struct parser ps = { text, 0 };
  struct json *j = value (&ps);
  skip_ws (&ps);
  if (j && *ps.p)
    {
      json_free (j);
      return NULL;
    }
  return j;
}

void
json_free (struct json *j)
{
  if (!j)
    return;
  for (size_t i = 0; i < j->n; i++)
    {
      json_free (j->items[i]);
      if (j->keys)
        free (j->keys[i]);
    }
  free (j->items);
  free (j->keys);
  free (j->str);
  free (j);
}

const struct json *
json_get (const struct json *j, const char *key)
{
  if (!j || j->type != JSON_OBJECT)
    return NULL;
  for (size_t i = 0; i < j->n; i++)
    if (strcmp (j->keys[i], key) == 0)
      return j->items[i];
  return NULL;
}

const char *
json_get_str (const struct json *j, const char *key, const char *def)
{
  const struct json *v = json_get (j, key);
  return v && v->type == JSON_STRING ? v->str : def;
}

int64_t
json_get_int (const struct json *j, const char *key, int64_t def)
{
  const struct json *v = json_get (j, key);
  return v && v->type == JSON_NUMBER ? v->i : def;
}
