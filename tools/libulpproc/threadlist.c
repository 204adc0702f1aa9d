/* threadlist.c -- another process's threads and TLS, read without
   stopping it.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See threadlist.h.  A libthread_db descriptor is three 32-bit words:
   the field's size in bits, an element count, and its byte offset.
   glibc 2.34 and later keep them in libc.so.6 (before, in
   libpthread.so.0, which is not supported here).  On x86-64 the thread
   pointer is the address of the thread's struct pthread, and a module's
   static TLS block lies L_TLS_OFFSET bytes below it (TLS variant II).  */

#include <config.h>

#include "threadlist.h"

#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 1000000

static bool
desc (struct target *t, const char *name, uint32_t *offset)
{
  uint64_t v = objfile_dynsym (t->libc, name, NULL);
  if (!v)
    return false;
  const uint32_t *d = objfile_bytes (t->libc, v, 12);
  if (!d)
    return false;
  *offset = d[2];
  return true;
}

static int
read_u64 (struct target *t, uint64_t addr, uint64_t *v)
{
  return target_read (t, addr, v, sizeof *v);
}

static int
walk (struct target *t, struct threadlist *tl, uint64_t head,
      uint32_t off_list, uint32_t off_tid, uint32_t off_dtv)
{
  uint64_t e;
  if (read_u64 (t, head, &e) < 0)
    return -1;
  size_t cap = tl->nthreads;
  for (size_t k = 0; e && e != head && k < MAX_THREADS; k++)
    {
      uint64_t pd = e - off_list;
      int32_t tid;
      uint64_t dtv;
      if (target_read (t, pd + off_tid, &tid, sizeof tid) < 0
          || read_u64 (t, pd + off_dtv, &dtv) < 0)
        return -1;
      if (tid > 0)
        {
          if (tl->nthreads == cap)
            {
              cap = cap ? 2 * cap : 64;
              struct tl_thread *nv = realloc (tl->threads,
                                              cap * sizeof *nv);
              if (!nv)
                return -1;
              tl->threads = nv;
            }
          tl->threads[tl->nthreads++] = (struct tl_thread) { tid, pd, dtv };
        }
      if (read_u64 (t, e, &e) < 0)   /* list_t.next is at 0.  */
        return -1;
    }
  return 0;
}

int
threadlist_read (struct target *t, struct threadlist *tl,
                 struct outcome *oc)
{
  memset (tl, 0, sizeof *tl);
  if (!t->libc || !t->ldso)
    {
      return outcome_fail (oc, ULP_EXIT_FAIL, "no C library or dynamic "
                           "loader");
    }
  uint32_t off_used, off_user, off_list, off_tid, off_dtv, off_modid,
    off_tlsoff;
  if (!desc (t, "_thread_db_rtld_global__dl_stack_used", &off_used)
      || !desc (t, "_thread_db_rtld_global__dl_stack_user", &off_user)
      || !desc (t, "_thread_db_pthread_list", &off_list)
      || !desc (t, "_thread_db_pthread_tid", &off_tid)
      || !desc (t, "_thread_db_pthread_dtvp", &off_dtv)
      || !desc (t, "_thread_db_link_map_l_tls_modid", &off_modid)
      || !desc (t, "_thread_db_link_map_l_tls_offset", &off_tlsoff))
    {
      return outcome_fail (oc, ULP_EXIT_FAIL, "the C library does not "
                           "describe its threads (glibc 2.34 or later is "
                           "needed)");
    }
  uint64_t rtld = objfile_dynsym (t->ldso, "_rtld_global", NULL);
  uint64_t rdebug = objfile_dynsym (t->ldso, "_r_debug", NULL);
  if (!rtld || !rdebug)
    {
      return outcome_fail (oc, ULP_EXIT_FAIL, "the dynamic loader exports no "
                           "_rtld_global or _r_debug");
    }
  rtld += t->ldso_bias;
  rdebug += t->ldso_bias;
  if (walk (t, tl, rtld + off_used, off_list, off_tid, off_dtv) < 0
      || walk (t, tl, rtld + off_user, off_list, off_tid, off_dtv) < 0)
    {
      threadlist_free (tl);
      return outcome_fail (oc, ULP_EXIT_FAIL, "cannot read the thread list");
    }
  /* struct r_debug { int r_version; struct link_map *r_map; ... };
     struct link_map { l_addr, l_name, l_ld, l_next, l_prev, ... }.  */
  uint64_t lm;
  size_t cap = 0;
  if (read_u64 (t, rdebug + 8, &lm) < 0)
    {
      threadlist_free (tl);
      return outcome_fail (oc, ULP_EXIT_FAIL, "cannot read the link maps");
    }
  for (size_t k = 0; lm && k < 100000; k++)
    {
      uint64_t l_addr, modid, next;
      int64_t off;
      if (read_u64 (t, lm, &l_addr) < 0 || read_u64 (t, lm + 24, &next) < 0
          || read_u64 (t, lm + off_modid, &modid) < 0
          || target_read (t, lm + off_tlsoff, &off, sizeof off) < 0)
        break;
      if (tl->nmods == cap)
        {
          cap = cap ? 2 * cap : 32;
          struct tl_module *nv = realloc (tl->mods, cap * sizeof *nv);
          if (!nv)
            break;
          tl->mods = nv;
        }
      tl->mods[tl->nmods++] = (struct tl_module) { l_addr, modid, off };
      lm = next;
    }
  return 0;
}

void
threadlist_free (struct threadlist *tl)
{
  free (tl->threads);
  free (tl->mods);
  memset (tl, 0, sizeof *tl);
}

const struct tl_thread *
threadlist_find (const struct threadlist *tl, pid_t tid)
{
  for (size_t i = 0; i < tl->nthreads; i++)
    if (tl->threads[i].tid == tid)
      return &tl->threads[i];
  return NULL;
}

int
threadlist_tls_read (struct target *t, const struct threadlist *tl,
                     const struct tl_thread *th, uint64_t l_addr,
                     uint64_t offset, void *buf, size_t len)
{
  uint64_t addr;
  int r = threadlist_tls_addr (t, tl, th, l_addr, offset, &addr);
  if (r <= 0)
    return r;
  return target_read (t, addr, buf, len) < 0 ? -1 : 1;
}

int
threadlist_tls_addr (struct target *t, const struct threadlist *tl,
                     const struct tl_thread *th, uint64_t l_addr,
                     uint64_t offset, uint64_t *addr)
{
  const struct tl_module *m = NULL;
  for (size_t i = 0; i < tl->nmods && !m; i++)
    if (tl->mods[i].l_addr == l_addr && tl->mods[i].modid)
      m = &tl->mods[i];
  if (!m)
    return -1;
  uint64_t block;
  /* A real static offset is positive in variant II; 0 means none yet
     and -1 forces dynamic allocation.  */
  if (m->offset > 0)
    block = th->tp - (uint64_t) m->offset;
  else
    {
      /* dtv[-1].counter is the dtv's length; entry I is 16 bytes.  */
      uint64_t n, val;
      if (!th->dtv || read_u64 (t, th->dtv - 16, &n) < 0)
        return -1;
      if (m->modid > n)
        return 0;
      if (read_u64 (t, th->dtv + 16 * m->modid, &val) < 0)
        return -1;
      if (val == 0 || val == UINT64_MAX)
        return 0;
      block = val;
    }
  *addr = block + offset;
  return 1;
}
