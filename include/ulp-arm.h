/* ulp-arm.h -- which frames of a thread entered an object through an
   unarmed tracked entry.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Shared by the runtime (a thread applying an object's first patch from
   inside it: runtime/arm.c) and ulp-apply (every thread of a process
   whose object it arms: tools/libulpproc/arm-check.c), which see a thread's
   frames through different unwinders but decide the same way.

   Until an object is armed (ULP_F_ARMABLE in ulp-meta.h), a call from
   outside runs an entry's body directly, so a thread inside the object
   at the arming has no state saying so.  Its frames show it: a frame in
   the body of an entry whose caller's frame is outside the object is
   such an entry, and the stack pointer it had there (its caller's
   stack pointer less the return address) is what the armed entry would
   have recorded.  Frames outside a body (a static start routine, a
   callback the object registered elsewhere) were never tracked.  */

#ifndef ULP_ARM_H
#define ULP_ARM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is A in one of the N sorted, disjoint [start, end) pairs R?  */
static inline bool
ulp_arm_in_ranges (const uint64_t (*r)[2], size_t n, uint64_t a)
{
  size_t lo = 0, hi = n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (a < r[mid][0])
        hi = mid;
      else if (a >= r[mid][1])
        lo = mid + 1;
      else
        return true;
    }
  return false;
}

/* Of a thread whose N frames (innermost first) have the code addresses
   PC (the call itself for a return address) and stack pointers SP: the
   stack pointer at the outermost entry into the object spanning
   [LO, HI) that landed in one of its entries' BODIES, or 0 when there
   is none.  */
static inline uint64_t
ulp_arm_untracked_entry_sp (uint64_t lo, uint64_t hi,
                            const uint64_t (*bodies)[2], size_t nbodies,
                            const uint64_t *pc, const uint64_t *sp, size_t n)
{
  uint64_t s = 0;
  for (size_t i = 0; i + 1 < n; i++)
    {
      bool here = pc[i] >= lo && pc[i] < hi;
      bool caller_here = pc[i + 1] >= lo && pc[i + 1] < hi;
      if (here && !caller_here && ulp_arm_in_ranges (bodies, nbodies, pc[i])
          && sp[i + 1] - 8 > s)
        s = sp[i + 1] - 8;
    }
  return s;
}

#endif /* ULP_ARM_H */
