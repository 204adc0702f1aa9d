/* exe-main.h -- the main function of the exe-before.c and exe-after.c
   programs of the ulp-mkpatch corpus.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Built with -DEXE_SELF and linked with libulp.so, the program applies
   the patch named by its argument to itself with ulp_apply, then
   reverts it.  Otherwise the runtime is not linked, and the argument is
   the directory through which the program waits for ulp-apply
   --load-runtime to patch it from outside (mk-test.h).  */

#ifndef EXE_MAIN_H
#define EXE_MAIN_H

#include "mk-test.h"

int exe_answer (void);
const char *exe_name (int);
int exe_get (void);

#ifdef EXE_SELF
/* Apply, and return the patch's id.  */
static inline long
exe_apply (const char *path)
{
  struct ulp_error e;
  long id = ulp_apply (path, 0, &e);
  if (!mk_check (id > 0, "the patch applies", "ulp_apply (%s): %s", path,
                 e.message))
    exit (0);
  return id;
}

/* Revert patch ID: the old code runs again, on the same variable.  */
static inline void
exe_revert (long id)
{
  struct ulp_error e;
  if (mk_check (ulp_revert (id, 0, &e) == 0, "the patch reverts",
                "ulp_revert: %s", e.message))
    {
      MK_INT ("the old code runs again", exe_answer (), 1092);
      MK_STR ("and returns its own strings", exe_name (2), "two");
    }
}
#define EXE_WAIT(arg) long id_ = exe_apply (arg)
#define EXE_DONE(arg) exe_revert (id_)
#else
#define EXE_WAIT(arg) mk_live_wait (arg)
#define EXE_DONE(arg) mk_touch (arg, "done")
#endif

#define EXE_MAIN                                                          \
  int main (int argc, char **argv)                                        \
  {                                                                       \
    if (argc != 2)                                                        \
      return 2;                                                           \
    MK_INT ("before the patch", exe_answer (), 41);                       \
    MK_STR ("a static table before the patch", exe_name (1), "one");     \
    EXE_WAIT (argv[1]);                                                   \
    /* 2 * 42 + 7, and 1000 when the patch's &exe_twice is the          \
       program's.  */                                                     \
    MK_INT ("the new code reaches the program's functions and data",      \
            exe_answer (), 1091);                                         \
    MK_INT ("unchanged code sees the same variable", exe_get (), 1091);   \
    MK_STR ("the new code calls the C library with its own string",       \
            exe_name (2), "name-two");                                    \
    EXE_DONE (argv[1]);                                                   \
    return 0;                                                             \
  }
#endif
