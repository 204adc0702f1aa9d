/* json.h -- a small JSON reader for the runtime's status reply.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp-status reads the JSON document the runtime's ulp_status_json
   produces in the target process, to show its patches as text.  This is
   a complete JSON parser into a tree, kept small: strings are decoded
   (\uXXXX to UTF-8), numbers kept as doubles and as 64-bit integers.  */

#ifndef ULP_JSON_H
#define ULP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type
{
  JSON_NULL,
  JSON_BOOL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT
};

struct json
{
  enum json_type type;
  bool b;
  double num;
  int64_t i;
  char *str;                /* JSON_STRING.  */
  struct json **items;      /* JSON_ARRAY elements, JSON_OBJECT values.  */
  char **keys;              /* JSON_OBJECT keys.  */
  size_t n;
};

/* Parse TEXT; NULL when it is not one valid JSON value.  */
struct json *json_parse (const char *text);
void json_free (struct json *j);

/* The member KEY of object J, or NULL.  */
const struct json *json_get (const struct json *j, const char *key);

/* Conveniences: the member's value, or DEF when absent or of another
   type.  */
const char *json_get_str (const struct json *j, const char *key,
                          const char *def);
int64_t json_get_int (const struct json *j, const char *key, int64_t def);

#endif /* ULP_JSON_H */
