/* startup-patches.h -- apply live patches when the process starts.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

#ifndef ULP_STARTUP_PATCHES_H
#define ULP_STARTUP_PATCHES_H

#include "ulp-runtime.h"

/* Apply the patches /etc/ulp/runtime.conf, ULP_PATCHES and ULP_REPO
   name, when the runtime was loaded with the program (see
   startup-patches.c).  From the constructor, without the lock.  */
ULP_HIDDEN void ulp_startup_patches (void);

#endif /* ULP_STARTUP_PATCHES_H */
