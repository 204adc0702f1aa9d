/* reply-json.h -- reading the JSON replies of the runtime with json-c.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The runtime of another process answers "status", "arm" and
   "migrate-info" with a JSON document (ulp.h).  That process may be
   hostile and the tool is often root, so the documents are parsed by
   json-c, strictly and with a depth limit, and every member is read
   with its type checked: a member of another type reads as absent.  */

#ifndef ULP_REPLY_JSON_H
#define ULP_REPLY_JSON_H

#include <json.h>
#include <stdint.h>

/* Parse the reply TEXT, which must be one strict JSON value and
   nothing else but white space; NULL when it is not (too deep, damaged,
   out of memory).  Free with json_object_put.  */
json_object *reply_json_parse (const char *text);

/* The member KEY of object O when it has type TYPE, else NULL (also
   when O is NULL or no object).  */
json_object *reply_json_member (json_object *o, const char *key,
                                json_type type);

/* The number O, as a 64-bit integer (a fraction truncated), or DEF when
   O is no number.  */
int64_t reply_json_as_int (json_object *o, int64_t def);

/* The number member KEY of O, or DEF when absent or of another type.  */
int64_t reply_json_int (json_object *o, const char *key, int64_t def);

/* The string member KEY of O, or DEF when absent or of another
   type.  */
const char *reply_json_str (json_object *o, const char *key,
                            const char *def);

#endif /* ULP_REPLY_JSON_H */
