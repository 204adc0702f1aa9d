/* fi-inject.c -- every step of an apply or a revert fails in turn, and
   the process is as it was (inject.exp).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Linked with libulp-faults.so, the runtime built with its fault points
   (runtime/fault.h).  Usage: fi-inject DIR SCENARIO, where DIR holds
   the patches of fi-lib.c built by inject.exp and SCENARIO is the index
   of one of SCENARIOS below: one process per scenario, since the
   patches of a target without boundary code are never unloaded.  It
   prints a line "FIRED: apply|revert POINT COUNT" per fault point.

   Each scenario brings the process to a state (its PRE patches
   applied), then, for N = 1, 2, ... and each fault point, makes the
   N-th step of that kind fail during the operation (an apply, a
   stacked apply, a versioned upgrade, a revert) until the operation
   has fewer than N such steps.  After each injected failure:
   - the operation failed and said why (the injected fault);
   - every function's code is as before: the 2-byte entry and the body
     byte for byte, and the pre-entry area either byte for byte or,
     where the runtime has written its `jmp *slot(%rip)' there for the
     first time, that jump with the slot leading to the original body
     just after the entry, which no thread takes while the entry is the
     2-byte NOP (apply.c never rewrites a pre-entry area once written,
     since a thread may have jumped there);
   - every function returns what it returned before;
   - ulp_patches lists the same patches, and the runtime's status
     (ulp_status_json, what ulp-status reports) is the same, apart from
     the stub memory figures and the runtime's records of functions it
     knows of but that have no version and keep their original entry;
   - the patch is not loaded (the same objects are loaded as before);
   - the same operation without a fault then succeeds and its new
     behaviour is visible.
   Then every patch is reverted and the functions return 1 ... 5.  */

#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fi-lib.h"
#include "rt-test.h"

/* Exported by libulp-faults.so only (runtime/fault.c).  */
extern int ulp_fault_arm (const char *point, unsigned n);
extern unsigned ulp_fault_hits (const char *point);
extern unsigned ulp_fault_fired (void);

static const char *const points[] = { "stub", "write", "reloc", "publish",
                                      "dlopen" };
#define NPOINTS 5

/* Bytes kept of each function: PRE before the label, POST from it.  */
#define PRE 16
#define POST 24
#define PRE_ENTRY 14

enum op { APPLY, REVERT_NAME, REVERT_NEWEST_ID };

struct scenario
{
  const char *what;
  const char *pre[3];
  enum op op;
  const char *arg; /* a patch file for APPLY, a name for REVERT_NAME.  */
  int expect[FI_N];
};

static const struct scenario scenarios[] = {
  { "apply of 2 functions (versioned)", { NULL }, APPLY, "pv1.so",
    { 31, 32, 3, 4, 5 } },
  { "apply of 3 functions", { NULL }, APPLY, "pa.so", { 11, 12, 13, 4, 5 } },
  { "apply of 5 functions", { NULL }, APPLY, "p5.so",
    { 51, 52, 53, 54, 55 } },
  { "stacked apply", { "pa.so", NULL }, APPLY, "pb.so",
    { 11, 12, 23, 24, 25 } },
  { "versioned upgrade", { "pv1.so", NULL }, APPLY, "pv2.so",
    { 1, 42, 43, 44, 45 } },
  { "revert of the newest of a stack", { "pa.so", "pb.so", NULL },
    REVERT_NEWEST_ID, NULL, { 11, 12, 13, 4, 5 } },
  { "revert of the middle of a stack", { "pa.so", "pb.so", "p5.so" },
    REVERT_NAME, "pb", { 51, 52, 53, 54, 55 } },
  { "revert under a stacked patch", { "pa.so", "pb.so", NULL },
    REVERT_NAME, "pa", { 1, 2, 23, 24, 25 } },
  { "revert of an upgraded version", { "pv1.so", "pv2.so", NULL },
    REVERT_NAME, "pv", { 1, 2, 3, 4, 5 } },
  { "revert of a single patch", { "p5.so", NULL }, REVERT_NAME, "p5",
    { 1, 2, 3, 4, 5 } },
};
#define NSCEN (sizeof scenarios / sizeof scenarios[0])

