/* text-write.c -- write machine code into the running process.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Two kinds of write.  Code nobody executes yet (a function's pre-entry
   area before its entry jumps there, a stub before it is published) can
   be written byte by byte.  A function's 2-byte entry is executed by
   other threads while it changes, so it must change in one step: every
   thread sees 66 90 or the short jump, never a torn mix.

   The usual way is to make the page writable with mprotect (keeping it
   executable, since other threads run it), write, and restore the
   protection; the entry is then one aligned __atomic_store_n.  When
   the process refuses writable code (PR_SET_MDWE, systemd's
   MemoryDenyWriteExecute, SELinux execmod), mprotect fails and nothing
   has changed; then plain writes go through /proc/self/mem, which the
   kernel performs even on read-only mappings.  But a write through
   /proc/self/mem is a kernel memcpy, which may copy byte by byte (rep
   movsb), so the entry is not written there in place: the page is
   copied into a new read+execute page (mapping that is allowed), the 2
   bytes are changed in the copy through /proc/self/mem, and mremap
   moves the copy over the original page.  mremap holds the address
   space's lock for writing, so a thread faulting on the page in the
   meantime waits and then sees the new page: the switch is atomic for
   every thread.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ulp-runtime.h"

#define PAGE 4096UL

enum method
{
  METHOD_NONE,
  METHOD_MPROTECT,
  METHOD_PROC_MEM
};

static enum method last_method = METHOD_NONE;
static bool mprotect_refused;
static int mem_fd = -1;

const char *
ulp_code_write_method (void)
{
  switch (last_method)
    {
    case METHOD_MPROTECT:
      return "mprotect";
    case METHOD_PROC_MEM:
      return "proc-mem";
    default:
      return "none";
    }
}

static int
open_mem (struct ulp_error *err)
{
  if (mem_fd >= 0)
    return 0;
  mem_fd = open ("/proc/self/mem", O_RDWR | O_CLOEXEC);
  if (mem_fd < 0)
    return ulp_fail (err, ULP_E_WRITE,
                     "cannot write code: mprotect refused and "
                     "/proc/self/mem: %s", strerror (errno));
  return 0;
}

/* A write session (ulp_code_session_begin): the mappings made writable
   for it, each whole, with the protection they get back at its end.
   Each mprotect of code that other threads run costs a TLB shootdown,
   an interrupt of every other CPU the process runs on, and waits for
   them all; in a virtual machine tens of microseconds.  An apply writes
   a function's pre-entry area and entry, its stubs and the patch's
   relocated code, each write once to unprotect and once to protect
   again: per function most of an in-process apply's time.  In a
   session each mapping written is made writable once and protected
   again once.  */
#define SESSION_MAX 32

static struct
{
  uintptr_t lo, hi;
  int prot;
} session[SESSION_MAX];
static size_t nsession;
static unsigned session_depth;

void
ulp_code_session_begin (void)
{
  session_depth++;
}

/* Call FN (START, END, PROT, ARG) for each mapping of this process, in
   /proc/self/maps order, until it returns false.  Read with read(2)
   into a buffer on the stack: no stdio, no malloc.  */
