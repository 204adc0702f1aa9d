/* rt-basic.c -- apply, stack, revert (newest, middle, by name), list.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Arguments: patches 1, 2 and 3 of rt-lib.c (see rt-lib.h), and patch 3
   built without boundary code (-fplugin-arg-ulp-boundary=never).  One thread,
   so every change is visible at the next call and every reverted patch
   is unloaded at once.  */

#include "rt-lib.h"
#include "rt-test.h"

int
main (int argc, char **argv)
{
  if (argc != 5)
    return 2;
  void *f_before = rt_address_of_f ();
  rt_check (rt_pair () == 110 && ulp_patches (NULL, 0) == 0, "original",
            "rt_pair %d", rt_pair ());

  /* A patch without boundary code of its own (no STATE entry): the
     stubs must still find the target's thread state in static TLS.  */
  long pu = rt_apply (argv[4], "apply a patch without boundary code");
  rt_check (pu > 0 && rt_pair () == 410, "apply a patch without boundary "
            "code", "rt_pair %d", rt_pair ());
  rt_check (rt_status_count ("\"tls\": \"static\"") == 1,
            "the target's thread state is found in static TLS", "not static");
  rt_revert (pu, "revert the patch without boundary code");
  rt_check (rt_pair () == 110, "reverted", "rt_pair %d", rt_pair ());

  long p1 = rt_apply (argv[1], "apply p1");
  rt_check (p1 > 0 && rt_pair () == 220, "apply p1", "rt_pair %d",
            rt_pair ());
  struct ulp_patch_info info;
  memset (&info, 0, sizeof info);
  bool listed = rt_patch_info (p1, &info);
  /* Universes 2 and 3 were opened by the first patch and its revert.  */
  rt_check (listed && strcmp (info.name, "p1") == 0
            && strcmp (info.target, "libulprt.so") == 0
            && info.functions == 2 && info.universe == 4
            && info.pending == 0 && strcmp (info.path, argv[1]) == 0,
            "ulp_patches describes p1", "name %s target %s functions %u "
            "universe %llu pending %u", info.name, info.target,
            info.functions, (unsigned long long) info.universe,
            info.pending);

  struct ulp_error e;
  rt_check (ulp_apply (argv[1], 0, &e) == -1 && e.code == ULP_E_APPLIED,
            "p1 twice is refused", "%d %s", e.code, e.message);
  char want[4200];
  snprintf (want, sizeof want, "%s is already applied (patch %ld)", argv[1],
            p1);
  rt_check (strcmp (e.message, want) == 0, "p1 twice: message",
            "\"%s\"", e.message);

  long p2 = rt_apply (argv[2], "apply p2");
  rt_check (p2 > p1 && rt_pair () == 330, "stack p2 on p1", "rt_pair %d",
            rt_pair ());
  long p3 = rt_apply (argv[3], "apply p3");
  rt_check (p3 > p2 && rt_pair () == 430, "stack p3 on p2", "rt_pair %d",
            rt_pair ());
  rt_check (ulp_patches (NULL, 0) == 3, "three patches listed", "%zu",
            ulp_patches (NULL, 0));

  /* Revert the middle one: f_impl stays p3's, g_impl falls back to
     p1's.  */
  rt_revert (p2, "revert p2 (middle)");
  rt_check (rt_pair () == 420, "revert p2 (middle)", "rt_pair %d",
            rt_pair ());
  rt_check (rt_status_count ("\"state\": \"unloaded\"") == 2,
            "p2 unloaded at once (one thread)", "%d unloaded",
            rt_status_count ("\"state\": \"unloaded\""));

  rt_revert (0, "revert the newest (p3)");
  rt_check (rt_pair () == 220, "revert the newest (p3)", "rt_pair %d",
            rt_pair ());

  /* Apply p2 again after its revert: allowed.  */
  long p2b = rt_apply (argv[2], "apply p2 again");
  rt_check (p2b > p3 && rt_pair () == 330, "apply p2 again", "rt_pair %d",
            rt_pair ());
  rt_check (ulp_revert_name ("p2", 0, &e) == 0 && rt_pair () == 220,
            "revert by name", "rt_pair %d (%s)", rt_pair (), e.message);
  rt_check (ulp_revert_name ("p1", 0, &e) == 0 && rt_pair () == 110,
            "revert everything", "rt_pair %d (%s)", rt_pair (), e.message);
  rt_check (ulp_patches (NULL, 0) == 0
            && rt_status_count ("\"state\": \"unloaded\"") == 5,
            "all unloaded", "%zu applied, %d unloaded", ulp_patches (NULL, 0),
            rt_status_count ("\"state\": \"unloaded\""));
  rt_check (rt_status_count ("\"selection\": \"original\"") == 2,
            "original entries restored", "%d",
            rt_status_count ("\"selection\": \"original\""));
  rt_check (rt_address_of_f () == f_before && (void *) rt_f == f_before,
            "function pointers unchanged", "%p %p %p", rt_address_of_f (),
            (void *) rt_f, f_before);
  return 0;
}
