/* stubs.c -- version tables and the selector stubs that use them.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Each patched function has versions, each valid for a range of its
   object's universes.  Its table maps every universe to the code to
   run: a list of intervals, each starting at a universe, whose target
   is the newest version valid there, or the original (the function's
   entry + 2, past the entry NOP, or a copy of its fused first
   instruction: apply.c).

   The detour jumps through the function's slot to a stub that applies
   the table for the calling thread.  A thread with no frame of the
   object on its stack (depth 0) is entering from outside and gets the
   object's newest universe; a thread inside gets its own.  The stub
   must hand every argument register, %rax (the vararg count), %r10
   (the static chain) and the stack to the version untouched, so it
   uses only %r11 and the flags.  When the object's thread state is in
   static TLS the stub reads it at a fixed %fs offset:

        endbr64
        mov   %fs:DEPTH, %r11
        test  %r11, %r11
        jz    outside
        cmp   %fs:OUTER_SP, %rsp           not below the outermost
        jae   slow                         frame: stale or altstack
        mov   %fs:UNIVERSE, %r11
   select:
        cmp   $FROM_k, %r11 ; jb 1f ; jmp *target_k(%rip) ; 1: ...
        jmp   *target_0(%rip)               newest interval first
   outside:
        mov   universe_ptr(%rip), %r11     newest universe
        mov   (%r11), %r11
        jmp   select

   Otherwise (TLS of a dlopen'ed object), and in the rare cases above,
   the stub jumps to ulp_stub_slow (slow-stub.S), which saves the
   argument state and calls ulp_select_slow.

   Where every thread that can be inside the object is at least in the
   object's "live floor" universe and the table is the same from there
   on, no selection is needed: the slot points straight at the version,
   or the function gets its original entry back.  */

#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ulp-runtime.h"

extern void *__tls_get_addr (void *);

uintptr_t
ulp_table_lookup (const struct ulp_table *tab, uint64_t u)
{
  size_t lo = 0, hi = tab->n;
  /* Last interval with FROM <= U; IV[0].FROM is 0.  */
  while (hi - lo > 1)
    {
      size_t mid = (lo + hi) / 2;
      if (tab->iv[mid].from <= u)
        lo = mid;
      else
        hi = mid;
    }
  return tab->iv[lo].target;
}

static int
cmp_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
  return x < y ? -1 : x > y;
}

/* The newest version valid in universe U, else the original.  */

static uintptr_t
version_at (const struct ulp_fn *fn, uint64_t u)
{
  uintptr_t best = fn->orig;
  uint64_t best_from = 0;
  for (size_t i = 0; i < fn->nversions; i++)
    {
      const struct ulp_version *v = &fn->versions[i];
      if (v->from <= u && u < v->to && v->from >= best_from)
        {
          best = v->addr;
          best_from = v->from;
        }
    }
  return best;
}

struct ulp_table *
ulp_table_build (struct ulp_fn *fn)
{
  size_t nb = 1 + 2 * fn->nversions;
  uint64_t *b = malloc (nb * sizeof *b);
  if (!b)
    return NULL;
  size_t k = 0;
  b[k++] = 0;
  for (size_t i = 0; i < fn->nversions; i++)
    {
      b[k++] = fn->versions[i].from;
      if (fn->versions[i].to != UINT64_MAX)
        b[k++] = fn->versions[i].to;
    }
  qsort (b, k, sizeof *b, cmp_u64);
  struct ulp_table *tab = malloc (sizeof *tab + k * sizeof tab->iv[0]);
  if (!tab)
    {
      free (b);
      return NULL;
    }
  tab->fn = fn;
  tab->n = 0;
  for (size_t i = 0; i < k; i++)
    {
      if (i > 0 && b[i] == b[i - 1])
        continue;
      uintptr_t target = version_at (fn, b[i]);
      if (tab->n > 0 && tab->iv[tab->n - 1].target == target)
        continue;
      tab->iv[tab->n].from = b[i];
      tab->iv[tab->n].target = target;
      tab->n++;
    }
  free (b);
  return tab;
}

/* ------------------------------------------------------------------ */
/* Machine code.                                                       */
/* ------------------------------------------------------------------ */

