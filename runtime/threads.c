/* threads.c -- threads, their universes, and the boundary slow path.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The boundary code the plugin compiles into every exported function
   settles most entries inline (ulp-meta.h); the rest come here through
   the object's enter_slow:

   - Depth 0 and an older universe: the thread enters the object from
     outside after a patch changed it, and migrates.  It normally takes
     the newest universe.  But the thread may have chosen the version
     of the function it is entering before that universe was opened: it
     passed the function's entry, or read the universe in a stub, and
     was then preempted while a patch was applied.  Moving it to the
     newest universe would then run the old function with new callees.
     So the slow path looks at what is running: the return address into
     the function body (found in the plugin's __ulp_slow frame, see
     slow-stub.S) is looked up in the object's code ranges, and the
     thread migrates to the newest universe whose table names that very
     version.  The whole outermost call is then consistent.

   - A depth that is not 0 while the stack pointer is not below the
     outermost frame.  Either a signal handler runs on an alternate
     stack (sigaltstack says SS_ONSTACK) while the thread was inside the
     object: that is a nested entry, depth grows and the universe stays.
     Or the outermost frame is gone without its cleanup running (longjmp
     out of the object, an exception through code built without
     unwind tables): the depth is stale, and this entry is an outermost
     one, which migrates as above.

   - The first entry of a thread (universe 0): the thread registers in
     the object's registry, so the runtime can later read its state to
     decide when old versions are no longer needed.

   The slow path may run in a signal handler, so it is async-signal-safe:
   the registry is a list of mmap'ed chunks whose entries are claimed
   with compare-and-swap; nothing takes a lock or calls malloc.  The
   runtime reads other threads' states with process_vm_readv on its own
   process, which fails cleanly (instead of crashing) when the thread
   has exited and its TLS is unmapped, and reads each state twice to
   reject a torn copy.

   Threads that existed before the runtime attached to an object may
   have entered it unseen (its enter_slow was 0 then): they are listed
   as "T0" and count as unknown until they register or exit.

   Some questions cannot be answered from a thread's state: whether it
   sits between a function's entry and its boundary code (a handful of
   instructions) holding a version it chose before the newest universe
   was opened.  For those the runtime keeps, per universe opened, a
   snapshot of each thread's CPU time: a thread that has exited, is
   blocked in the kernel, started after, or has run at least a
   millisecond since cannot still be in such a window (windows contain
   no system calls and no loops).  */

#include <config.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ulp-runtime.h"

extern void *__tls_get_addr (void *);

#define REG_CHUNK_BYTES (16 * 1024)
/* CPU time after which a thread cannot still be in an entry window.  */
#define PAST_NS 1000000ULL

int
ulp_gettid (void)
{
  return (int) syscall (SYS_gettid);
}

static bool
tid_alive (int tid)
{
  if (syscall (SYS_tgkill, getpid (), tid, 0) == 0)
    return true;
  return errno != ESRCH;
}

/* ------------------------------------------------------------------ */
/* Registry.                                                           */
/* ------------------------------------------------------------------ */

