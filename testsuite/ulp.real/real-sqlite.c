/* real-sqlite.c -- the program of ulp.real/real-sqlite.exp: four
   threads, each with its own connection, insert, select and call SQL
   functions on a live-patchable libsqlite3.so.

   "real-sqlite run FILE": the threads share the database FILE (WAL
   mode, one table each plus one they all read) and print what every
   query returned, in thread order, so that the output of a ulp build
   can be compared with that of a plain build.

   "real-sqlite serve": the threads loop over the same work on
   in-memory databases, checking each round against the main thread's
   first run, and end each round with a probe: typeof of an empty text
   and an empty blob.  The stock library says "text|blob"; the patched
   one (real-sqlite-typeof.diff: typeofFunc, a static function, reads
   its static azType table for an empty value's new type) says
   "null|null".  Commands on standard input, as real-xcrypt.c's (see
   ulp.real/real-lib.tcl): probe, workers, exit.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sqlite3.h"

#define NTHREADS 4
#define NROWS 200
#define RUN_ROUNDS 3

/* A growing text buffer.  */
struct text
{
  char *s;
  size_t len, cap;
};

static void
text_add (struct text *t, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (t->len + (size_t) n + 1 > t->cap)
    {
      t->cap = (t->len + (size_t) n + 1) * 2;
      t->s = realloc (t->s, t->cap);
      if (!t->s)
        abort ();
    }
  va_start (ap, fmt);
  vsnprintf (t->s + t->len, t->cap - t->len, fmt, ap);
  va_end (ap);
  t->len += (size_t) n;
}

/* Run SQL on DB; append every row to OUT as "TAG: a|b|c".  0 on
   success, else an error is appended.  */
static int
query (sqlite3 *db, struct text *out, const char *tag, const char *sql)
{
  sqlite3_stmt *st;
  const char *tail = sql;
  while (*tail)
    {
      if (sqlite3_prepare_v2 (db, tail, -1, &st, &tail) != SQLITE_OK)
        {
          text_add (out, "%s: error %s\n", tag, sqlite3_errmsg (db));
          return 1;
        }
      if (!st)
        break;
      int rc;
      while ((rc = sqlite3_step (st)) == SQLITE_ROW)
        {
          text_add (out, "%s:", tag);
          for (int i = 0; i < sqlite3_column_count (st); i++)
            {
              const unsigned char *v = sqlite3_column_text (st, i);
              text_add (out, "%s%s", i ? "|" : " ", v ? (const char *) v
                                                       : "NULL");
            }
          text_add (out, "\n");
        }
      sqlite3_finalize (st);
      if (rc != SQLITE_DONE)
        {
          text_add (out, "%s: error %s\n", tag, sqlite3_errmsg (db));
          return 1;
        }
    }
  return 0;
}

/* One round of thread T's work on DB (a fresh table of its own, filled
   in one transaction, then queried), into OUT.  */
static int
workload (sqlite3 *db, int t, int round, struct text *out)
{
  char sql[512];
  int bad = 0;
  snprintf (sql, sizeof sql,
            "CREATE TABLE IF NOT EXISTS t%d (id INTEGER PRIMARY KEY,"
            " name TEXT, price REAL, qty INTEGER, data BLOB);"
            "DELETE FROM t%d;", t, t);
  bad |= query (db, out, "create", sql);
  bad |= query (db, out, "begin", "BEGIN IMMEDIATE");
  sqlite3_stmt *ins;
  snprintf (sql, sizeof sql, "INSERT INTO t%d (name, price, qty, data)"
            " VALUES (?1, ?2, ?3, ?4)", t);
  if (sqlite3_prepare_v2 (db, sql, -1, &ins, NULL) != SQLITE_OK)
    {
      text_add (out, "insert: error %s\n", sqlite3_errmsg (db));
      return 1;
    }
  for (int i = 0; i < NROWS; i++)
    {
      char name[64], blob[8];
      snprintf (name, sizeof name, "item-%d-%d-%c", t, i * 7 + round,
                'a' + (i * 11 + t) % 26);
      for (int k = 0; k < 8; k++)
        blob[k] = (char) (i * 31 + k * 7 + t);
      sqlite3_bind_text (ins, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_double (ins, 2, (i % 17) * 1.25 + t + round * 0.5);
      sqlite3_bind_int (ins, 3, (i * 37 + t * 11 + round) % 101 - 50);
      sqlite3_bind_blob (ins, 4, blob, 8, SQLITE_TRANSIENT);
      if (sqlite3_step (ins) != SQLITE_DONE)
        {
          text_add (out, "insert: error %s\n", sqlite3_errmsg (db));
          bad = 1;
        }
      sqlite3_reset (ins);
    }
  sqlite3_finalize (ins);
  bad |= query (db, out, "commit", "COMMIT");

  static const char *const queries[] = {
    "SELECT count(*), sum(qty), total(price), printf('%%.3f', avg(price)),"
    " min(qty), max(qty) FROM t%d",
    "SELECT substr(name, 1, 8), count(*), sum(abs(qty)),"
    " group_concat(upper(substr(name, -1)), '') FROM t%d"
    " GROUP BY substr(name, -1) ORDER BY 1, 2 LIMIT 6",
    "SELECT id, hex(data), length(name), typeof(price), typeof(qty),"
    " round(price * qty, 2), coalesce(nullif(qty % 3, 0), 'zero')"
    " FROM t%d WHERE id % 41 = 1 ORDER BY id",
    "SELECT replace(name, '-', '+'), instr(name, '-1'), lower(hex(qty)),"
    " quote(price) FROM t%d WHERE qty BETWEEN -3 AND 3 ORDER BY name LIMIT 5",
    "SELECT json_object('n', count(*), 'q', sum(qty)),"
    " json_array(min(name), max(name)) FROM t%d WHERE qty > 0",
  };
  for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++)
    {
      char tag[16];
      snprintf (sql, sizeof sql, queries[q], t);
      snprintf (tag, sizeof tag, "q%zu", q);
      bad |= query (db, out, tag, sql);
    }
  return bad;
}

