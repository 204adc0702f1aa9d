/* fi-lib.h -- the library the fault-injection tests patch (inject.exp).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Five static functions fa ... fe return 1 ... 5; fi_value (I) calls
   the I-th, fi_label (I) is its address (the label the plugin put after
   its pre-entry area).  The patches (fi-patch.c) return other numbers
   and read the library's statics `scale' (1) and `bias' (0) through
   relocated pointers, so a patch whose relocations were not all written
   gives wrong numbers or crashes.  */

#ifndef FI_LIB_H
#define FI_LIB_H

#define FI_N 5

int fi_value (int i);
void *fi_label (int i);

#endif /* FI_LIB_H */
