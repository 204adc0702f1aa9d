/* rp-target.c -- a process the repository tests bring up to date.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   rp-target LIB... loads each LIB (a build of librpa.so or librpb.so)
   with dlopen, prints "ready PID" and serves one command per line on
   its standard input:

     a, b           rp_a () or rp_b () -> "a V" ("a none" when not
                    loaded)
     pair           rp_a_pair () -> "pair V"
     pairs          make the hammer (below) call rp_a_pair, not rp_a
     hammer N V...  N threads call rp_a () (after pairs: rp_a_pair ())
                    without pause; each checks
                    every result against the values V... -> "hammering"
                    once all of them have made a call
     stop           stop them -> "hammer calls=C wrong=W first=F
                    last=L" plus " vV=K" for each allowed value V: how
                    many calls returned it (W: calls that returned
                    anything else, F the first such value, L what the
                    last call of the first thread returned)
     exit           exit (0)

   The libulp.so under test is preloaded by the .exp file.  */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int (*fn_a) (void);
static int (*fn_b) (void);
static int (*fn_pair) (void);
static int (*fn_hammer) (void);

#define MAX_THREADS 64
#define MAX_VALUES 8

static int allowed[MAX_VALUES];
static int nallowed;
static long counts[MAX_THREADS][MAX_VALUES];
static long wrong[MAX_THREADS];
static int first_wrong[MAX_THREADS];
static int last[MAX_THREADS];
static long calls[MAX_THREADS];
static int stop;
static int started;

static void *
hammer (void *arg)
{
  int k = (int) (long) arg;
  for (;;)
    {
      int v = fn_hammer ();
      calls[k]++;
      int j;
      for (j = 0; j < nallowed; j++)
        if (v == allowed[j])
          break;
      if (j < nallowed)
        counts[k][j]++;
      else if (wrong[k]++ == 0)
        first_wrong[k] = v;
      last[k] = v;
      if (calls[k] == 1)
        __atomic_add_fetch (&started, 1, __ATOMIC_SEQ_CST);
      if (__atomic_load_n (&stop, __ATOMIC_RELAXED))
        break;
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      void *h = dlopen (argv[i], RTLD_NOW | RTLD_LOCAL);
      if (!h)
        {
          printf ("error: %s\n", dlerror ());
          return 2;
        }
      if (dlsym (h, "rp_a"))
        fn_a = (int (*) (void)) dlsym (h, "rp_a");
      if (dlsym (h, "rp_b"))
        fn_b = (int (*) (void)) dlsym (h, "rp_b");
      if (dlsym (h, "rp_a_pair"))
        fn_pair = (int (*) (void)) dlsym (h, "rp_a_pair");
    }
  fn_hammer = fn_a;
  setvbuf (stdout, NULL, _IOLBF, 0);
  printf ("ready %d\n", (int) getpid ());
  pthread_t th[MAX_THREADS];
  int nth = 0;
  char line[512];
  while (fgets (line, sizeof line, stdin))
    {
      line[strcspn (line, "\r\n")] = '\0';
      if (strcmp (line, "a") == 0 || strcmp (line, "b") == 0)
        {
          int (*f) (void) = line[0] == 'a' ? fn_a : fn_b;
          if (f)
            printf ("%s %d\n", line, f ());
          else
            printf ("%s none\n", line);
        }
      else if (strcmp (line, "pair") == 0 && fn_pair)
        printf ("pair %d\n", fn_pair ());
      else if (strcmp (line, "pairs") == 0 && fn_pair)
        {
          fn_hammer = fn_pair;
          printf ("pairs\n");
        }
      else if (strncmp (line, "hammer ", 7) == 0 && fn_hammer && nth == 0)
        {
          char *p = line + 7, *end;
          nth = (int) strtol (p, &end, 10);
          if (nth < 1 || nth > MAX_THREADS)
            nth = 1;
          nallowed = 0;
          for (p = end; nallowed < MAX_VALUES;)
            {
              long v = strtol (p, &end, 10);
              if (end == p)
                break;
              allowed[nallowed++] = (int) v;
              p = end;
            }
          stop = 0;
          started = 0;
          for (int k = 0; k < nth; k++)
            pthread_create (&th[k], NULL, hammer, (void *) (long) k);
          while (__atomic_load_n (&started, __ATOMIC_SEQ_CST) < nth)
            usleep (1000);
          printf ("hammering\n");
        }
      else if (strcmp (line, "stop") == 0 && nth > 0)
        {
          __atomic_store_n (&stop, 1, __ATOMIC_RELAXED);
          long total = 0, bad = 0, per[MAX_VALUES] = { 0 };
          int first = 0;
          for (int k = 0; k < nth; k++)
            {
              pthread_join (th[k], NULL);
              total += calls[k];
              if (wrong[k] && !bad)
                first = first_wrong[k];
              bad += wrong[k];
              for (int j = 0; j < nallowed; j++)
                per[j] += counts[k][j];
            }
          printf ("hammer calls=%ld wrong=%ld first=%d last=%d", total, bad,
                  first, last[0]);
          for (int j = 0; j < nallowed; j++)
            printf (" v%d=%ld", allowed[j], per[j]);
          printf ("\n");
          nth = 0;
        }
      else if (strcmp (line, "exit") == 0)
        return 0;
      else
        printf ("error: unknown command '%s'\n", line);
    }
  return 0;
}
