/* reply-json.c -- reading the JSON replies of the runtime with json-c.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See reply-json.h.  */

#include <config.h>

#include "reply-json.h"

#include <string.h>

/* The runtime's documents nest five levels at most; the limit only
   keeps a hostile one from exhausting the stack.  */
#define REPLY_JSON_MAX_DEPTH 64

json_object *
reply_json_parse (const char *text)
{
  size_t len = strlen (text);
  struct json_tokener *tok = len < INT32_MAX
                             ? json_tokener_new_ex (REPLY_JSON_MAX_DEPTH)
                             : NULL;
  if (!tok)
    return NULL;
  /* Strict: no comments, single quotes, trailing commas or NaN, which
     the runtime never writes, and ulp-status copies the text into its
     own output.  The terminating NUL is passed too: it ends a number
     at the top level, and nothing may follow the value.  */
  json_tokener_set_flags (tok, JSON_TOKENER_STRICT);
  json_object *o = json_tokener_parse_ex (tok, text, (int) len + 1);
  if (json_tokener_get_error (tok) != json_tokener_success
      || json_tokener_get_parse_end (tok) < len)
    {
      json_object_put (o);
      o = NULL;
    }
  json_tokener_free (tok);
  return o;
}

json_object *
reply_json_member (json_object *o, const char *key, json_type type)
{
  json_object *v;
  if (!json_object_is_type (o, json_type_object)
      || !json_object_object_get_ex (o, key, &v)
      || !json_object_is_type (v, type))
    return NULL;
  return v;
}

int64_t
reply_json_as_int (json_object *o, int64_t def)
{
  if (!json_object_is_type (o, json_type_int)
      && !json_object_is_type (o, json_type_double))
    return def;
  return json_object_get_int64 (o);
}

int64_t
reply_json_int (json_object *o, const char *key, int64_t def)
{
  json_object *v;
  if (!json_object_is_type (o, json_type_object)
      || !json_object_object_get_ex (o, key, &v))
    return def;
  return reply_json_as_int (v, def);
}

const char *
reply_json_str (json_object *o, const char *key, const char *def)
{
  json_object *v = reply_json_member (o, key, json_type_string);
  return v ? json_object_get_string (v) : def;
}
