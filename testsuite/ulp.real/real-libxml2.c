/* real-libxml2.c -- one libxml2 call that spans a live patch.

   real-libxml2.exp runs this program with libulp.so preloaded against
   Debian's libxml2 built with ulp, and drives it under Expect, one
   command a line:
     span    a parser thread starts xmlReadIO on a document of
             NELEMS elements, read through a callback that hands out
             the first half of the input and then blocks; "paused tags=N"
             once it blocks (N: start tags in the first half, or -1
             if xmlReadIO returned without reading past it);
     resume  let the callback hand out the rest; once xmlReadIO
             returned, "span old=N new=N other=N total=N";
     again   the parser thread calls xmlReadIO once more on the same
             document, read whole; "again old=N new=N other=N total=N";
     exit    "bye".
   While the callback blocks, the test applies a patch of
   xmlSAX2StartElementNs (real-libxml2-sax.diff) that gives every
   element it builds the attribute ulp="new".  An element without that
   attribute was built by the old code ("old"), one with it by the new
   code ("new"); "other" counts anything else (a wrong value).

   The promise under test: the spanning call entered libxml2 before the
   patch, so every element it builds is old; the next call enters after
   it, so every element is new.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#define NELEMS 400
/* Small reads, so that the parser builds the first half's elements
   before it asks for more than the first half.  */
#define CHUNK 64

static char *doc_text;
static size_t doc_size;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int job;                 /* 1: span, 2: again, 3: exit.  */
static int paused, resumed, done;
static long paused_tags;
static long counts[3];          /* old, new, other.  */

struct reader
{
  size_t pos;
  int pause;                    /* block once past the half.  */
};

static int
read_cb (void *ctx, char *buf, int len)
{
  struct reader *r = ctx;
  if (r->pause && r->pos >= doc_size / 2)
    {
      pthread_mutex_lock (&lock);
      paused = 1;
      pthread_cond_broadcast (&cond);
      while (!resumed)
        pthread_cond_wait (&cond, &lock);
      pthread_mutex_unlock (&lock);
      r->pause = 0;
    }
  size_t n = doc_size - r->pos;
  if (n > CHUNK)
    n = CHUNK;
  if (n > (size_t) len)
    n = len;
  if (r->pause && r->pos < doc_size / 2 && r->pos + n > doc_size / 2)
    n = doc_size / 2 - r->pos;
  memcpy (buf, doc_text + r->pos, n);
  r->pos += n;
  return (int) n;
}

static int
close_cb (void *ctx)
{
  (void) ctx;
  return 0;
}

static void
count_tree (xmlNodePtr node, long *c)
{
  for (; node; node = node->next)
    if (node->type == XML_ELEMENT_NODE)
      {
        xmlChar *v = xmlGetNoNsProp (node, BAD_CAST "ulp");
        if (!v)
          c[0]++;
        else if (strcmp ((char *) v, "new") == 0)
          c[1]++;
        else
          c[2]++;
        xmlFree (v);
        count_tree (node->children, c);
      }
}

/* One xmlReadIO call; the counts of its tree into C.  */
static int
parse (int pause, long *c)
{
  struct reader r = { 0, pause };
  xmlDocPtr doc = xmlReadIO (read_cb, close_cb, &r, "span.xml", NULL, 0);
  c[0] = c[1] = c[2] = 0;
  if (!doc)
    return -1;
  count_tree (xmlDocGetRootElement (doc), c);
  xmlFreeDoc (doc);
  return 0;
}

static void *
parser_thread (void *arg)
{
  (void) arg;
  for (;;)
    {
      pthread_mutex_lock (&lock);
      while (job == 0)
        pthread_cond_wait (&cond, &lock);
      int j = job;
      pthread_mutex_unlock (&lock);
      if (j == 3)
        return NULL;
      long c[3];
      int st = parse (j == 1, c);
      pthread_mutex_lock (&lock);
      memcpy (counts, c, sizeof counts);
      if (st != 0)
        counts[2] = -1;
      job = 0;
      done = 1;
      /* The callback never blocked: say so rather than hang.  */
      paused = 1;
      pthread_cond_broadcast (&cond);
      pthread_mutex_unlock (&lock);
    }
}

static void
start_job (int j)
{
  pthread_mutex_lock (&lock);
  paused = resumed = done = 0;
  job = j;
  pthread_cond_broadcast (&cond);
  pthread_mutex_unlock (&lock);
}

static void
wait_done (const char *what)
{
  pthread_mutex_lock (&lock);
  while (!done)
    pthread_cond_wait (&cond, &lock);
  printf ("%s old=%ld new=%ld other=%ld total=%ld\n", what, counts[0],
          counts[1], counts[2], counts[0] + counts[1] + counts[2]);
  pthread_mutex_unlock (&lock);
}

/* The start tags in the part of the input handed out before the pause:
   the test logs it to show that the pause falls mid-document.  */
static long
tags_in_first_half (void)
{
  long n = 0;
  for (size_t i = 0; i + 1 < doc_size / 2; i++)
    if (doc_text[i] == '<' && doc_text[i + 1] != '/'
        && doc_text[i + 1] != '?')
      n++;
  return n;
}

int
main (void)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  xmlInitParser ();

  /* The document: a root and NELEMS - 1 children.  */
  size_t cap = 64 + NELEMS * 64;
  doc_text = malloc (cap);
  if (!doc_text)
    return 1;
  int n = snprintf (doc_text, cap, "<?xml version=\"1.0\"?>\n<doc>\n");
  for (int i = 1; i < NELEMS; i++)
    n += snprintf (doc_text + n, cap - n, "<e n=\"%d\">text %d</e>\n", i, i);
  n += snprintf (doc_text + n, cap - n, "</doc>\n");
  doc_size = n;

  pthread_t t;
  if (pthread_create (&t, NULL, parser_thread, NULL) != 0)
    {
      printf ("error: pthread_create\n");
      return 1;
    }
  printf ("ready %ld\n", (long) getpid ());

  char line[128];
  while (fgets (line, sizeof line, stdin))
    {
      line[strcspn (line, "\r\n")] = '\0';
      if (strcmp (line, "span") == 0)
        {
          start_job (1);
          pthread_mutex_lock (&lock);
          while (!paused)
            pthread_cond_wait (&cond, &lock);
          paused_tags = done ? -1 : tags_in_first_half ();
          pthread_mutex_unlock (&lock);
          printf ("paused tags=%ld\n", paused_tags);
        }
      else if (strcmp (line, "resume") == 0)
        {
          pthread_mutex_lock (&lock);
          resumed = 1;
          pthread_cond_broadcast (&cond);
          pthread_mutex_unlock (&lock);
          wait_done ("span");
        }
      else if (strcmp (line, "again") == 0)
        {
          start_job (2);
          wait_done ("again");
        }
      else if (strcmp (line, "exit") == 0)
        break;
      else
        printf ("error: unknown command %s\n", line);
    }
  start_job (3);
  pthread_join (t, NULL);
  printf ("bye\n");
  return 0;
}
