/* A small SQLite client for the large-program test: creates a table,
   inserts, queries, and calls back into the program from SQL, printing
   everything, so that the library built with ulp can be compared with a
   plain build.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

static int
print_row (void *tag, int n, char **values, char **names)
{
  printf ("%s:", (const char *) tag);
  for (int i = 0; i < n; i++)
    printf (" %s=%s", names[i], values[i] ? values[i] : "NULL");
  printf ("\n");
  return 0;
}

/* A SQL function implemented here: reverse (text).  */
static void
reverse_fn (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  (void) argc;
  const unsigned char *s = sqlite3_value_text (argv[0]);
  if (s == NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }
  size_t n = strlen ((const char *) s);
  char *r = sqlite3_malloc ((int) n + 1);
  for (size_t i = 0; i < n; i++)
    r[i] = (char) s[n - 1 - i];
  r[n] = '\0';
  sqlite3_result_text (ctx, r, (int) n, sqlite3_free);
}

static void
check (sqlite3 *db, int rc, const char *what)
{
  if (rc != SQLITE_OK)
    {
      fprintf (stderr, "sqlite-test: %s: %s\n", what, sqlite3_errmsg (db));
      exit (1);
    }
}

static void
run (sqlite3 *db, const char *tag, const char *sql)
{
  char *err = NULL;
  if (sqlite3_exec (db, sql, print_row, (void *) tag, &err) != SQLITE_OK)
    {
      fprintf (stderr, "sqlite-test: %s: %s\n", tag, err);
      exit (1);
    }
}

int
main (void)
{
  sqlite3 *db;
  check (NULL, sqlite3_open (":memory:", &db), "open");
  check (db, sqlite3_create_function (db, "reverse", 1, SQLITE_UTF8, NULL,
                                      reverse_fn, NULL, NULL),
         "create_function");
  printf ("version %s\n", sqlite3_libversion ());

  run (db, "create",
       "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
       " price REAL, qty INTEGER);"
       "CREATE INDEX item_name ON item (name);");

  sqlite3_stmt *st;
  check (db, sqlite3_prepare_v2 (db,
                                 "INSERT INTO item (name, price, qty)"
                                 " VALUES (?, ?, ?)", -1, &st, NULL),
         "prepare");
  run (db, "begin", "BEGIN");
  for (int i = 0; i < 500; i++)
    {
      char name[32];
      snprintf (name, sizeof name, "item-%03d", (i * 37) % 500);
      sqlite3_bind_text (st, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_double (st, 2, (i % 23) * 1.25 + 0.5);
      sqlite3_bind_int (st, 3, (i * 7) % 13);
      if (sqlite3_step (st) != SQLITE_DONE)
        check (db, SQLITE_ERROR, "insert");
      sqlite3_reset (st);
    }
  sqlite3_finalize (st);
  run (db, "commit", "COMMIT");

  run (db, "count", "SELECT count(*) AS n, sum(qty) AS q,"
                    " printf('%.2f', sum(price * qty)) AS total FROM item");
  run (db, "top", "SELECT name, price, qty FROM item"
                  " ORDER BY price * qty DESC, name LIMIT 5");
  run (db, "group", "SELECT qty, count(*) AS n, printf('%.3f', avg(price)) AS p"
                    " FROM item GROUP BY qty ORDER BY qty");
  run (db, "like", "SELECT reverse(name) AS r FROM item"
                   " WHERE name LIKE 'item-1_7' ORDER BY name");
  run (db, "update", "UPDATE item SET qty = qty + 1 WHERE id % 50 = 0;"
                     " SELECT changes() AS changed");
  run (db, "cte", "WITH RECURSIVE f(n, v) AS (SELECT 1, 1 UNION ALL"
                  " SELECT n + 1, v * (n + 1) FROM f WHERE n < 15)"
                  " SELECT group_concat(v, ',') AS fact FROM f");
  run (db, "json", "SELECT json_object('n', count(*), 'max', max(price))"
                   " AS j FROM item");
  run (db, "delete", "DELETE FROM item WHERE qty > 10;"
                     " SELECT count(*) AS left FROM item");
  check (db, sqlite3_close (db), "close");
  return 0;
}
