/* ulp.h -- the ulp runtime's interface: apply, revert and list live
   patches in the calling process.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   libulp.so (linked, LD_PRELOADed, or loaded by ulp-apply) exports these
   functions.  They are thread-safe and never stop the process: each
   thread moves to a patch's universe the next time it enters the
   patched object from outside.  Every failure leaves the process as it
   was and is reported as a code and a one-line message.

   libulp.so also exports the control mailbox through which ulp-apply
   and ulp-status reach it from outside (ulp_control,
   ulp_control_kick); that protocol is internal to ulp and not declared
   here.  */

#ifndef ULP_H
#define ULP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ulp_status_code
{
  ULP_OK = 0,
  ULP_E_OPEN,           /* the patch file cannot be opened or read.  */
  ULP_E_FORMAT,         /* not a live patch, or a malformed one.  */
  ULP_E_NOT_LOADED,     /* the target object is not loaded.  */
  ULP_E_BUILD_ID,       /* the target is loaded, but another build.  */
  ULP_E_NO_FUNCTION,    /* a function to replace or symbol to refer to
                           is not in the target.  */
  ULP_E_NOT_PATCHABLE,  /* a function to replace has no patchable entry. */
  ULP_E_APPLIED,        /* this patch is already applied.  */
  ULP_E_LOAD,           /* the dynamic loader refused the patch.  */
  ULP_E_WRITE,          /* the target's code could not be written.  */
  ULP_E_NO_PATCH,       /* no such applied patch.  */
  ULP_E_NOMEM,          /* out of memory.  */
  ULP_E_INVAL,          /* a bad argument.  */
  ULP_E_NOT_NEWER = 13, /* a patch of the same name is applied to the
                           same object at the same or a newer version.  */
  ULP_E_UNTRUSTED = 14, /* the patch file or its directory could have
                           been written by someone the process does not
                           trust (manual: "Trust and signatures").  */
  ULP_E_SIGNATURE = 15, /* a signature is required and missing or bad,
                           or made with a key that is not trusted.  */
  ULP_E_NOT_ARMED = 16  /* the target was built with lazy arming, is not
                           armed yet, and other threads could be inside
                           it unseen: a tool arms it and checks them
                           first (the "arm" request).  */
};

struct ulp_error
{
  int code;           /* enum ulp_status_code.  */
  char message[512];  /* one line, no trailing newline.  */
};

/* Apply the live patch in the shared object PATH.  Verifies it fully,
   loads it, writes the detours and opens a new universe of the target
   object, or changes nothing.  Returns the patch's id (> 0), or -1 with
   *ERR filled (ERR may be NULL).  FLAGS: 0 or
   ULP_APPLY_REQUIRE_SIGNATURE, which makes this apply need a good
   signature by a trusted key even when the runtime's configuration
   does not ask for one.  Whatever FLAGS say, the file and its
   directory must pass the runtime's ownership and permission checks
   (ULP_E_UNTRUSTED).
   A versioned patch (ulp-patch.h) whose name is already applied to the
   same object at an older version (or unversioned) replaces it: one
   new universe selects the new version's functions and no longer the
   old one's, and the old version is reverted (and later unloaded) as
   by ulp_revert.  At the same or a newer version it is refused with
   ULP_E_NOT_NEWER.  */
#define ULP_APPLY_REQUIRE_SIGNATURE 1u
long ulp_apply (const char *path, unsigned flags, struct ulp_error *err);

/* Revert patch ID (0: the newest applied one), or the patch named NAME
   (ulp_revert_name).  Opens a universe without it; its code is unloaded
   once no thread can still run it.  Returns 0, or -1 with *ERR.  */
int ulp_revert (long id, unsigned flags, struct ulp_error *err);
int ulp_revert_name (const char *name, unsigned flags,
                     struct ulp_error *err);

/* One applied patch.  */
struct ulp_patch_info
{
  long id;
  char name[128];        /* the patch's name, or its file name.  */
  char path[4096];
  char target[256];      /* soname of the patched object.  */
  uint64_t universe;     /* the target universe the patch opened.  */
  unsigned functions;    /* functions it replaces.  */
  unsigned pending;      /* threads that may still run older code of
                            the target in an older universe (known to
                            the runtime; see the manual).  */
  unsigned version;      /* the patch's version, 0 when unversioned.  */
};

/* Fill up to MAX entries of OUT with the applied patches, oldest first;
   return how many are applied (which may exceed MAX).  */
size_t ulp_patches (struct ulp_patch_info *out, size_t max);

/* The runtime's state as one JSON document (objects, patches, universes,
   registered threads), malloc'ed; NULL when out of memory.  */
char *ulp_status_json (void);

/* A quiescent point: the calling thread declares that its stack is in a
   state where it may move on.  For every object it is inside of in an
   older universe, it takes the newest universe, unless a function that
   differs between the two (an old version of a patched function) is on
   its stack, which its own unwinding (_Unwind_Backtrace) checks.  Call
   it from a loop that never leaves a live-patchable object (an event
   loop, a worker's loop), between two iterations.  Cheap when nothing
   was patched since the thread's last move (a few loads per object).
   Returns the number of objects whose newest universe the thread could
   not take because an old version is on its stack, or -1 when its
   stack could not be unwound (it then stays where it was).  Not
   async-signal-safe.  */
int ulp_quiescent (void);

/* Called by the constructor of an object built with
   -fplugin-arg-ulp-arming=lazy, with its __ulp_object, through a weak
   reference (nothing happens without the runtime): the runtime arms
   the object's tracked entries while it loads, when no thread can be
   inside it yet.  Not for applications.  */
struct ulp_object_state;
void ulp_object_loaded (struct ulp_object_state *o);

#ifdef __cplusplus
}
#endif

#endif /* ULP_H */
