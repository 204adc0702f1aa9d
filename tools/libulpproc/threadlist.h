/* threadlist.h -- another process's threads and TLS, read without
   stopping it.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Each thread's universe and depth for an object live in the object's
   thread-local __ulp_thread (ulp-meta.h).  To read them from outside we
   need each thread's thread pointer and the object's TLS module, which
   glibc keeps in its thread list and link maps.  Their layout is
   private, but glibc publishes it for debuggers (libthread_db): libc
   exports _thread_db_* descriptors giving the offsets of the fields
   (pthread.tid, pthread.list, the dtv ...), and ld.so exports
   _rtld_global (the thread lists) and _r_debug (the link maps).  This
   module reads those with process_vm_readv while the process runs: a
   thread created or gone meanwhile may be missed, nothing worse.  */

#ifndef ULP_THREADLIST_H
#define ULP_THREADLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "outcome.h"
#include "target.h"

struct tl_thread
{
  pid_t tid;
  uint64_t tp;      /* thread pointer (%fs base): its struct pthread.  */
  uint64_t dtv;
};

struct tl_module
{
  uint64_t l_addr;  /* load bias.  */
  uint64_t modid;   /* TLS module id, 0 without TLS.  */
  int64_t offset;   /* static TLS offset (block at tp - offset), or <= 0
                       when the block is allocated dynamically.  */
};

struct threadlist
{
  struct tl_thread *threads;
  size_t nthreads;
  struct tl_module *mods;
  size_t nmods;
};

/* Read T's thread list and link maps.  Needs target_find_libc.  0, or
   -1 with the reason in *OC (ULP_EXIT_FAIL).  */
int threadlist_read (struct target *t, struct threadlist *tl,
                     struct outcome *oc);
void threadlist_free (struct threadlist *tl);

/* The thread TID, or NULL.  */
const struct tl_thread *threadlist_find (const struct threadlist *tl,
                                         pid_t tid);

/* Read LEN bytes at OFFSET in the TLS block of the module loaded at
   L_ADDR, for thread TH.  1: read; 0: the thread has no block for it
   yet (it never touched the module's TLS); -1: unknown.  */
int threadlist_tls_read (struct target *t, const struct threadlist *tl,
                         const struct tl_thread *th, uint64_t l_addr,
                         uint64_t offset, void *buf, size_t len);

/* The same for the address of those bytes in *ADDR.  */
int threadlist_tls_addr (struct target *t, const struct threadlist *tl,
                         const struct tl_thread *th, uint64_t l_addr,
                         uint64_t offset, uint64_t *addr);

#endif /* ULP_THREADLIST_H */
