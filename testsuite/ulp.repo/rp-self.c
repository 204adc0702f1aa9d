/* rp-self.c -- a program that patches itself through ulp.h.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   rp-self V1 V2 WRONG ABSENT is linked with librpa.so (build 1) and
   libulp.so.  V1 and V2 are versions 1 and 2 of fix-a for that build
   (rp_a answers 101 and 201; version 1 also makes other_a 1001), WRONG is fix-a for build 2 and ABSENT a
   patch of librpb.so, which is not loaded.  It applies, lists, upgrades
   and reverts patches in itself, tries every refusal (a missing file,
   the wrong build, an object not loaded, a patch applied twice, a
   downgrade, bad arguments), and meanwhile four threads list the
   patches without pause: each step prints "PASS: what" or "FAIL: what:
   why".  */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ulp.h>

int rp_a (void);
int rp_a_pair (void);

static int failures;

static void
check (int ok, const char *what, const char *why)
{
  if (ok)
    printf ("PASS: %s\n", what);
  else
    {
      printf ("FAIL: %s: %s\n", what, why ? why : "");
      failures++;
    }
}

/* A refusal: -1 with CODE and a message that contains PART.  */
static void
refused (long r, const struct ulp_error *e, int code, const char *part,
         const char *what)
{
  char why[700];
  snprintf (why, sizeof why, "returned %ld, code %d, message '%s'", r,
            e->code, e->message);
  check (r == -1 && e->code == code && e->message[0]
         && strstr (e->message, part) != NULL, what, why);
}

static int listing_stop;
static long listings;

static void *
lister (void *arg)
{
  (void) arg;
  struct ulp_patch_info info[4];
  while (!__atomic_load_n (&listing_stop, __ATOMIC_RELAXED))
    {
      size_t n = ulp_patches (info, 4);
      if (n > 1 || (n == 1 && strcmp (info[0].name, "fix-a") != 0))
        {
          printf ("FAIL: concurrent listing: %zu patches, first '%s'\n", n,
                  n ? info[0].name : "");
          failures++;
          break;
        }
      __atomic_add_fetch (&listings, 1, __ATOMIC_RELAXED);
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc != 5)
    {
      fprintf (stderr, "usage: rp-self V1 V2 WRONG ABSENT\n");
      return 2;
    }
  const char *v1 = argv[1], *v2 = argv[2], *wrong = argv[3];
  const char *absent = argv[4];
  struct ulp_error e;
  char why[700];

  pthread_t th[4];
  for (int i = 0; i < 4; i++)
    pthread_create (&th[i], NULL, lister, NULL);

  check (rp_a () == 1, "the original code runs", NULL);
  long r = ulp_apply ("/nonexistent/fix.so", 0, &e);
  refused (r, &e, ULP_E_OPEN, "/nonexistent/fix.so",
           "a missing file is refused with ULP_E_OPEN");
  r = ulp_apply (wrong, 0, &e);
  refused (r, &e, ULP_E_BUILD_ID, "build-id mismatch",
           "a patch for another build is refused with ULP_E_BUILD_ID");
  r = ulp_apply (absent, 0, &e);
  refused (r, &e, ULP_E_NOT_LOADED, "librpb.so is not loaded",
           "a patch for an object not loaded is refused with "
           "ULP_E_NOT_LOADED");
  r = ulp_apply (NULL, 0, &e);
  refused (r, &e, ULP_E_INVAL, "no patch file", "no path: ULP_E_INVAL");
  r = ulp_apply (v1, 7, &e);
  refused (r, &e, ULP_E_INVAL, "flags", "unknown flags: ULP_E_INVAL");
  check (ulp_patches (NULL, 0) == 0 && rp_a () == 1,
         "the refusals changed nothing", NULL);

  long id1 = ulp_apply (v1, 0, &e);
  snprintf (why, sizeof why, "id %ld: %s", id1, e.message);
  check (id1 > 0 && rp_a () == 101 && rp_a_pair () == 1011001,
         "version 1 applies and runs (answer_a and other_a)", why);
  struct ulp_patch_info info[4];
  size_t n = ulp_patches (info, 4);
  snprintf (why, sizeof why, "%zu patches, name '%s' version %u", n,
            n ? info[0].name : "", n ? info[0].version : 0);
  check (n == 1 && info[0].id == id1 && strcmp (info[0].name, "fix-a") == 0
         && info[0].version == 1 && strcmp (info[0].target, "librpa.so") == 0
         && info[0].functions == 2, "ulp_patches lists version 1", why);

  r = ulp_apply (v1, 0, &e);
  refused (r, &e, ULP_E_APPLIED, "already applied",
           "the same patch twice is refused with ULP_E_APPLIED");

  long id2 = ulp_apply (v2, 0, &e);
  snprintf (why, sizeof why, "id %ld: %s", id2, e.message);
  check (id2 > id1 && rp_a () == 201, "version 2 replaces version 1", why);
  check (rp_a_pair () == 2010007, "other_a, which only version 1 replaced, "
         "is the original again", NULL);
  n = ulp_patches (info, 4);
  snprintf (why, sizeof why, "%zu patches, id %ld version %u", n,
            n ? info[0].id : 0, n ? info[0].version : 0);
  check (n == 1 && info[0].id == id2 && info[0].version == 2,
         "only version 2 is listed", why);
  char *js = ulp_status_json ();
  check (js && strstr (js, "\"version\": 2, \"state\": \"applied\"")
         && strstr (js, "\"version\": 1, \"state\": \"")
         && !strstr (js, "\"version\": 1, \"state\": \"applied\""),
         "the status reports version 2 applied and version 1 not", js);
  free (js);

  r = ulp_apply (v1, 0, &e);
  refused (r, &e, ULP_E_NOT_NEWER, "version 2 is already applied",
           "a downgrade is refused with ULP_E_NOT_NEWER");
  check (rp_a () == 201, "the downgrade changed nothing", NULL);

  int rr = ulp_revert (id1, 0, &e);
  refused (rr, &e, ULP_E_NO_PATCH, "no applied patch with id",
           "the replaced version cannot be reverted");
  rr = ulp_revert_name ("no-such-fix", 0, &e);
  refused (rr, &e, ULP_E_NO_PATCH, "no-such-fix",
           "an unknown name is refused with ULP_E_NO_PATCH");
  rr = ulp_revert_name ("fix-a", 0, &e);
  check (rr == 0 && rp_a () == 1 && rp_a_pair () == 10007
         && ulp_patches (NULL, 0) == 0,
         "reverting version 2 brings back the original, not version 1",
         e.message);
  rr = ulp_revert (0, 0, &e);
  refused (rr, &e, ULP_E_NO_PATCH, "no patch is applied",
           "nothing left to revert");

  /* Applying again after the revert works: the name is free.  */
  id1 = ulp_apply (v1, 0, &e);
  check (id1 > 0 && rp_a () == 101, "version 1 applies again after the "
         "revert", e.message);
  rr = ulp_revert (id1, 0, &e);
  check (rr == 0 && rp_a () == 1, "and reverts by id", e.message);

  __atomic_store_n (&listing_stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < 4; i++)
    pthread_join (th[i], NULL);
  snprintf (why, sizeof why, "%ld listings", listings);
  check (listings > 0, "four threads listed the patches meanwhile", why);
  printf ("listings: %ld\n", listings);
  return failures ? 1 : 0;
}