static const char *dir;

struct snap
{
  unsigned char code[FI_N][PRE + POST];
  int values[FI_N];
  struct ulp_patch_info *pi;
  size_t npi;
  char *status;
  int nobjs;
};

static int
count_cb (struct dl_phdr_info *info, size_t size, void *data)
{
  (void) info;
  (void) size;
  ++*(int *) data;
  return 0;
}

/* The status without what may change when nothing was applied: the
   stub memory figures, and functions with no version whose entry is
   the original (as after a patch was reverted and unloaded).  */
static char *
status_norm (void)
{
  char *s = ulp_status_json ();
  if (!s)
    return NULL;
  char *stubs = strstr (s, "\"stubs\":");
  if (stubs)
    *stubs = '\0';
  static const char idle[] = "\"versions\": 0, \"selection\": \"original\"}";
  char *out = malloc (strlen (s) + 1);
  size_t n = 0;
  for (const char *p = s; *p;)
    {
      /* A function record starts at {"name": inside "functions".  */
      if (strncmp (p, "{\"name\": ", 9) == 0)
        {
          const char *end = strchr (p, '}');
          if (end && (size_t) (end + 1 - p) >= sizeof idle - 1
              && strncmp (end + 1 - (sizeof idle - 1), idle,
                          sizeof idle - 1) == 0)
            {
              p = end + 1;
              if (strncmp (p, ", ", 2) == 0)
                p += 2;
              continue;
            }
        }
      out[n++] = *p++;
    }
  out[n] = '\0';
  free (s);
  /* The list without those records: no ", " before its end.  */
  for (char *q; (q = strstr (out, ", ]")) != NULL;)
    memmove (q, q + 2, strlen (q + 2) + 1);
  return out;
}

static void
take (struct snap *s)
{
  for (int i = 0; i < FI_N; i++)
    {
      memcpy (s->code[i], (const unsigned char *) fi_label (i) - PRE,
              PRE + POST);
      s->values[i] = fi_value (i);
    }
  s->pi = calloc (64, sizeof *s->pi);
  s->npi = ulp_patches (s->pi, 64);
  s->status = status_norm ();
  s->nobjs = 0;
  dl_iterate_phdr (count_cb, &s->nobjs);
}

static void
drop (struct snap *s)
{
  free (s->pi);
  free (s->status);
}

/* Whether status A is status B; but how the stubs read the thread
   state ("tls") is decided once, by the first apply attempt, before
   anything changes, and kept: B undecided and A decided is the same.  */
static bool
status_same (const char *b, const char *a)
{
  if (!a || !b)
    return false;
  if (strcmp (a, b) == 0)
    return true;
  static const char undecided[] = "\"tls\": \"undecided\"";
  const char *u = strstr (b, undecided);
  if (!u || strncmp (a, b, (size_t) (u - b)) != 0)
    return false;
  const char *rest = u + sizeof undecided - 1;
  static const char *const decided[] = { "\"tls\": \"static\"",
                                         "\"tls\": \"dynamic\"" };
  for (int k = 0; k < 2; k++)
    {
      size_t n = strlen (decided[k]);
      if (strncmp (a + (u - b), decided[k], n) == 0
          && strcmp (a + (u - b) + n, rest) == 0)
        return true;
    }
  return false;
}

/* Why the code of function I differs from BEFORE in ways an undone
   operation may not leave, or NULL.  */