#define MAX_LABELS 256
#define MAX_FIXUPS 512

struct code
{
  unsigned char *b;
  size_t n, cap;
  size_t label[MAX_LABELS];
  struct
  {
    size_t at;    /* offset of the rel32 field.  */
    int label;
  } fix[MAX_FIXUPS];
  size_t nfix;
  bool overflow;
};

static void
emit (struct code *c, const void *bytes, size_t n)
{
  if (c->n + n > c->cap)
    {
      c->overflow = true;
      return;
    }
  memcpy (c->b + c->n, bytes, n);
  c->n += n;
}

static void
emit_u32 (struct code *c, uint32_t v)
{
  emit (c, &v, 4);
}

static void
emit_u64 (struct code *c, uint64_t v)
{
  emit (c, &v, 8);
}

/* A rel32 to LABEL, relative to the end of the field.  */
static void
emit_rel (struct code *c, int label)
{
  if (c->nfix == MAX_FIXUPS)
    {
      c->overflow = true;
      return;
    }
  c->fix[c->nfix].at = c->n;
  c->fix[c->nfix].label = label;
  c->nfix++;
  emit_u32 (c, 0);
}

static void
place (struct code *c, int label)
{
  c->label[label] = c->n;
}

static void
resolve (struct code *c)
{
  for (size_t i = 0; i < c->nfix; i++)
    {
      int32_t rel = (int32_t) ((int64_t) c->label[c->fix[i].label]
                               - (int64_t) (c->fix[i].at + 4));
      memcpy (c->b + c->fix[i].at, &rel, 4);
    }
}

/* mov %fs:DISP, %r11  */
static void
mov_fs_r11 (struct code *c, int32_t disp)
{
  static const unsigned char op[] = { 0x64, 0x4c, 0x8b, 0x1c, 0x25 };
  emit (c, op, sizeof op);
  emit_u32 (c, (uint32_t) disp);
}

/* mov LABEL(%rip), %r11  */
static void
mov_lit_r11 (struct code *c, int label)
{
  static const unsigned char op[] = { 0x4c, 0x8b, 0x1d };
  emit (c, op, sizeof op);
  emit_rel (c, label);
}

/* jmp *LABEL(%rip)  */
static void
jmp_lit (struct code *c, int label)
{
  static const unsigned char op[] = { 0xff, 0x25 };
  emit (c, op, sizeof op);
  emit_rel (c, label);
}

/* Jcc rel32 with condition byte CC (0x85 jnz, 0x83 jae).  */
static void
jcc (struct code *c, unsigned char cc, int label)
{
  unsigned char op[] = { 0x0f, cc };
  emit (c, op, sizeof op);
  emit_rel (c, label);
}

static void
jmp (struct code *c, int label)
{
  unsigned char op = 0xe9;
  emit (c, &op, 1);
  emit_rel (c, label);
}

enum
{
  L_OUTSIDE,
  L_SELECT,
  L_SLOW,
  L_LIT_UNIVERSE,
  L_LIT_TABLE,
  L_LIT_SLOW,
  L_FIRST_FREE
};

/* The fast path of a stub on an object whose thread state is in static
   TLS at offset D from %fs, for the intervals of TAB from FIRST on
   (NSEL of them): the thread's depth, its outermost entry and its
   universe read straight from %fs.  */

