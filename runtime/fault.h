/* fault.h -- fault injection for the testsuite's build of the runtime.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The promise that an apply or a revert is all or nothing rests on the
   undo paths, which only run when a step fails, and the steps (memory
   for stubs and slots, code writes, relocations, publishing a function's
   versions, loading the patch) do not fail on demand.  The testsuite's
   copy of the runtime, libulp-faults.so, is built from the same sources
   with -DULP_FAULT_INJECTION (runtime/Makefile.am, never installed): its
   ulp_fault_arm makes the N-th such step of the next operations fail
   (fault.c).  In libulp.so every hook below is the constant false and
   the scope markers are empty, so nothing of this is compiled in and no
   process can trigger it.

   Steps are counted only inside ulp_apply, ulp_apply_key, ulp_revert
   and ulp_revert_name (between ulp_fault_enter and ulp_fault_leave),
   not in the maintenance those run afterwards or the worker runs by
   itself, so that the N-th step of an operation is the same step every
   time the operation runs from the same state.  */

#ifndef ULP_FAULT_H
#define ULP_FAULT_H

#include <stdbool.h>

enum ulp_fault_point
{
  ULP_FAULT_STUB,    /* memory for a stub (ulp_stub_mem) or a slot page.  */
  ULP_FAULT_WRITE,   /* a code write (ulp_code_write, ulp_code_store16).  */
  ULP_FAULT_RELOC,   /* one relocation of the patch being applied.  */
  ULP_FAULT_PUBLISH, /* publishing one function's versions (fn_publish).  */
  ULP_FAULT_DLOPEN,  /* loading the patch (ulp_trust_dlopen).  */
  ULP_FAULT_NPOINTS
};

#ifdef ULP_FAULT_INJECTION
/* Count one step of kind POINT; true when it is the armed one, which
   must then fail as if the real step had.  */
__attribute__ ((visibility ("hidden"))) bool
ulp_fault (enum ulp_fault_point point);
__attribute__ ((visibility ("hidden"))) void ulp_fault_enter (void);
__attribute__ ((visibility ("hidden"))) void ulp_fault_leave (void);
#else
#define ulp_fault(point) false
#define ulp_fault_enter() ((void) 0)
#define ulp_fault_leave() ((void) 0)
#endif

#endif /* ULP_FAULT_H */