static const char *
code_diff (int i, const struct snap *before, const struct snap *now)
{
  const unsigned char *b = before->code[i], *a = now->code[i];
  if (memcmp (b + PRE, a + PRE, POST) != 0)
    return "entry or body changed";
  if (memcmp (b, a, PRE - PRE_ENTRY) != 0)
    return "bytes before the pre-entry area changed";
  const unsigned char *bp = b + PRE - PRE_ENTRY, *ap = a + PRE - PRE_ENTRY;
  if (memcmp (bp, ap, PRE_ENTRY) == 0)
    return NULL;
  for (int k = 0; k < PRE_ENTRY; k++)
    if (bp[k] != 0x90)
      return "pre-entry area with a jump changed";
  if (ap[0] != 0xff || ap[1] != 0x25)
    return "pre-entry area changed to something else than a jump";
  for (int k = 6; k < PRE_ENTRY; k++)
    if (ap[k] != 0x90)
      return "pre-entry area changed past its jump";
  int32_t rel;
  memcpy (&rel, ap + 2, 4);
  const unsigned char *label = (const unsigned char *) fi_label (i);
  const uint64_t *slot
    = (const uint64_t *) (label - PRE_ENTRY + 6 + (intptr_t) rel);
  uint64_t target = __atomic_load_n (slot, __ATOMIC_ACQUIRE);
  /* The entry: the first 66 90 from the label (after endbr64).  */
  for (int k = 0; k + 1 < POST; k++)
    if (a[PRE + k] == 0x66 && a[PRE + k + 1] == 0x90)
      return target == (uint64_t) (uintptr_t) (label + k + 2)
               ? NULL
               : "pre-entry jump through a slot that does not lead to "
                 "the original body";
  return "no entry found";
}

/* Compare; on a difference, set WHY (static or in BUF).  */
static bool
same (const struct snap *b, const struct snap *a, char *buf, size_t size)
{
  for (int i = 0; i < FI_N; i++)
    {
      const char *d = code_diff (i, b, a);
      if (d)
        {
          snprintf (buf, size, "function %c: %s", 'a' + i, d);
          return false;
        }
      if (a->values[i] != b->values[i])
        {
          snprintf (buf, size, "function %c returns %d, not %d", 'a' + i,
                    a->values[i], b->values[i]);
          return false;
        }
    }
  if (a->npi != b->npi)
    {
      snprintf (buf, size, "ulp_patches: %zu patches, not %zu", a->npi,
                b->npi);
      return false;
    }
  for (size_t j = 0; j < a->npi && j < 64; j++)
    if (a->pi[j].id != b->pi[j].id || a->pi[j].version != b->pi[j].version
        || a->pi[j].universe != b->pi[j].universe
        || a->pi[j].functions != b->pi[j].functions
        || strcmp (a->pi[j].name, b->pi[j].name) != 0)
      {
        snprintf (buf, size, "ulp_patches: patch %zu is %ld %s, was %ld %s",
                  j, a->pi[j].id, a->pi[j].name, b->pi[j].id, b->pi[j].name);
        return false;
      }
  if (!status_same (b->status, a->status))
    {
      size_t k = 0;
      while (a->status && b->status && a->status[k] == b->status[k])
        k++;
      size_t from = k > 200 ? k - 200 : 0;
      snprintf (buf, size, "status changed at byte %zu: was ...%.400s -- "
                "now ...%.400s", k, b->status ? b->status + from : "(none)",
                a->status ? a->status + from : "(none)");
      return false;
    }
  if (a->nobjs != b->nobjs)
    {
      snprintf (buf, size, "%d objects loaded, was %d (patch not unloaded)",
                a->nobjs, b->nobjs);
      return false;
    }
  return true;
}

static char *
patch_path (const char *file)
{
  char *p = malloc (strlen (dir) + strlen (file) + 2);
  sprintf (p, "%s/%s", dir, file);
  return p;
}

/* Run SC's operation; 0 on success, else -1 with E.  */
static int
run_op (const struct scenario *sc, struct ulp_error *e)
{
  switch (sc->op)
    {
    case APPLY:
      {
        char *p = patch_path (sc->arg);
        long id = ulp_apply (p, 0, e);
        free (p);
        return id < 0 ? -1 : 0;
      }
    case REVERT_NAME:
      return ulp_revert_name (sc->arg, 0, e);
    default:
      {
        struct ulp_patch_info v[64];
        size_t n = ulp_patches (v, 64);
        return ulp_revert (n ? v[n - 1].id : 999999, 0, e);
      }
    }
}

