/* sqlite-main.c -- ulp-mkpatch on the SQLite amalgamation: a program
   using libsqlite3.so gets the one-function patch (absFunc reports
   which function overflowed) while a second thread keeps querying.

   With argument "self" the program applies the patch itself (ulp_apply,
   argv[2] is the patch); with "live DIR" ulp-apply applies it from
   outside (mk-test.h's protocol).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <pthread.h>
#include <stdatomic.h>

#include "mk-test.h"
#include "sqlite3.h"

static atomic_int stop;
static atomic_int worker_saw_new;
static atomic_long worker_queries;

/* The error abs() of the smallest integer gives on DB.  */
static void
abs_error (sqlite3 *db, char *buf, size_t size)
{
  char *e = NULL;
  int rc = sqlite3_exec (db, "select abs(-9223372036854775808)", NULL, NULL,
                         &e);
  snprintf (buf, size, "%d %s", rc, e ? e : "");
  sqlite3_free (e);
}

static int
int_cb (void *p, int n, char **v, char **c)
{
  (void) n;
  (void) c;
  *(long *) p = v[0] ? atol (v[0]) : -1;
  return 0;
}

static void *
worker (void *arg)
{
  (void) arg;
  sqlite3 *db;
  sqlite3_open (":memory:", &db);
  char buf[256];
  while (!atomic_load (&stop))
    {
      long v = 0;
      sqlite3_exec (db, "select abs(-42)", int_cb, &v, NULL);
      if (v != 42)
        break;
      abs_error (db, buf, sizeof buf);
      if (strstr (buf, "in abs()"))
        atomic_store (&worker_saw_new, 1);
      atomic_fetch_add (&worker_queries, 1);
    }
  sqlite3_close (db);
  return NULL;
}

int
main (int argc, char **argv)
{
  sqlite3 *db;
  char buf[256];
  if (sqlite3_open (":memory:", &db) != SQLITE_OK
      || sqlite3_exec (db, "create table t (x integer);"
                       "insert into t values (-1), (-2), (-3);",
                       NULL, NULL, NULL) != SQLITE_OK)
    {
      mk_check (false, "sqlite: open", "%s", sqlite3_errmsg (db));
      return 0;
    }
  abs_error (db, buf, sizeof buf);
  MK_STR ("sqlite: before the patch", buf, "1 integer overflow");
  pthread_t th;
  pthread_create (&th, NULL, worker, NULL);
  while (atomic_load (&worker_queries) < 10)
    sched_yield ();

  if (argc > 2 && strcmp (argv[1], "live") == 0)
    mk_live_wait (argv[2]);
  else if (argc > 2)
    mk_apply (argv[2]);

  abs_error (db, buf, sizeof buf);
  MK_STR ("sqlite: the new absFunc runs", buf,
          "1 integer overflow in abs()");
  long sum = 0;
  sqlite3_exec (db, "select sum(abs(x)) from t", int_cb, &sum, NULL);
  MK_INT ("sqlite: the database made before the patch is intact", sum, 6);
  long q = atomic_load (&worker_queries);
  for (int i = 0; i < 1000 && !atomic_load (&worker_saw_new); i++)
    {
      struct timespec ts = { 0, 1000000 };
      nanosleep (&ts, NULL);
    }
  atomic_store (&stop, 1);
  pthread_join (th, NULL);
  mk_check (atomic_load (&worker_saw_new), "sqlite: the querying thread "
            "moves to the new code", "after %ld queries", q);
  MK_INT ("sqlite: the querying thread's results stay right",
          atomic_load (&worker_queries) > q, 1);
  sqlite3_close (db);
  if (argc > 2 && strcmp (argv[1], "live") == 0)
    mk_touch (argv[2], "done");
  return 0;
}