static void
emit_fast_path (struct code *c, int32_t d, const struct ulp_table *tab,
                size_t first, size_t nsel)
{
  static const unsigned char test_r11[] = { 0x4d, 0x85, 0xdb };
  static const unsigned char load_r11[] = { 0x4d, 0x8b, 0x1b };
  static const unsigned char cmp_rsp[] = { 0x64, 0x48, 0x3b, 0x24, 0x25 };

  /* Calls from inside the object (every call of a static function)
     fall through; entries from outside take one branch.  */
  mov_fs_r11 (c, d + (int32_t) offsetof (struct ulp_thread_state, depth));
  emit (c, test_r11, sizeof test_r11);
  jcc (c, 0x84, L_OUTSIDE);
  emit (c, cmp_rsp, sizeof cmp_rsp);
  emit_u32 (c, (uint32_t) (d + (int32_t) offsetof (struct ulp_thread_state,
                                                   outer_sp)));
  jcc (c, 0x83, L_SLOW);
  mov_fs_r11 (c, d + (int32_t) offsetof (struct ulp_thread_state,
                                         universe));

  /* Newest interval first, falling through to its jump: the common
     case takes one indirect jump and no other.  */
  place (c, L_SELECT);
  for (size_t i = tab->n - 1; i > first; i--)
    {
      static const unsigned char cmp_imm[] = { 0x49, 0x81, 0xfb };
      emit (c, cmp_imm, sizeof cmp_imm);
      emit_u32 (c, (uint32_t) tab->iv[i].from);
      jcc (c, 0x82, L_FIRST_FREE + 1 + (int) (i - first));
      jmp_lit (c, L_FIRST_FREE + 1 + (int) (nsel + i - first));
      place (c, L_FIRST_FREE + 1 + (int) (i - first));
    }
  jmp_lit (c, L_FIRST_FREE + 1 + (int) nsel);

  /* Depth 0: the object's newest universe.  */
  place (c, L_OUTSIDE);
  mov_lit_r11 (c, L_LIT_UNIVERSE);
  emit (c, load_r11, sizeof load_r11);
  jmp (c, L_SELECT);
}

/* The way to the slow selector, and the literals every path reads:
   the address of H's universe, TAB, the slow routine and the targets
   of the intervals from FIRST on.  */

static void
emit_slow_and_literals (struct code *c, const struct ulp_obj *h,
                        const struct ulp_table *tab, size_t first,
                        size_t nsel)
{
  place (c, L_SLOW);
  mov_lit_r11 (c, L_LIT_TABLE);
  jmp_lit (c, L_LIT_SLOW);

  /* Literals, 8-byte aligned (int3 padding).  */
  while (c->n % 8)
    {
      unsigned char int3 = 0xcc;
      emit (c, &int3, 1);
    }
  place (c, L_LIT_UNIVERSE);
  emit_u64 (c, (uint64_t) (uintptr_t) &h->o->universe);
  place (c, L_LIT_TABLE);
  emit_u64 (c, (uint64_t) (uintptr_t) tab);
  place (c, L_LIT_SLOW);
  emit_u64 (c, (uint64_t) (uintptr_t) ulp_stub_slow);
  for (size_t i = first; i < tab->n; i++)
    {
      place (c, L_FIRST_FREE + 1 + (int) (nsel + i - first));
      emit_u64 (c, tab->iv[i].target);
    }
}

/* Copy the code C made into stub memory as FN's new stub; the one it
   replaces is retired.  Its address, or 0 with *ERR.  */

static uintptr_t
stub_install (struct ulp_fn *fn, const struct code *c, struct ulp_error *err)
{
  if (ulp_fault (ULP_FAULT_STUB))
    {
      ulp_fail (err, ULP_E_NOMEM, "no memory for stubs: injected fault");
      return 0;
    }
  void *mem = ulp_stub_mem (c->n);
  if (!mem)
    {
      ulp_fail (err, ULP_E_NOMEM, "no memory for stubs: %s",
                strerror (errno));
      return 0;
    }
  if (ulp_code_write (mem, c->b, c->n, PROT_READ | PROT_EXEC, err) < 0)
    return 0;
  if (fn->stub)
    ulp_stub_retire (fn->obj, fn->stub, fn->stub_size);
  fn->stub = mem;
  fn->stub_size = c->n;
  return (uintptr_t) mem;
}

uintptr_t
ulp_stub_make (struct ulp_fn *fn, const struct ulp_table *tab,
               struct ulp_error *err)
{
  struct ulp_obj *h = fn->obj;
  uint64_t floor = h->live_floor;
  /* Without boundary tracking there are no per-thread universes: every
     thread runs the newest version.  */
  if (!h->o)
    return ulp_table_lookup (tab, ulp_obj_universe (h));