static struct ulp_reg_chunk *
chunk_new (void)
{
  void *p = mmap (NULL, REG_CHUNK_BYTES, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  struct ulp_reg_chunk *c = p;
  c->next = NULL;
  c->cap = (REG_CHUNK_BYTES - sizeof *c) / sizeof c->e[0];
  return c;
}

/* The entry of TID, or NULL.  */

static struct ulp_reg_entry *
reg_find (struct ulp_obj *h, int tid)
{
  for (struct ulp_reg_chunk *c = __atomic_load_n (&h->reg, __ATOMIC_ACQUIRE);
       c; c = __atomic_load_n (&c->next, __ATOMIC_ACQUIRE))
    for (size_t i = 0; i < c->cap; i++)
      if (__atomic_load_n (&c->e[i].tid, __ATOMIC_ACQUIRE) == tid)
        return &c->e[i];
  return NULL;
}

static void register_tid (struct ulp_obj *h, int tid,
                          struct ulp_thread_state *t);

void
ulp_register (struct ulp_obj *h, struct ulp_thread_state *t)
{
  register_tid (h, ulp_gettid (), t);
}

static void
register_tid (struct ulp_obj *h, int tid, struct ulp_thread_state *t)
{
  struct ulp_reg_entry *e = reg_find (h, tid);
  if (e && __atomic_load_n (&e->t, __ATOMIC_ACQUIRE) == (uintptr_t) t)
    return;
  if (e)
    {
      /* A stale entry of an exited thread whose id came back.  */
      __atomic_store_n (&e->t, (uintptr_t) t, __ATOMIC_RELEASE);
      return;
    }
  struct ulp_reg_chunk **link = &h->reg;
  struct ulp_reg_chunk *c = __atomic_load_n (link, __ATOMIC_ACQUIRE);
  for (;;)
    {
      if (!c)
        {
          struct ulp_reg_chunk *n = chunk_new ();
          if (!n)
            return; /* Stays unregistered: the runtime assumes the worst. */
          struct ulp_reg_chunk *expected = NULL;
          if (!__atomic_compare_exchange_n (link, &expected, n, false,
                                            __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE))
            {
              munmap (n, REG_CHUNK_BYTES);
              c = expected;
              continue;
            }
          c = n;
        }
      for (size_t i = 0; i < c->cap; i++)
        {
          int zero = 0;
          if (__atomic_load_n (&c->e[i].tid, __ATOMIC_RELAXED) == 0
              && __atomic_compare_exchange_n (&c->e[i].tid, &zero, tid,
                                              false, __ATOMIC_ACQ_REL,
                                              __ATOMIC_RELAXED))
            {
              __atomic_store_n (&c->e[i].t, (uintptr_t) t, __ATOMIC_RELEASE);
              return;
            }
        }
      link = &c->next;
      c = __atomic_load_n (link, __ATOMIC_ACQUIRE);
    }
}

/* Free the entry of an exited thread.  Under the lock.  */

static void
reg_clear (struct ulp_reg_entry *e)
{
  __atomic_store_n (&e->t, 0, __ATOMIC_RELEASE);
  __atomic_store_n (&e->tid, 0, __ATOMIC_RELEASE);
}

size_t
ulp_registered_count (struct ulp_obj *h)
{
  size_t n = 0;
  for (struct ulp_reg_chunk *c = __atomic_load_n (&h->reg, __ATOMIC_ACQUIRE);
       c; c = __atomic_load_n (&c->next, __ATOMIC_ACQUIRE))
    for (size_t i = 0; i < c->cap; i++)
      if (__atomic_load_n (&c->e[i].tid, __ATOMIC_ACQUIRE) != 0)
        n++;
  return n;
}

/* ------------------------------------------------------------------ */
/* Threads that may have entered before the runtime attached (T0).    */
/* ------------------------------------------------------------------ */

static int
cmp_int (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return x < y ? -1 : x > y;
}

/* The process's thread ids, malloc'ed; NULL when /proc is missing.  */

int *
ulp_list_tids (size_t *n)
{
  DIR *d = opendir ("/proc/self/task");
  if (!d)
    return NULL;
  size_t cap = 64, k = 0;
  int *v = malloc (cap * sizeof *v);
  struct dirent *de;
  while (v && (de = readdir (d)) != NULL)
    {
      char *end;
      long tid = strtol (de->d_name, &end, 10);
      if (*end || tid <= 0)
        continue;
      if (k == cap)
        {
          cap *= 2;
          int *nv = realloc (v, cap * sizeof *nv);
          if (!nv)
            {
              free (v);
              v = NULL;
              break;
            }
          v = nv;
        }
      v[k++] = (int) tid;
    }
  closedir (d);
  if (v)
    qsort (v, k, sizeof *v, cmp_int);
  *n = k;
  return v;
}

static void
set_t0 (struct ulp_obj *h, int self)
{
  size_t n;
  int *tids = ulp_list_tids (&n);
  struct ulp_t0 *t0 = NULL;
  /* The runtime's own worker (control.c) never runs the object's
     code.  */
  int worker = (int) __atomic_load_n (&ulp_control.worker_tid,
                                      __ATOMIC_ACQUIRE);
  if (tids)
    {
      size_t k = 0;
      for (size_t i = 0; i < n; i++)
        if (tids[i] != self && tids[i] != worker && !reg_find (h, tids[i]))
          tids[k++] = tids[i];
      if (k == 0)
        {
          free (tids);
          __atomic_store_n (&h->t0_pending, 0, __ATOMIC_RELEASE);
          return;
        }
      t0 = malloc (sizeof *t0);
      unsigned char *flags = calloc (k, 1);
      if (t0 && flags)
        {
          t0->n = k;
          t0->tids = tids;
          t0->flags = flags;
        }
      else
        {
          free (t0);
          free (flags);
          free (tids);
          t0 = NULL;
        }
    }
  /* Without a list every thread is unknown for good (T0 NULL).  */
  __atomic_store_n (&h->t0, t0, __ATOMIC_RELEASE);
  __atomic_store_n (&h->t0_pending, 1, __ATOMIC_RELEASE);
}

void
ulp_threads_attach (struct ulp_obj *h)
{
  struct ulp_thread_state *self = ulp_obj_self_state (h);
  if (self && self->universe != 0)
    ulp_register (h, self);
  set_t0 (h, ulp_gettid ());
}

void
ulp_threads_after_fork (struct ulp_obj *h)
{
  /* The parent's other threads do not exist here; their entries go at
     the next listing.  This thread may hold a state under the parent's
     thread id: register it again under its own.  */
  h->pid = getpid ();
  struct ulp_thread_state *self = ulp_obj_self_state (h);
  if (self && self->universe != 0)
    ulp_register (h, self);
  set_t0 (h, ulp_gettid ());
}

static void
t0_check (struct ulp_obj *h, struct ulp_thread_state *t)
{
  struct ulp_t0 *t0 = __atomic_load_n (&h->t0, __ATOMIC_ACQUIRE);
  if (!t0)
    return;
  int tid = ulp_gettid ();
  size_t lo = 0, hi = t0->n;
  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      if (t0->tids[mid] == tid)
        {
          if (!__atomic_load_n (&t0->flags[mid], __ATOMIC_ACQUIRE))
            {
              ulp_register (h, t);
              __atomic_store_n (&t0->flags[mid], 1, __ATOMIC_RELEASE);
            }
          return;
        }
      if (t0->tids[mid] < tid)
        lo = mid + 1;
      else
        hi = mid;
    }
}

