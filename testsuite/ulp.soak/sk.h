/* sk.h -- the three live-patchable libraries of the soak test.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   sk-lib.c is built three times, as libska.so.1, libskb.so.1 and
   libskc.so.1 (SK_ID a, b or c), each with the ulp plugin.  Inside,
   three static functions (tag_a, tag_b, tag_c) return the library's
   version tag: 0 for the original code, K for the code of patch K
   (sk-patch.c replaces all three).  Every exported function checks
   that all the tags it saw during one call are the same, i.e. that the
   calling thread ran the code of one universe only, and returns that
   tag, or SK_MIXED (the tags seen) when they differ.  */

#ifndef SK_H
#define SK_H

#ifdef __cplusplus
extern "C" {
#endif

/* The result of a call that saw tags A, B and C (each 0-3) that differ:
   a negative number that says which.  */
#define SK_MIXED(a, b, c) (-1 - ((a) * 16 + (b) * 4 + (c)))

#define SK_DECLARE(id)                                                    \
  /* Tags of one universe, in one short call.  */                         \
  int sk##id##_short (void);                                              \
  /* ITERS rounds of tags and work; CB (ARG) every 64 rounds, whose      \
     result must be the call's tag (a nested call back into the          \
     library) or is passed through when negative.  */                    \
  int sk##id##_long (unsigned iters, int (*cb) (int), int arg);           \
  /* Recursion through the exported interface, DEPTH levels.  */          \
  int sk##id##_recurse (int depth);                                       \
  /* Block inside the library: read one byte of FD; nanosleep NS;        \
     wait on CV (timed, MS) until *FLAG; poll FD for MS and read what    \
     came.  Tags before and after the wait must agree.  */               \
  int sk##id##_read (int fd);                                             \
  int sk##id##_sleep (long ns);                                           \
  int sk##id##_wait (void *mutex, void *cv, int *flag, int ms);           \
  int sk##id##_poll (int fd, int ms);

SK_DECLARE (a)
SK_DECLARE (b)
SK_DECLARE (c)

#ifdef __cplusplus
}
#endif

#endif /* SK_H */
