/* bench-sql.c -- a fixed SQL workload for the SQLite benchmark.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Linked once against SQLite built plain and once against SQLite built
   with ulp; run-bench.sh runs the two alternately.  On an in-memory
   database: inserts in one transaction, index creation, joins with
   aggregates, range queries, point lookups (many short calls into the
   library, each one a boundary entry) and updates.  Prints the time
   the workload took and a checksum of every result, which must be the
   same with both builds.

   Usage: bench-sql [SCALE]   (default 1: 40,000 orders)  */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bench-util.h"

static sqlite3 *db;
static uint64_t check = 1469598103934665603ULL;

static void
mix (const void *p, size_t n)
{
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++)
    check = (check ^ c[i]) * 1099511628211ULL;
}

static void
mix_row (sqlite3_stmt *st)
{
  int n = sqlite3_column_count (st);
  for (int i = 0; i < n; i++)
    {
      const unsigned char *t = sqlite3_column_text (st, i);
      if (t)
        mix (t, strlen ((const char *) t));
    }
}

static void
exec (const char *sql)
{
  char *err = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    bench_die ("%s: %s", sql, err ? err : "error");
}

static sqlite3_stmt *
prepare (const char *sql)
{
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
    bench_die ("%s: %s", sql, sqlite3_errmsg (db));
  return st;
}

/* Step ST to the end, mixing every row into the checksum.  */
static void
drain (sqlite3_stmt *st)
{
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    mix_row (st);
  if (rc != SQLITE_DONE)
    bench_die ("step: %s", sqlite3_errmsg (db));
  sqlite3_reset (st);
}

static uint32_t rng = 12345;

static uint32_t
next (void)
{
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

int
main (int argc, char **argv)
{
  long scale = argc > 1 ? atol (argv[1]) : 1;
  if (scale <= 0)
    bench_die ("bad scale %s", argv[1]);
  long ncust = 4000 * scale, nord = 40000 * scale;

  double t0 = bench_now_ns ();
  if (sqlite3_open (":memory:", &db) != SQLITE_OK)
    bench_die ("cannot open an in-memory database");
  exec ("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT,"
        " region INTEGER);"
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER,"
        " amount REAL, day INTEGER, note TEXT);");

  /* Inserts in one transaction.  */
  exec ("BEGIN");
  sqlite3_stmt *ins = prepare ("INSERT INTO customer VALUES (?, ?, ?)");
  for (long i = 1; i <= ncust; i++)
    {
      char name[32];
      snprintf (name, sizeof name, "customer-%08x", next ());
      sqlite3_bind_int64 (ins, 1, i);
      sqlite3_bind_text (ins, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (ins, 3, next () % 16);
      drain (ins);
    }
  sqlite3_finalize (ins);
  ins = prepare ("INSERT INTO orders VALUES (NULL, ?, ?, ?, ?)");
  for (long i = 0; i < nord; i++)
    {
      char note[48];
      snprintf (note, sizeof note, "note %u for order %ld", next () % 1000,
                i);
      sqlite3_bind_int64 (ins, 1, 1 + next () % ncust);
      sqlite3_bind_double (ins, 2, (next () % 100000) / 100.0);
      sqlite3_bind_int (ins, 3, next () % 365);
      sqlite3_bind_text (ins, 4, note, -1, SQLITE_TRANSIENT);
      drain (ins);
    }
  sqlite3_finalize (ins);
  exec ("COMMIT");

  /* Indexes.  */
  exec ("CREATE INDEX orders_customer ON orders (customer);"
        "CREATE INDEX orders_day ON orders (day, amount);"
        "CREATE INDEX customer_region ON customer (region)");

  /* Joins and aggregates.  */
  sqlite3_stmt *q = prepare (
      "SELECT c.region, count(*), printf('%.2f', sum(o.amount)),"
      " printf('%.2f', avg(o.amount)) FROM orders o JOIN customer c"
      " ON c.id = o.customer GROUP BY c.region ORDER BY c.region");
  for (int k = 0; k < 3; k++)
    drain (q);
  sqlite3_finalize (q);
  q = prepare ("SELECT c.name, count(o.id), printf('%.2f', sum(o.amount))"
               " FROM customer c LEFT JOIN orders o ON o.customer = c.id"
               " WHERE c.region = ? GROUP BY c.id"
               " ORDER BY 3 DESC, c.name LIMIT 10");
  for (int r = 0; r < 16; r++)
    {
      sqlite3_bind_int (q, 1, r);
      drain (q);
    }
  sqlite3_finalize (q);

  /* Range queries on the day index.  */
  q = prepare ("SELECT day, count(*), printf('%.2f', max(amount)),"
               " printf('%.2f', min(amount)) FROM orders"
               " WHERE day BETWEEN ? AND ? GROUP BY day");
  for (int r = 0; r < 200; r++)
    {
      int d = next () % 350;
      sqlite3_bind_int (q, 1, d);
      sqlite3_bind_int (q, 2, d + 14);
      drain (q);
    }
  sqlite3_finalize (q);

  /* Point lookups: short calls, many of them.  */
  q = prepare ("SELECT name, region FROM customer WHERE id = ?");
  for (long i = 0; i < 10 * ncust; i++)
    {
      sqlite3_bind_int64 (q, 1, 1 + next () % ncust);
      drain (q);
    }
  sqlite3_finalize (q);

  /* Updates in a transaction, then one more aggregate.  */
  exec ("BEGIN");
  q = prepare ("UPDATE orders SET amount = amount * 1.01 WHERE customer = ?");
  for (long i = 0; i < ncust / 4; i++)
    {
      sqlite3_bind_int64 (q, 1, 1 + next () % ncust);
      drain (q);
    }
  sqlite3_finalize (q);
  exec ("COMMIT");
  q = prepare ("SELECT count(*), printf('%.2f', sum(amount)) FROM orders");
  drain (q);
  sqlite3_finalize (q);
  sqlite3_close (db);
  double t1 = bench_now_ns ();

  printf ("TIME %.0f\nCHECK %016llx\n", t1 - t0, (unsigned long long) check);
  return 0;
}