bool
ulp_t0_pending_p (struct ulp_obj *h, int tid)
{
  if (!__atomic_load_n (&h->t0_pending, __ATOMIC_ACQUIRE))
    return false;
  struct ulp_t0 *t0 = __atomic_load_n (&h->t0, __ATOMIC_ACQUIRE);
  if (!t0)
    return false;
  int *p = bsearch (&tid, t0->tids, t0->n, sizeof *t0->tids, cmp_int);
  return p && !__atomic_load_n (&t0->flags[p - t0->tids], __ATOMIC_ACQUIRE)
         && !reg_find (h, tid);
}

bool
ulp_t0_register (struct ulp_obj *h, int tid, uintptr_t t)
{
  struct ulp_t0 *t0 = __atomic_load_n (&h->t0, __ATOMIC_ACQUIRE);
  int *p = t0 ? bsearch (&tid, t0->tids, t0->n, sizeof *t0->tids, cmp_int)
              : NULL;
  if (!tid_alive (tid))
    return false;
  /* The thread may have registered itself meanwhile (its slow path):
     then its own entry stands, unless it has no state's address (the
     thread that loaded the runtime).  A thread of a program that
     ulp-apply pinned (arm-check.c) may have come after the runtime.  */
  struct ulp_reg_entry *e = t ? reg_find (h, tid) : NULL;
  if (t && !e)
    register_tid (h, tid, (struct ulp_thread_state *) t);
  else if (e && !__atomic_load_n (&e->t, __ATOMIC_ACQUIRE))
    __atomic_store_n (&e->t, t, __ATOMIC_RELEASE);
  if (p)
    __atomic_store_n (&t0->flags[p - t0->tids], 1, __ATOMIC_RELEASE);
  return p != NULL || t != 0;
}

bool
ulp_t0_resolved (struct ulp_obj *h)
{
  if (!__atomic_load_n (&h->t0_pending, __ATOMIC_ACQUIRE))
    return true;
  struct ulp_t0 *t0 = __atomic_load_n (&h->t0, __ATOMIC_ACQUIRE);
  if (!t0)
    return false;
  for (size_t i = 0; i < t0->n; i++)
    {
      if (__atomic_load_n (&t0->flags[i], __ATOMIC_ACQUIRE))
        continue;
      if (!tid_alive (t0->tids[i]) || reg_find (h, t0->tids[i]))
        __atomic_store_n (&t0->flags[i], 1, __ATOMIC_RELEASE);
      else
        return false;
    }
  __atomic_store_n (&h->t0_pending, 0, __ATOMIC_RELEASE);
  return true;
}

