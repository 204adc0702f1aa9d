/* hostile-rt.c -- a fake ulp runtime whose replies are hostile.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built as libulp-hostile.so and preloaded into ap-target, it passes
   with the tools for the runtime: it exports the mailbox ulp_control
   and ulp_control_kick (include/ulp-protocol.h), and a worker thread
   serves the requests.  The replies come from the directory $HOSTILE_REPLY, read
   afresh at each request, so that hostile.exp can send the tools any
   document: for a request "VERB ...", the file VERB.error holds
   "CODE MESSAGE" for a failure with that code, else the file VERB is
   the reply text, or, when it starts with "!claim N", makes the reply
   claim N bytes at an address that holds a few; without either file
   the request succeeds with no reply text.  */

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ulp-protocol.h"

struct ulp_control ulp_control __attribute__ ((aligned (64)));

void
ulp_control_kick (void)
{
  syscall (SYS_futex, &ulp_control.request_seq, FUTEX_WAKE_PRIVATE, INT_MAX,
           NULL, NULL, 0);
}

static char *reply;
static char small[16] = "{}";

/* The contents of DIR/VERB SUFFIX, malloc'd, with its length in *N; or
   NULL.  */
static char *
slurp (const char *verb, const char *suffix, size_t *n)
{
  const char *dir = getenv ("HOSTILE_REPLY");
  char path[4096];
  if (!dir
      || snprintf (path, sizeof path, "%s/%s%s", dir, verb, suffix)
         >= (int) sizeof path)
    return NULL;
  FILE *f = fopen (path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, k;
  char *s = malloc (cap);
  *n = 0;
  while (s && (k = fread (s + *n, 1, cap - *n - 1, f)) > 0)
    {
      *n += k;
      char *bigger = *n + 1 < cap ? s : realloc (s, cap *= 2);
      if (!bigger)
        free (s);
      s = bigger;
    }
  fclose (f);
  if (s)
    s[*n] = '\0';
  return s;
}

/* Answer the request in the mailbox.  */
static void
serve (void)
{
  char verb[64];
  size_t n = strcspn (ulp_control.request, " ");
  snprintf (verb, sizeof verb, "%.*s", (int) (n < 63 ? n : 63),
            ulp_control.request);
  free (reply);
  reply = NULL;
  ulp_control.result = 0;
  ulp_control.reply = 0;
  ulp_control.reply_size = 0;
  char *err = slurp (verb, ".error", &n);
  if (err)
    {
      int code = 0, skip = 0;
      sscanf (err, "%d %n", &code, &skip);
      ulp_control.result = -1;
      ulp_control.error.code = code;
      snprintf (ulp_control.error.message, sizeof ulp_control.error.message,
                "%s", err + skip);
      free (err);
      return;
    }
  reply = slurp (verb, "", &n);
  unsigned long long claim;
  if (!reply)
    return;
  if (sscanf (reply, "!claim %llu", &claim) == 1)
    {
      ulp_control.reply = (uint64_t) (uintptr_t) small;
      ulp_control.reply_size = claim;
      return;
    }
  ulp_control.reply = (uint64_t) (uintptr_t) reply;
  ulp_control.reply_size = n;
}

static void *
worker (void *arg)
{
  (void) arg;
  ulp_control.worker_tid = (uint32_t) syscall (SYS_gettid);
  ulp_control.version = ULP_CONTROL_VERSION;
  __atomic_store_n (&ulp_control.magic, ULP_CONTROL_MAGIC, __ATOMIC_RELEASE);
  for (;;)
    {
      uint32_t req = __atomic_load_n (&ulp_control.request_seq,
                                      __ATOMIC_ACQUIRE);
      if (req != ulp_control.done_seq)
        {
          serve ();
          __atomic_store_n (&ulp_control.done_seq, req, __ATOMIC_RELEASE);
          continue;
        }
      struct timespec ts = { 0, 10000000 };
      syscall (SYS_futex, &ulp_control.request_seq, FUTEX_WAIT_PRIVATE, req,
               &ts, NULL, 0);
    }
  return NULL;
}

/* Start the worker and wait for it, so that the tools find it running
   as soon as the program has started.  */
__attribute__ ((constructor)) static void
start (void)
{
  pthread_t th;
  if (pthread_create (&th, NULL, worker, NULL) != 0)
    abort ();
  while (__atomic_load_n (&ulp_control.magic, __ATOMIC_ACQUIRE)
         != ULP_CONTROL_MAGIC)
    {
      struct timespec ts = { 0, 1000000 };
      nanosleep (&ts, NULL);
    }
}