/* ---- run: one pass each, printed ---------------------------------- */

struct run_arg
{
  int t;
  const char *file;
  struct text out;
  int bad;
};

static sqlite3 *
open_db (const char *file, struct text *out)
{
  sqlite3 *db;
  if (sqlite3_open (file, &db) != SQLITE_OK)
    {
      text_add (out, "open: error %s\n", sqlite3_errmsg (db));
      return NULL;
    }
  sqlite3_busy_timeout (db, 60000);
  return db;
}

static void *
run_thread (void *p)
{
  struct run_arg *a = p;
  sqlite3 *db = open_db (a->file, &a->out);
  if (!db)
    {
      a->bad = 1;
      return NULL;
    }
  for (int round = 0; round < RUN_ROUNDS; round++)
    {
      text_add (&a->out, "round %d\n", round);
      a->bad |= workload (db, a->t, round, &a->out);
      a->bad |= query (db, &a->out, "shared",
                       "SELECT k, v, length(v) FROM shared ORDER BY k");
    }
  sqlite3_close (db);
  return NULL;
}

static int
run (const char *file)
{
  struct text out = { 0 };
  sqlite3 *db = open_db (file, &out);
  if (!db
      || query (db, &out, "setup", "PRAGMA journal_mode=WAL;"
                "CREATE TABLE shared (k INTEGER PRIMARY KEY, v TEXT);"
                "INSERT INTO shared (v) VALUES ('alpha'), ('beta'),"
                " (printf('%08.3f', 3.14159)), (char(65, 66, 67))"))
    {
      printf ("%s", out.s ? out.s : "");
      return 1;
    }
  printf ("version %s\n%s", sqlite3_libversion (), out.s);
  struct run_arg args[NTHREADS];
  memset (args, 0, sizeof args);
  for (int t = 0; t < NTHREADS; t++)
    {
      args[t].t = t;
      args[t].file = file;
    }
  pthread_t th[NTHREADS];
  for (int t = 0; t < NTHREADS; t++)
    pthread_create (&th[t], NULL, run_thread, &args[t]);
  int bad = 0;
  for (int t = 0; t < NTHREADS; t++)
    {
      pthread_join (th[t], NULL);
      printf ("== thread %d\n%s", t, args[t].out.s ? args[t].out.s : "");
      bad |= args[t].bad;
    }
  out.len = 0;
  query (db, &out, "tables", "SELECT count(*) FROM sqlite_schema");
  printf ("%s", out.s);
  sqlite3_close (db);
  return bad;
}

/* ---- serve: loop under the test's commands ------------------------ */

#include "real-workers.h"

static enum probe_result
probe (sqlite3 *db, char *detail, size_t size)
{
  struct text out = { 0 };
  query (db, &out, "probe", "SELECT typeof(''), typeof(x''),"
         " typeof('x'), typeof(x'00')");
  enum probe_result r = PROBE_BAD;
  if (out.s && strcmp (out.s, "probe: text|blob|text|blob\n") == 0)
    r = PROBE_OLD;
  else if (out.s && strcmp (out.s, "probe: null|null|text|blob\n") == 0)
    r = PROBE_NEW;
  else
    snprintf (detail, size, "%.*s", (int) strcspn (out.s ? out.s : "",
                                                   "\n"), out.s ? out.s : "");
  free (out.s);
  return r;
}

static void *
serve_thread (void *p)
{
  struct worker *w = p;
  sqlite3 *db;
  char detail[256];
  struct text out = { 0 };
  if (sqlite3_open (":memory:", &db) != SQLITE_OK)
    abort ();
  while (!atomic_load (&stop))
    {
      long e = atomic_load (&epoch);
      out.len = 0;
      long bad = workload (db, w->t, 0, &out) != 0
                 || strcmp (out.s, w->reference) != 0;
      enum probe_result r = probe (db, detail, sizeof detail);
      real_count_round (w, e, r, bad + (r == PROBE_BAD));
    }
  free (out.s);
  sqlite3_close (db);
  return NULL;
}

/* The main thread's probe, for real_serve.  */
static enum probe_result
probe_main (void *db, char *detail, size_t size)
{
  return probe (db, detail, size);
}

static int
serve (void)
{
  sqlite3 *db;
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (sqlite3_open (":memory:", &db) != SQLITE_OK)
    {
      printf ("error: sqlite3_open failed\n");
      return 1;
    }
  for (int t = 0; t < NTHREADS; t++)
    {
      struct text out = { 0 };
      if (workload (db, t, 0, &out))
        {
          printf ("error: thread %d's work fails: %s\n", t, out.s);
          return 1;
        }
      workers[t].t = t;
      workers[t].reference = out.s;
      atomic_store (&workers[t].epoch, -1);
    }
  for (int t = 0; t < NTHREADS; t++)
    if (pthread_create (&workers[t].thread, NULL, serve_thread,
                        &workers[t]) != 0)
      {
        printf ("error: pthread_create failed\n");
        return 1;
      }
  printf ("ready %ld\n", (long) getpid ());

  real_serve (probe_main, db);
  sqlite3_close (db);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "run") == 0)
    return run (argv[2]);
  if (argc == 2 && strcmp (argv[1], "serve") == 0)
    return serve ();
  fprintf (stderr, "usage: real-sqlite run FILE | real-sqlite serve\n");
  return 2;
}