/* ------------------------------------------------------------------ */
/* The slow path.                                                      */
/* ------------------------------------------------------------------ */

/* The newest universe <= U whose table runs the function version
   holding RET, or U when RET is not in a patched function.  */

static uint64_t
consistent_universe (struct ulp_obj *h, uintptr_t ret, uint64_t u)
{
  if (!ret)
    return u;
  struct ulp_range_set *rs = __atomic_load_n (&h->ranges, __ATOMIC_ACQUIRE);
  if (!rs || rs->n == 0)
    return u;
  size_t lo = 0, hi = rs->n;
  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      if (rs->r[mid].end <= ret)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == rs->n || ret < rs->r[lo].start)
    return u;
  const struct ulp_range *r = &rs->r[lo];
  const struct ulp_table *tab = __atomic_load_n (&r->fn->table,
                                                 __ATOMIC_ACQUIRE);
  if (!tab)
    return u;
  for (size_t i = tab->n; i-- > 0;)
    {
      if (tab->iv[i].target != r->version || tab->iv[i].from > u)
        continue;
      uint64_t last = i + 1 < tab->n ? tab->iv[i + 1].from - 1 : UINT64_MAX;
      uint64_t c = last < u ? last : u;
      return c ? c : 1;
    }
  return u;
}

void
ulp_enter_slow_c (struct ulp_thread_state *t, uint64_t sp,
                  struct ulp_object_state *o, uintptr_t ret)
{
  struct ulp_obj *h = (struct ulp_obj *) __atomic_load_n (&o->runtime,
                                                          __ATOMIC_ACQUIRE);
  if (!h)
    {
      /* What the boundary code does without a runtime.  */
      if (t->depth == 0)
        {
          t->universe = __atomic_load_n (&o->universe, __ATOMIC_ACQUIRE);
          t->outer_sp = sp;
          t->depth = 1;
        }
      else
        t->depth++;
      return;
    }
  if (t->universe == 0)
    ulp_register (h, t);
  else if (__atomic_load_n (&h->t0_pending, __ATOMIC_RELAXED))
    t0_check (h, t);