  /* The intervals that matter: from the one holding the floor on.  */
  size_t first = 0;
  for (size_t i = 0; i < tab->n; i++)
    if (tab->iv[i].from <= floor)
      first = i;
  size_t nsel = tab->n - first;
  if (nsel == 1)
    return tab->iv[first].target;

  if (nsel + L_FIRST_FREE + 2 > MAX_LABELS
      || tab->iv[tab->n - 1].from > INT32_MAX)
    {
      ulp_fail (err, ULP_E_NOMEM, "%s: too many versions for one stub",
                fn->name);
      return 0;
    }

  unsigned char buf[4096];
  struct code c = { .b = buf, .cap = sizeof buf };
  static const unsigned char endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa };
  emit (&c, endbr, sizeof endbr);
  if (h->tls_kind == ULP_TLS_STATIC && h->tpoff > INT32_MIN + 64
      && h->tpoff < INT32_MAX - 64)
    emit_fast_path (&c, (int32_t) h->tpoff, tab, first, nsel);
  emit_slow_and_literals (&c, h, tab, first, nsel);
  if (c.overflow)
    {
      ulp_fail (err, ULP_E_NOMEM, "%s: stub too large", fn->name);
      return 0;
    }
  resolve (&c);
  return stub_install (fn, &c, err);
}

/* The C half of ulp_stub_slow: choose the version for the calling
   thread.  RSP is the stack pointer the function was entered with.  */

uintptr_t
ulp_select_slow (const struct ulp_table *tab, uint64_t rsp)
{
  struct ulp_obj *h = tab->fn->obj;
  struct ulp_thread_state *t;
  if (h->tls_kind == ULP_TLS_STATIC)
    t = (struct ulp_thread_state *) ((uintptr_t) __builtin_thread_pointer ()
                                     + h->tpoff);
  else
    {
      uint64_t ti[2] = { h->tls_modid, h->tls_offset };
      t = __tls_get_addr (ti);
    }
  uint64_t u;
  bool inside = false;
  if (t->depth != 0)
    {
      if (rsp < t->outer_sp)
        inside = true;
      else
        {
          /* Above the outermost frame: a signal handler on an alternate
             stack interrupting the object (inside), or a frame left by
             longjmp or a foreign unwind (outside).  */
          stack_t ss;
          if (sigaltstack (NULL, &ss) == 0 && (ss.ss_flags & SS_ONSTACK))
            inside = true;
        }
    }
  if (inside)
    u = t->universe;
  else
    u = __atomic_load_n (&h->o->universe, __ATOMIC_ACQUIRE);
  return ulp_table_lookup (tab, u);
}

/* ------------------------------------------------------------------ */
/* Saving the extended state in ulp_stub_slow.                         */
/* ------------------------------------------------------------------ */

#include <cpuid.h>

/* Read by slow-stub.S.  0 size: save xmm0-7 with SSE moves.  */
ULP_HIDDEN uint64_t ulp_xsave_size;
ULP_HIDDEN uint64_t ulp_xsave_mask;

void
ulp_stub_init (void)
{
  unsigned a, b, c, d;
  if (!__get_cpuid (1, &a, &b, &c, &d))
    return;
  /* XSAVE supported and enabled by the OS (OSXSAVE).  */
  if (!(c & bit_XSAVE) || !(c & bit_OSXSAVE))
    return;
  unsigned xcr0_lo, xcr0_hi;
  __asm__ ("xgetbv" : "=a" (xcr0_lo), "=d" (xcr0_hi) : "c" (0));
  /* x87, SSE, AVX, and AVX-512 (opmask, upper ZMM halves, ZMM16-31):
     every state that can hold an argument.  Not AMX tiles, which are
     never arguments and are large.  */
  uint64_t mask = ((uint64_t) xcr0_hi << 32 | xcr0_lo) & 0xe7;
  uint64_t size = 576; /* legacy area and header.  */
  for (unsigned i = 2; i < 8; i++)
    if (mask & (1u << i))
      {
        __cpuid_count (0xd, i, a, b, c, d);
        /* A: size of component I, B: its offset in standard format.  */
        if (b + a > size)
          size = b + a;
      }
  ulp_xsave_mask = mask;
  ulp_xsave_size = (size + 63) & ~(uint64_t) 63;
}