static void
scan_maps (bool (*fn) (uintptr_t, uintptr_t, int, void *), void *arg)
{
  int fd = open ("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  char buf[8192];
  size_t have = 0;
  bool go = true, done = false;
  while (go && !done)
    {
      ssize_t r = read (fd, buf + have, sizeof buf - 1 - have);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        done = true;
      else
        have += (size_t) r;
      buf[have] = '\0';
      char *line = buf, *nl;
      while (go && (nl = strchr (line, '\n')))
        {
          unsigned long a, b;
          char perms[5];
          if (sscanf (line, "%lx-%lx %4s", &a, &b, perms) == 3)
            go = fn (a, b,
                     (perms[0] == 'r' ? PROT_READ : 0)
                     | (perms[1] == 'w' ? PROT_WRITE : 0)
                     | (perms[2] == 'x' ? PROT_EXEC : 0), arg);
          line = nl + 1;
        }
      /* Keep the partial last line for the next read.  */
      size_t rest = have - (size_t) (line - buf);
      memmove (buf, line, rest);
      have = rest;
      if (have == sizeof buf - 1)
        have = 0;   /* a line longer than the buffer: skip it.  */
    }
  close (fd);
}

struct range_prot
{
  uintptr_t lo, hi;
  int prot;
  bool found;
  uintptr_t start, end;
  int now;
};

static bool
holding (uintptr_t a, uintptr_t b, int prot, void *arg)
{
  struct range_prot *q = arg;
  if (a > q->lo || q->hi > b)
    return true;
  q->found = true;
  q->start = a;
  q->end = b;
  q->now = prot;
  return false;
}

/* Protect again with Q->PROT every part of [Q->LO, Q->HI) that is still
   writable code (Q->PROT plus PROT_WRITE).  */
static bool
reprotect_part (uintptr_t a, uintptr_t b, int prot, void *arg)
{
  struct range_prot *q = arg;
  if (b <= q->lo || a >= q->hi || prot != (q->prot | PROT_WRITE))
    return true;
  uintptr_t lo = a > q->lo ? a : q->lo, hi = b < q->hi ? b : q->hi;
  /* Failure leaves the part writable, which is still correct code.  */
  mprotect ((void *) lo, hi - lo, q->prot);
  return true;
}

void
ulp_code_session_end (void)
{
  if (session_depth == 0 || --session_depth > 0)
    return;
  /* Part by part, as the mappings are now: one made writable may since
     have merged with a neighbour made writable too, or lost a part
     (a patch's code unmapped after a failed apply), and a mapping put
     in the place of one unmapped is not ours to protect.  */
  for (size_t i = 0; i < nsession; i++)
    {
      struct range_prot q = { .lo = session[i].lo, .hi = session[i].hi,
                              .prot = session[i].prot };
      scan_maps (reprotect_part, &q);
    }
  nsession = 0;
}

static bool
in_session (uintptr_t lo, uintptr_t hi)
{
  for (size_t i = 0; i < nsession; i++)
    if (lo >= session[i].lo && hi <= session[i].hi)
      return true;
  return false;
}

/* In a session, make the whole mapping holding [LO, HI) writable, if
   its protection is PROT, and remember it.  A mapping already writable
   code is one this session made so (it merged with a neighbour since):
   it is remembered too.  */
static bool
session_unprotect (uintptr_t lo, uintptr_t hi, int prot)
{
  if (nsession == SESSION_MAX)
    return false;
  struct range_prot q = { .lo = lo, .hi = hi };
  scan_maps (holding, &q);
  if (!q.found || (q.now != prot && q.now != (prot | PROT_WRITE)))
    return false;
  if (q.now == prot
      && mprotect ((void *) q.start, q.end - q.start, prot | PROT_WRITE) != 0)
    return false;
  session[nsession].lo = q.start;
  session[nsession].hi = q.end;
  session[nsession].prot = prot;
  nsession++;
  return true;
}

/* Make [ADDR, ADDR+N) writable, keeping PROT.  False when refused.  */

static bool
unprotect (uintptr_t addr, size_t n, int prot)
{
  if (mprotect_refused)
    return false;
  uintptr_t lo = addr & ~(PAGE - 1);
  uintptr_t hi = (addr + n + PAGE - 1) & ~(PAGE - 1);
  if (session_depth > 0
      && (in_session (lo, hi) || session_unprotect (lo, hi, prot)))
    return true;
  if (mprotect ((void *) lo, hi - lo, prot | PROT_WRITE) == 0)
    return true;
  if (errno == EACCES || errno == EPERM)
    mprotect_refused = true;
  return false;
}

static void
reprotect (uintptr_t addr, size_t n, int prot)
{
  uintptr_t lo = addr & ~(PAGE - 1);
  uintptr_t hi = (addr + n + PAGE - 1) & ~(PAGE - 1);
  /* A session's mapping is protected again at its end.  */
  if (session_depth > 0 && in_session (lo, hi))
    return;
  /* Failure leaves the page writable, which is still correct code.  */
  mprotect ((void *) lo, hi - lo, prot);
}

static int
mem_write (uintptr_t addr, const void *bytes, size_t n, struct ulp_error *err)
{
  if (open_mem (err) < 0)
    return -1;
  const unsigned char *p = bytes;
  while (n > 0)
    {
      ssize_t w = pwrite (mem_fd, p, n, (off_t) addr);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return ulp_fail (err, ULP_E_WRITE,
                         "cannot write code at %#lx through /proc/self/mem: "
                         "%s", (unsigned long) addr,
                         w < 0 ? strerror (errno) : "short write");
      p += w;
      n -= (size_t) w;
      addr += (uintptr_t) w;
    }
  return 0;
}

int
ulp_code_write (void *addr, const void *bytes, size_t n, int prot,
                struct ulp_error *err)
{
  uintptr_t a = (uintptr_t) addr;
  if (ulp_fault (ULP_FAULT_WRITE))
    return ulp_fail (err, ULP_E_WRITE, "cannot write code at %#lx: "
                     "injected fault", (unsigned long) a);
  if (unprotect (a, n, prot))
    {
      memcpy (addr, bytes, n);
      reprotect (a, n, prot);
      last_method = METHOD_MPROTECT;
      __builtin___clear_cache ((char *) addr, (char *) addr + n);
      return 0;
    }
  if (mem_write (a, bytes, n, err) < 0)
    return -1;
  last_method = METHOD_PROC_MEM;
  return 0;
}

/* Replace the page holding ADDR by a copy with VAL at ADDR.  */

static int
swap_page (uintptr_t addr, uint16_t val, int prot, struct ulp_error *err)
{
  uintptr_t page = addr & ~(PAGE - 1);
  unsigned char copy[PAGE];
  memcpy (copy, (const void *) page, PAGE);
  memcpy (copy + (addr - page), &val, sizeof val);
  void *fresh = mmap (NULL, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (fresh == MAP_FAILED)
    return ulp_fail (err, ULP_E_WRITE, "cannot map a page to rewrite code: "
                     "%s", strerror (errno));
  if (mem_write ((uintptr_t) fresh, copy, PAGE, err) < 0)
    {
      munmap (fresh, PAGE);
      return -1;
    }
  void *moved = mremap (fresh, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
                        (void *) page);
  if (moved == MAP_FAILED)
    {
      int e = errno;
      munmap (fresh, PAGE);
      return ulp_fail (err, ULP_E_WRITE,
                       "cannot replace the code page at %#lx: %s",
                       (unsigned long) page, strerror (e));
    }
  return 0;
}

int
ulp_code_store16 (void *addr, uint16_t val, int prot, struct ulp_error *err)
{
  uintptr_t a = (uintptr_t) addr;
  if (a & 1)
    return ulp_fail (err, ULP_E_WRITE, "misaligned entry at %#lx",
                     (unsigned long) a);
  if (ulp_fault (ULP_FAULT_WRITE))
    return ulp_fail (err, ULP_E_WRITE, "cannot write the entry at %#lx: "
                     "injected fault", (unsigned long) a);
  if (unprotect (a, 2, prot))
    {
      __atomic_store_n ((uint16_t *) addr, val, __ATOMIC_SEQ_CST);
      reprotect (a, 2, prot);
      last_method = METHOD_MPROTECT;
      return 0;
    }
  if (open_mem (err) < 0)
    return -1;
  if (swap_page (a, val, prot, err) < 0)
    return -1;
  last_method = METHOD_PROC_MEM;
  return 0;
}

int
ulp_code_store16_many (const uintptr_t *addrs, const uint16_t *vals,
                       uint16_t val, size_t n, int prot, size_t *done,
                       struct ulp_error *err)
{
  size_t k = 0;
  if (done)
    *done = 0;
  if (n == 0)
    return 0;
  uintptr_t lo = addrs[0], hi = addrs[0] + 2;
  for (size_t i = 1; i < n; i++)
    {
      if (addrs[i] < lo)
        lo = addrs[i];
      if (addrs[i] + 2 > hi)
        hi = addrs[i] + 2;
    }
  /* One mprotect for the span rather than two per site: an object has
     as many sites as exported functions.  The span lies in one
     executable segment (the caller's sites are an object's entries).  */
  if (!ulp_fault (ULP_FAULT_WRITE) && unprotect (lo, hi - lo, prot))
    {
      for (; k < n; k++)
        {
          if (addrs[k] & 1)
            break;
          __atomic_store_n ((uint16_t *) addrs[k], vals ? vals[k] : val,
                            __ATOMIC_SEQ_CST);
        }
      reprotect (lo, hi - lo, prot);
      last_method = METHOD_MPROTECT;
      if (done)
        *done = k;
      if (k == n)
        return 0;
      return ulp_fail (err, ULP_E_WRITE, "misaligned entry at %#lx",
                       (unsigned long) addrs[k]);
    }
  for (; k < n; k++)
    {
      if (ulp_code_store16 ((void *) addrs[k], vals ? vals[k] : val, prot,
                            err) < 0)
        break;
      if (done)
        *done = k + 1;
    }
  return k == n ? 0 : -1;
}