/* Apply SC's PRE patches; false (after a FAIL) when one fails.  */
static bool
setup (const struct scenario *sc, const char *what)
{
  for (int k = 0; k < 3 && sc->pre[k]; k++)
    {
      char *p = patch_path (sc->pre[k]);
      long id = rt_apply (p, what);
      free (p);
      if (id < 0)
        return false;
    }
  return true;
}

/* Revert everything; false (after a FAIL) when the functions are not
   back to 1 ... 5.  */
static bool
teardown (const char *what)
{
  struct ulp_error e;
  for (int k = 0; k < 16 && ulp_revert (0, 0, &e) == 0; k++)
    ;
  for (int i = 0; i < FI_N; i++)
    if (fi_value (i) != i + 1)
      return rt_check (false, what, "after reverting everything, function "
                       "%c returns %d", 'a' + i, fi_value (i));
  return true;
}

int
main (int argc, char **argv)
{
  if (argc != 3 || atoi (argv[2]) < 0 || (size_t) atoi (argv[2]) >= NSCEN)
    {
      fprintf (stderr, "usage: fi-inject DIR SCENARIO (0-%zu)\n", NSCEN - 1);
      return 2;
    }
  dir = argv[1];
  const struct scenario *sc = &scenarios[atoi (argv[2])];
  for (int pt = 0; pt < NPOINTS; pt++)
    {
      unsigned fired = 0;
      for (unsigned n = 1; n < 500; n++)
        {
          char what[256];
          snprintf (what, sizeof what, "%s, %s fault #%u", sc->what,
                    points[pt], n);
          if (!setup (sc, what))
            break;
          struct snap before, after;
          take (&before);
          struct ulp_error e;
          ulp_fault_arm (points[pt], n);
          int r = run_op (sc, &e);
          unsigned f = ulp_fault_fired ();
          unsigned hits = ulp_fault_hits (points[pt]);
          ulp_fault_arm (NULL, 0);
          if (f == 0)
            {
              /* Fewer than N steps of this kind: the operation ran to
                 the end.  */
              char w2[256];
              snprintf (w2, sizeof w2, "%s: %s with %u %s steps", sc->what,
                        points[pt], hits, points[pt]);
              bool good = r == 0;
              for (int i = 0; good && i < FI_N; i++)
                good = fi_value (i) == sc->expect[i];
              rt_check (good, w2, "without a fault: %s",
                        r == 0 ? "wrong values" : e.message);
              drop (&before);
              teardown (w2);
              break;
            }
          fired++;
          take (&after);
          char why[4000];
          bool ok = true;
          if (r == 0)
            ok = rt_check (false, what, "succeeded despite the fault");
          else if (!strstr (e.message, "injected fault"))
            ok = rt_check (false, what, "failed for another reason: %s",
                           e.message);
          else if (!same (&before, &after, why, sizeof why))
            ok = rt_check (false, what, "%s (error: %s)", why, e.message);
          else
            {
              /* The next attempt, without a fault, succeeds.  */
              struct ulp_error e2;
              if (run_op (sc, &e2) != 0)
                ok = rt_check (false, what, "the operation failed again "
                               "without a fault: %s", e2.message);
              else
                for (int i = 0; ok && i < FI_N; i++)
                  if (fi_value (i) != sc->expect[i])
                    ok = rt_check (false, what, "after it succeeded, "
                                   "function %c returns %d, not %d", 'a' + i,
                                   fi_value (i), sc->expect[i]);
              if (ok)
                rt_check (true, what, "");
            }
          drop (&before);
          drop (&after);
          if (!teardown (what) || !ok)
            break;
        }
      /* For inject.exp, which checks that each kind of operation was
         made to fail at each of its kinds of step.  */
      printf ("FIRED: %s %s %u\n", sc->op == APPLY ? "apply" : "revert",
              points[pt], fired);
    }
  return 0;
}