  if (t->depth != 0)
    {
      if (sp < t->outer_sp)
        {
          t->depth++;
          return;
        }
      stack_t ss;
      if (sigaltstack (NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK))
        {
          t->depth++;
          return;
        }
      /* Stale: the outermost frame was left without its cleanup.  */
    }
  uint64_t u = __atomic_load_n (&o->universe, __ATOMIC_ACQUIRE);
  u = consistent_universe (h, ret, u);
  t->universe = u;
  t->outer_sp = sp;
  __atomic_store_n (&t->depth, 1, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ */
/* Looking at other threads.                                           */
/* ------------------------------------------------------------------ */

/* Read thread state T of another thread: twice, equal, or fail.  */

static bool
read_state (uintptr_t t, struct ulp_thread_state *out)
{
  pid_t pid = getpid ();
  for (int attempt = 0; attempt < 8; attempt++)
    {
      struct ulp_thread_state a, b;
      struct iovec la = { &a, sizeof a }, lb = { &b, sizeof b };
      struct iovec r = { (void *) t, sizeof a };
      if (process_vm_readv (pid, &la, 1, &r, 1, 0) != sizeof a
          || process_vm_readv (pid, &lb, 1, &r, 1, 0) != sizeof b)
        return false;
      if (memcmp (&a, &b, sizeof a) == 0)
        {
          *out = a;
          return true;
        }
    }
  return false;
}

/* The CPU time of thread TID of this process, in nanoseconds, from
   the kernel's per-thread CPU clock: one system call and no file, so
   a snapshot of 512 threads costs a fraction of a millisecond where
   reading /proc/self/task/TID/schedstat took several.  The clock id
   encodes the thread (~TID << 3) and the "sched" clock (2) with the
   per-thread bit (4), as clock_getcpuclockid's glibc counterpart does
   for pthreads; the kernel accepts it for any thread of the calling
   thread group.  False when the thread is gone.  */

static bool
thread_cpu_ns (int tid, uint64_t *cpu_ns)
{
  clockid_t clk = (clockid_t) ((~(unsigned) tid << 3) | 6);
  struct timespec ts;
  if (clock_gettime (clk, &ts) != 0)
    return false;
  *cpu_ns = (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
  return true;
}

/* The state letter of thread TID; false when it is gone (or a zombie). */

static bool
thread_state_letter (int tid, char *state)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/self/task/%d/stat", tid);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  char *p = strrchr (buf, ')');
  if (!p || p[1] != ' ')
    return false;
  *state = p[2];
  return *state != 'Z' && *state != 'X';
}

void
ulp_snapshot_want (struct ulp_obj *h, uint64_t u)
{
  if (!h->snap_from)
    h->snap_from = u;
}

void
ulp_snapshot_take (struct ulp_obj *h)
{
  if (!h->snap_from)
    return;
  size_t n;
  int *tids = ulp_list_tids (&n);
  if (!tids)
    return;
  struct ulp_snapshot *s = malloc (sizeof *s);
  uint64_t *cpu = malloc ((n ? n : 1) * sizeof *cpu);
  struct ulp_snapshot **v = realloc (h->snaps, (h->nsnaps + 1) * sizeof *v);
  if (!s || !cpu || !v)
    {
      free (s);
      free (cpu);
      free (tids);
      if (v)
        h->snaps = v;
      return;
    }
  h->snaps = v;
  for (size_t i = 0; i < n; i++)
    if (!thread_cpu_ns (tids[i], &cpu[i]))
      cpu[i] = 0;
  s->universe = h->snap_from;
  s->until = ulp_obj_universe (h);
  s->n = n;
  s->tids = tids;
  s->cpu_ns = cpu;
  h->snaps[h->nsnaps++] = s;
  h->snap_from = 0;
}

static struct ulp_snapshot *
snapshot_of (struct ulp_obj *h, uint64_t u)
{
  for (size_t i = 0; i < h->nsnaps; i++)
    if (h->snaps[i]->universe <= u && u <= h->snaps[i]->until)
      return h->snaps[i];
  return NULL;
}

bool
ulp_thread_past (struct ulp_obj *h, uint64_t u, int tid)
{
  struct ulp_snapshot *s = snapshot_of (h, u);
  if (!s)
    return false;
  uint64_t now;
  if (!thread_cpu_ns (tid, &now))
    return true; /* exited.  */
  int *p = bsearch (&tid, s->tids, s->n, sizeof *s->tids, cmp_int);
  if (!p)
    return true; /* started after the universe was opened.  */
  uint64_t then = s->cpu_ns[p - s->tids];
  if (now >= then + PAST_NS)
    return true;
  /* Not enough CPU time since: only a thread blocked in the kernel (or
     stopped) is known to be outside every window.  */
  char st;
  if (!thread_state_letter (tid, &st))
    return true; /* exited.  */
  return st != 'R';
}

void
ulp_snapshot_prune (struct ulp_obj *h)
{
  uint64_t newest = ulp_obj_universe (h);
  size_t k = 0;
  for (size_t i = 0; i < h->nsnaps; i++)
    {
      struct ulp_snapshot *s = h->snaps[i];
      bool keep = s->universe <= newest && newest <= s->until;
      for (struct ulp_patch *p = ulp_patch_list (); p && !keep; p = p->next)
        if (p->target == h && p->state == ULP_PATCH_REVERTED
            && s->universe <= p->reverted_at && p->reverted_at <= s->until)
          keep = true;
      if (keep)
        h->snaps[k++] = s;
      else
        {
          free (s->tids);
          free (s->cpu_ns);
          free (s);
        }
    }
  h->nsnaps = k;
}

bool
ulp_threads_each (struct ulp_obj *h,
                  bool (*fn) (const struct ulp_thread_view *, void *),
                  void *data)
{
  size_t n;
  int *tids = ulp_list_tids (&n);
  if (!tids)
    return false;
  int self = ulp_gettid ();

  /* Forget exited threads.  */
  for (struct ulp_reg_chunk *c = __atomic_load_n (&h->reg, __ATOMIC_ACQUIRE);
       c; c = __atomic_load_n (&c->next, __ATOMIC_ACQUIRE))
    for (size_t i = 0; i < c->cap; i++)
      {
        int tid = __atomic_load_n (&c->e[i].tid, __ATOMIC_ACQUIRE);
        if (tid && !bsearch (&tid, tids, n, sizeof *tids, cmp_int)
            && !tid_alive (tid))
          reg_clear (&c->e[i]);
      }

  bool ok = true;
  for (size_t i = 0; i < n && ok; i++)
    {
      if (ulp_maintenance_interrupted ())
        {
          /* A tool waits: its request first (the caller takes this as
             "not yet" and the worker tries again later).  */
          free (tids);
          return false;
        }
      struct ulp_thread_view v;
      memset (&v, 0, sizeof v);
      v.tid = tids[i];
      v.self = tids[i] == self;
      struct ulp_reg_entry *e = reg_find (h, tids[i]);
      if (e)
        {
          v.registered = true;
          uintptr_t t = __atomic_load_n (&e->t, __ATOMIC_ACQUIRE);
          v.addr = t;
          if (t && v.self)
            {
              v.state = *(const struct ulp_thread_state *) t;
              v.known = true;
            }
          else if (t)
            v.known = read_state (t, &v.state);
          /* A thread that exited while being read is not there.  */
          if (!v.known && !tid_alive (tids[i]))
            continue;
        }
      else if (v.self)
        {
          /* This thread, unregistered: it never entered the object
             since the runtime attached; if it had before, T0 knows.  */
          struct ulp_thread_state *t = ulp_obj_self_state (h);
          if (t)
            {
              v.state = *t;
              v.known = true;
            }
        }
      ok = fn (&v, data);
    }
  free (tids);
  return true;
}

/* ------------------------------------------------------------------ */
/* New threads start in their creator's universe.                      */
/* ------------------------------------------------------------------ */

typedef int pthread_create_fn (pthread_t *, const pthread_attr_t *,
                               void *(*) (void *), void *);
static pthread_create_fn *real_pthread_create;

int
ulp_real_pthread_create (pthread_t *th, const pthread_attr_t *attr,
                         void *(*start) (void *), void *arg)
{
  pthread_create_fn *f = __atomic_load_n (&real_pthread_create,
                                          __ATOMIC_ACQUIRE);
  if (!f)
    {
      f = (pthread_create_fn *) dlsym (RTLD_NEXT, "pthread_create");
      if (!f)
        return EAGAIN;
      __atomic_store_n (&real_pthread_create, f, __ATOMIC_RELEASE);
    }
  return f (th, attr, start, arg);
}

struct start_inside
{
  void *(*start) (void *);
  void *arg;
  struct ulp_obj *h;
  uint64_t universe;
};

/* The new thread runs the object's code as part of its creator's call,
   in its creator's universe, until the start routine returns.  */

static void *
thread_start_inside (void *p)
{
  struct start_inside s = *(struct start_inside *) p;
  free (p);
  uint64_t ti[2] = { s.h->tls_modid, s.h->tls_offset };
  struct ulp_thread_state *t = __tls_get_addr (ti);
  ulp_register (s.h, t);
  uint64_t sp;
  __asm__ volatile ("movq %%rsp, %0" : "=r" (sp));
  t->universe = s.universe;
  t->outer_sp = sp;
  __atomic_store_n (&t->depth, 1, __ATOMIC_RELEASE);
  void *r = s.start (s.arg);
  __atomic_store_n (&t->depth, 0, __ATOMIC_RELEASE);
  t->outer_sp = 0;
  return r;
}

/* Interposes on libc's pthread_create when libulp is preloaded or
   linked ahead of libc.  For threads not started inside a
   live-patchable object by a thread inside it, it only passes the call
   on.  */

__attribute__ ((visibility ("default"))) int
pthread_create (pthread_t *th, const pthread_attr_t *attr,
                void *(*start) (void *), void *arg)
{
  /* Objects loaded while the process had one thread are armed now,
     before a second one can enter them.  */
  ulp_arm_deferred ();
  /* Also before the first patch: one may land while the new thread
     runs.  */
    {
      for (struct ulp_obj *h = __atomic_load_n (&ulp_objects_head,
                                                __ATOMIC_ACQUIRE);
           h; h = h->next)
        {
          if (!h->alive || !h->o || (uintptr_t) start < h->lo
              || (uintptr_t) start >= h->hi)
            continue;
          uint64_t ti[2] = { h->tls_modid, h->tls_offset };
          struct ulp_thread_state *ct = __tls_get_addr (ti);
          if (ct->depth == 0)
            break;
          struct start_inside *s = malloc (sizeof *s);
          if (!s)
            break;
          s->start = start;
          s->arg = arg;
          s->h = h;
          s->universe = ct->universe;
          int r = ulp_real_pthread_create (th, attr, thread_start_inside, s);
          if (r != 0)
            free (s);
          return r;
        }
    }
  return ulp_real_pthread_create (th, attr, start, arg);
}
