/* apply.c -- apply a live patch, and publish detours.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   ulp_apply verifies everything it can before it changes anything: the
   file (patch-file.c), that the target is loaded with the right
   build-id, that every function to replace exists, has a patchable
   entry and still holds the bytes the plugin put there (or this
   runtime's own detour), and that every reference and relocation
   resolves.  Then it loads the patch, writes its relocated places (which
   may be in its code), fills its reference slots and its state, adds the
   new versions (valid from the next universe on) to the functions'
   tables, publishes the stubs and detours, and only then opens the new
   universe.  Until that store no thread can select a new version (each
   stub selects by a universe that is at most the current one), so any
   failure before it can be undone completely: the detours go back, the
   patch is unloaded, and the process is as it was.  Those steps are
   functions over struct apply, which holds the operation (struct
   ulp_op): apply_plan checks and resolves, apply_load loads and
   relocates, apply_commit changes the target up to the universe, and
   ulp_op_undo (operation.c, shared with revert.c) takes back what it
   did.

   Publishing one function (ulp_republish) is: build its table, make
   the stub (or pick a direct target when no per-thread choice is left),
   store the table pointer, store the slot (one aligned 8-byte store),
   and write the entry if it is not detoured yet.  A detour is written
   in two steps: the pre-entry area first (`jmp *slot(%rip)', which no
   thread executes while the entry is 66 90), then the 2-byte entry with
   one atomic store (`jmp' back to the pre-entry area).  A pre-entry
   area, once a thread may have jumped there, is never rewritten.  */

#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "patch-file.h"
#include "trust.h"

static struct ulp_patch *patches;
static long next_id = 1;

struct ulp_patch *
ulp_patch_list (void)
{
  return patches;
}

void
ulp_patch_forget_old (struct ulp_obj *h, size_t keep)
{
  size_t n = 0;
  for (struct ulp_patch *p = patches; p; p = p->next)
    if (p->target == h && p->state == ULP_PATCH_UNLOADED && !p->handle)
      n++;
  /* The list is oldest first.  */
  for (struct ulp_patch **pp = &patches; *pp && n > keep;)
    {
      struct ulp_patch *p = *pp;
      if (p->target != h || p->state != ULP_PATCH_UNLOADED || p->handle)
        {
          pp = &p->next;
          continue;
        }
      *pp = p->next;
      free (p->fns);
      free (p->path);
      free (p->name);
      free (p->description);
      free (p);
      n--;
    }
}

/* Thread state for the boundary code of patches whose target has none:
   a universe that never changes, so every entry takes the fast path.  */
static struct ulp_object_state dummy_object = { .universe = 1 };
static __thread struct ulp_thread_state dummy_thread
  __attribute__ ((tls_model ("initial-exec")));

/* ------------------------------------------------------------------ */
/* Functions and their detours.                                        */
/* ------------------------------------------------------------------ */

static const char *
rec_str (const int32_t *field)
{
  return (const char *) ulp_ref (field);
}

static struct ulp_fn *
fn_find (struct ulp_obj *h, uintptr_t label)
{
  for (size_t i = 0; i < h->nfns; i++)
    if (h->fns[i]->label == label)
      return h->fns[i];
  return NULL;
}

/* The cold part of the function NAME of UNIT among N records.  */

static void
cold_part (const unsigned char *records, size_t n, uint32_t stride,
           const char *name, const char *unit, uintptr_t *start,
           uintptr_t *end)
{
  *start = *end = 0;
  for (size_t i = 0; i < n; i++)
    {
      const struct ulp_record *r
        = (const struct ulp_record *) (records + i * stride);
      if (r->kind != ULP_KIND_COLD)
        continue;
      const char *origin = rec_str (&r->origin);
      const char *ru = rec_str (&r->unit);
      if (!origin || strcmp (origin, name) != 0)
        continue;
      if (unit && ru && strcmp (unit, ru) != 0)
        continue;
      *start = (uintptr_t) ulp_ref (&r->addr);
      *end = *start + r->code_size;
      return;
    }
}

/* Bytes of the copy fused_copy makes: the instruction, then jmp
   *0(%rip) and the address behind the instruction.  */
#define FUSED_COPY_JUMP 14

/* Where a thread that must run FN's original version goes once FN's
   entry is a detour, when the entry is FN's own first instruction
   (ULP_F_FUSED): a copy of that instruction, which the plugin made sure
   runs anywhere, then a jump back behind it.  Made once, from the bytes
   FN had before anything was written to it.  An instruction that
   addresses relative to %rip (ULP_F_RIP) gets its displacement moved so
   that the copy reaches the same address; the record says where the
   displacement is, and the address must be in the object, where the
   plugin's symbols are.  */
static int
fused_copy (struct ulp_fn *fn, struct ulp_error *err)
{
  size_t n = fn->entry_size;
  unsigned char code[ULP_ENTRY_MAX + FUSED_COPY_JUMP];
  memcpy (code, (const void *) fn->entry, n);
  static const unsigned char jump[6] = { 0xff, 0x25, 0, 0, 0, 0 };
  memcpy (code + n, jump, sizeof jump);
  uint64_t back = fn->entry + n;
  memcpy (code + n + sizeof jump, &back, sizeof back);
  unsigned flags = fn->rec->flags;
  size_t at = ULP_RECORD_RIP_DISP (flags);
  uintptr_t target = 0;
  if (flags & ULP_F_RIP)
    {
      int32_t disp;
      if (at + sizeof disp > n)
        return ulp_fail (err, ULP_E_NOT_PATCHABLE,
                         "%s: corrupt record: displacement at %zu of a "
                         "%zu-byte entry", fn->name, at, n);
      memcpy (&disp, code + at, sizeof disp);
      target = back + (intptr_t) disp;
      struct ulp_obj *h = fn->obj;
      if (target < h->lo || target >= h->hi)
        return ulp_fail (err, ULP_E_NOT_PATCHABLE,
                         "%s: its first instruction addresses %#lx, outside "
                         "%s", fn->name, (unsigned long) target, h->soname);
    }
  unsigned char *mem = ulp_fixed_code_mem (fn->obj, n + FUSED_COPY_JUMP);
  if (!mem)
    return ulp_fail (err, ULP_E_NOMEM, "out of memory");
  if (flags & ULP_F_RIP)
    {
      intptr_t moved = (intptr_t) target - (intptr_t) (mem + n);
      if (moved < INT32_MIN || moved > INT32_MAX)
        return ulp_fail (err, ULP_E_NOMEM, "%s: no memory within 2 GiB of "
                         "%s for the copy of its first instruction",
                         fn->name, fn->obj->soname);
      int32_t disp = (int32_t) moved;
      memcpy (code + at, &disp, sizeof disp);
    }
  if (ulp_code_write (mem, code, n + FUSED_COPY_JUMP, PROT_READ | PROT_EXEC,
                      err) < 0)
    return -1;
  fn->orig = (uintptr_t) mem;
  return 0;
}

static struct ulp_fn *
fn_get (struct ulp_obj *h, const struct ulp_record *rec,
        struct ulp_error *err)
{
  uintptr_t label = (uintptr_t) ulp_ref (&rec->addr);
  struct ulp_fn *fn = fn_find (h, label);
  if (fn)
    return fn;
  fn = calloc (1, sizeof *fn);
  if (!fn)
    {
      ulp_fail (err, ULP_E_NOMEM, "out of memory");
      return NULL;
    }
  if (h->nfns == h->fns_cap)
    {
      size_t cap = h->fns_cap ? 2 * h->fns_cap : 16;
      struct ulp_fn **v = realloc (h->fns, cap * sizeof *v);
      if (!v)
        {
          free (fn);
          ulp_fail (err, ULP_E_NOMEM, "out of memory");
          return NULL;
        }
      h->fns = v;
      h->fns_cap = cap;
    }
  fn->obj = h;
  fn->rec = rec;
  fn->name = rec_str (&rec->name);
  fn->unit = rec_str (&rec->unit);
  fn->label = label;
  fn->entry = label + rec->entry_offset;
  fn->entry_size = rec->entry_size;
  fn->tracked = (rec->flags & ULP_F_BOUNDARY) != 0;
  fn->entry_orig = ULP_ENTRY_NOP0 | ULP_ENTRY_NOP1 << 8;
  if (rec->flags & ULP_F_FUSED)
    {
      /* Seen before anything was written to it: the bytes the plugin
         left.  */
      memcpy (&fn->entry_orig, (const void *) fn->entry, 2);
      if (fused_copy (fn, err) < 0)
        {
          free (fn);
          return NULL;
        }
    }
  else
    fn->orig = fn->entry + ULP_ENTRY_SIZE;
  cold_part (h->records, h->nrecords, h->record_size, fn->name, fn->unit,
             &fn->cold_start, &fn->cold_end);
  h->fns[h->nfns++] = fn;
  return fn;
}

static uint16_t
entry_jump (const struct ulp_fn *fn)
{
  /* eb rel8, back to the start of the pre-entry area.  */
  intptr_t rel = (intptr_t) (fn->label - ULP_PRE_ENTRY_SIZE)
                 - (intptr_t) (fn->entry + 2);
  return (uint16_t) (0xeb | ((uint8_t) (int8_t) rel) << 8);
}

static void
pre_entry_bytes (const struct ulp_fn *fn, const uint64_t *slot,
                 unsigned char out[6])
{
  uintptr_t at = fn->label - ULP_PRE_ENTRY_SIZE;
  int32_t rel = (int32_t) ((intptr_t) slot - (intptr_t) (at + 6));
  out[0] = 0xff;
  out[1] = 0x25;
  memcpy (out + 2, &rel, 4);
}

/* Whether FN's code is as the plugin left it, or as we left it.  */

static bool
fn_bytes_ok (const struct ulp_fn *fn)
{
  const unsigned char *pre = (const unsigned char *) (fn->label
                                                      - ULP_PRE_ENTRY_SIZE);
  if (fn->slot && fn->pre_written)
    {
      unsigned char want[6];
      pre_entry_bytes (fn, fn->slot, want);
      if (memcmp (pre, want, 6) != 0)
        return false;
    }
  else
    for (int i = 0; i < ULP_PRE_ENTRY_SIZE; i++)
      if (pre[i] != 0x90)
        return false;
  uint16_t entry;
  memcpy (&entry, (const void *) fn->entry, 2);
  return entry == (fn->entry_written ? entry_jump (fn) : fn->entry_orig);
}

/* Give FN a slot and its pre-entry jump.  */

static int
fn_prepare (struct ulp_fn *fn, struct ulp_error *err)
{
  struct ulp_obj *h = fn->obj;
  if (!fn->slot)
    {
      fn->slot = ulp_slot_alloc (h, err);
      if (!fn->slot)
        return -1;
      __atomic_store_n (fn->slot, (uint64_t) fn->orig, __ATOMIC_RELEASE);
      fn->slot_target = fn->orig;
    }
  if (fn->pre_written)
    return 0;
  uintptr_t at = fn->label - ULP_PRE_ENTRY_SIZE;
  intptr_t dist = (intptr_t) fn->slot - (intptr_t) (at + 6);
  if (dist < INT32_MIN || dist > INT32_MAX)
    return ulp_fail (err, ULP_E_NOMEM, "%s: detour slot out of reach",
                     fn->name);
  unsigned char bytes[6];
  pre_entry_bytes (fn, fn->slot, bytes);
  int prot = ulp_obj_prot (h, at);
  if (ulp_code_write ((void *) at, bytes, sizeof bytes,
                      prot < 0 ? PROT_READ | PROT_EXEC : prot, err) < 0)
    return -1;
  fn->pre_written = true;
  return 0;
}

/* Undo fn_prepare when the entry never jumped there.  */

void
ulp_fn_unprepare (struct ulp_fn *fn)
{
  if (!fn->pre_written || fn->entry_ever_written)
    return;
  static const unsigned char nops[6] = { 0x90, 0x90, 0x90, 0x90, 0x90, 0x90 };
  uintptr_t at = fn->label - ULP_PRE_ENTRY_SIZE;
  int prot = ulp_obj_prot (fn->obj, at);
  struct ulp_error e;
  if (ulp_code_write ((void *) at, nops, sizeof nops,
                      prot < 0 ? PROT_READ | PROT_EXEC : prot, &e) == 0)
    fn->pre_written = false;
}

static bool
same_table (const struct ulp_table *a, const struct ulp_table *b)
{
  if (!a || !b || a->n != b->n)
    return false;
  return memcmp (a->iv, b->iv, a->n * sizeof a->iv[0]) == 0;
}

static int
fn_publish (struct ulp_fn *fn, bool force, struct ulp_error *err)
{
  struct ulp_obj *h = fn->obj;
  if (ulp_fault (ULP_FAULT_PUBLISH))
    return ulp_fail (err, ULP_E_NOMEM, "%s: cannot publish: injected fault",
                     fn->name);
  struct ulp_table *tab = ulp_table_build (fn);
  if (!tab)
    return ulp_fail (err, ULP_E_NOMEM, "out of memory");
  uint64_t u = ulp_obj_universe (h);
  if (!force && same_table (tab, fn->table)
      && fn->published_floor == h->live_floor
      && (h->o || fn->published_universe == u))
    {
      free (tab);
      return 0;
    }
  uintptr_t target = ulp_stub_make (fn, tab, err);
  if (!target)
    {
      free (tab);
      return -1;
    }
  /* The slow path may be reading the old table: retire it.  */
  struct ulp_table *old_tab = fn->table;
  __atomic_store_n (&fn->table, tab, __ATOMIC_RELEASE);
  ulp_retire_free (h, old_tab);
  int prot = ulp_obj_prot (h, fn->entry);
  if (prot < 0)
    prot = PROT_READ | PROT_EXEC;
  if (target == fn->orig)
    {
      if (fn->slot)
        __atomic_store_n (fn->slot, (uint64_t) target, __ATOMIC_RELEASE);
      fn->slot_target = target;
      if (fn->entry_written)
        {
          if (ulp_code_store16 ((void *) fn->entry, fn->entry_orig, prot,
                                err) < 0)
            return -1;
          fn->entry_written = false;
        }
    }
  else
    {
      if (fn_prepare (fn, err) < 0)
        return -1;
      __atomic_store_n (fn->slot, (uint64_t) target, __ATOMIC_RELEASE);
      fn->slot_target = target;
      if (!fn->entry_written)
        {
          if (ulp_code_store16 ((void *) fn->entry, entry_jump (fn), prot,
                                err) < 0)
            return -1;
          fn->entry_written = true;
          fn->entry_ever_written = true;
        }
    }
  fn->published_floor = h->live_floor;
  fn->published_universe = u;
  return 0;
}

int
ulp_republish (struct ulp_obj *h, struct ulp_error *err)
{
  for (size_t i = 0; i < h->nfns; i++)
    if (fn_publish (h->fns[i], false, err) < 0)
      return -1;
  return 0;
}

int
ulp_fn_republish (struct ulp_fn *fn, struct ulp_error *err)
{
  return fn_publish (fn, true, err);
}

static int
cmp_range (const void *a, const void *b)
{
  const struct ulp_range *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

static size_t
add_range (struct ulp_range *r, size_t k, uintptr_t start, uintptr_t end,
           struct ulp_fn *fn, uintptr_t version)
{
  if (start >= end)
    return k;
  r[k].start = start;
  r[k].end = end;
  r[k].fn = fn;
  r[k].version = version;
  return k + 1;
}

int
ulp_ranges_publish (struct ulp_obj *h)
{
  size_t n = 0;
  for (size_t i = 0; i < h->nfns; i++)
    n += 3 + 2 * h->fns[i]->nversions;
  struct ulp_range_set *rs = malloc (sizeof *rs + n * sizeof rs->r[0]);
  if (!rs)
    return -1;
  size_t k = 0;
  for (size_t i = 0; i < h->nfns; i++)
    {
      struct ulp_fn *fn = h->fns[i];
      k = add_range (rs->r, k, fn->label, fn->label + fn->rec->code_size, fn,
                     fn->orig);
      k = add_range (rs->r, k, fn->cold_start, fn->cold_end, fn, fn->orig);
      if (fn->orig != fn->entry + ULP_ENTRY_SIZE)
        k = add_range (rs->r, k, fn->orig, fn->orig + fn->entry_size, fn,
                       fn->orig);
      for (size_t j = 0; j < fn->nversions; j++)
        {
          struct ulp_version *v = &fn->versions[j];
          k = add_range (rs->r, k, v->addr, v->addr + v->code_size, fn,
                         v->addr);
          k = add_range (rs->r, k, v->cold_start, v->cold_end, fn, v->addr);
        }
    }
  rs->n = k;
  qsort (rs->r, k, sizeof rs->r[0], cmp_range);
  /* The slow path may be reading the old set: retire it.  */
  struct ulp_range_set *old = h->ranges;
  __atomic_store_n (&h->ranges, rs, __ATOMIC_RELEASE);
  ulp_retire_free (h, old);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Apply.                                                              */
/* ------------------------------------------------------------------ */

/* Is an object called SONAME loaded at all (live-patchable or not)?  */

static int
loaded_p (struct dl_phdr_info *info, size_t size, void *data)
{
  (void) size;
  const char *want = data;
  const char *name = info->dlpi_name;
  if (!name || !*name)
    return 0;
  const char *base = strrchr (name, '/');
  base = base ? base + 1 : name;
  return strcmp (base, want) == 0;
}

static struct ulp_obj *
find_target (const struct ulp_pfile *pf, struct ulp_error *err)
{
  struct ulp_obj *match = NULL, *wrong = NULL;
  size_t nmatch = 0;
  for (struct ulp_obj *h = ulp_objects (); h; h = h->next)
    {
      if (!h->alive || strcmp (h->soname, pf->target_soname) != 0)
        continue;
      char hex[129];
      ulp_obj_build_id_hex (h, hex);
      if (strcmp (hex, pf->target_build_id) == 0)
        {
          match = h;
          nmatch++;
        }
      else
        wrong = h;
    }
  if (nmatch == 1)
    return match;
  if (nmatch > 1)
    {
      ulp_fail (err, ULP_E_NOT_LOADED, "%s is loaded %zu times with build-id "
                "%s: cannot tell which to patch", pf->target_soname, nmatch,
                pf->target_build_id);
      return NULL;
    }
  if (wrong)
    {
      char hex[129];
      ulp_obj_build_id_hex (wrong, hex);
      ulp_fail (err, ULP_E_BUILD_ID,
                "build-id mismatch: patch is for %s, loaded %s is %s",
                pf->target_build_id, pf->target_soname,
                *hex ? hex : "(none)");
      return NULL;
    }
  if (dl_iterate_phdr (loaded_p, (void *) pf->target_soname))
    ulp_fail (err, ULP_E_NOT_PATCHABLE,
              "%s is loaded but not live-patchable (no ULP note)",
              pf->target_soname);
  else
    ulp_fail (err, ULP_E_NOT_LOADED, "%s is not loaded", pf->target_soname);
  return NULL;
}

/* P's own records in memory, for the sizes of its replacement
   functions.  */

struct patch_meta
{
  uintptr_t ld;                   /* the address of its dynamic section.  */
  const unsigned char *records;
  size_t n;
  uint32_t stride;
  uintptr_t lo, hi;
};

static int
patch_meta_cb (struct dl_phdr_info *info, size_t size, void *data)
{
  (void) size;
  struct patch_meta *m = data;
  /* Known by its dynamic section: a patch placed at its link address
     has the load bias 0 of a program that is not position-independent.  */
  bool ours = false;
  for (ElfW (Half) i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
      ours = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr == m->ld;
  if (!ours)
    return 0;
  m->lo = UINTPTR_MAX;
  m->hi = 0;
  for (ElfW (Half) i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Phdr) *ph = &info->dlpi_phdr[i];
      if (ph->p_type == PT_LOAD)
        {
          uintptr_t a = info->dlpi_addr + ph->p_vaddr;
          if (a < m->lo)
            m->lo = a;
          if (a + ph->p_memsz > m->hi)
            m->hi = a + ph->p_memsz;
        }
    }
  return 1;
}

static void
version_sizes (const struct patch_meta *m, struct ulp_version *v)
{
  v->code_size = 0;
  v->cold_start = v->cold_end = 0;
  for (size_t i = 0; i < m->n; i++)
    {
      const struct ulp_record *r
        = (const struct ulp_record *) (m->records + i * m->stride);
      if (r->kind == ULP_KIND_COLD || r->kind == ULP_KIND_VARIABLE)
        continue;
      if ((uintptr_t) ulp_ref (&r->addr) != v->addr)
        continue;
      v->code_size = r->code_size;
      cold_part (m->records, m->n, m->stride, rec_str (&r->name),
                 rec_str (&r->unit), &v->cold_start, &v->cold_end);
      return;
    }
}

static bool
same_file (const struct ulp_patch *p, const struct ulp_pfile *pf)
{
  if (*p->build_id && *pf->build_id)
    return strcmp (p->build_id, pf->build_id) == 0;
  return p->file_dev == pf->st.st_dev && p->file_ino == pf->st.st_ino;
}

static const char *
base_name (const char *path)
{
  const char *s = strrchr (path, '/');
  return s ? s + 1 : path;
}

/* An apply in progress: the operation (target, universe, patch, what to
   undo), the patch file, and what the plan found and the load made for
   the steps after them.  */

struct apply
{
  const char *path;               /* only a name for messages.  */
  struct ulp_trusted tr;          /* the patch's bytes (trust.c).  */
  struct ulp_pfile pf;            /* their checked contents.  */
  struct ulp_op op;               /* target, universe, what to undo.  */
  struct ulp_patch *old;          /* the older version it replaces.  */
  const struct ulp_record **recs; /* the functions it replaces.  */
  uintptr_t *refs;                /* what its references name.  */
  uintptr_t *relocs;              /* what its relocations name.  */
  uintptr_t base;                 /* its load bias.  */
  struct patch_meta meta;         /* its records and its span.  */
  struct ulp_patch *p;            /* its record, until it is listed.  */
};

/* Open the patch file PATH.  0, or -1 with *ERR and nothing open.  */

static int
apply_open (struct apply *a, const char *path, unsigned flags,
            const unsigned char *key, struct ulp_error *err)
{
  memset (a, 0, sizeof *a);
  a->path = path;
  /* Trusted, copied and sealed (trust.c): from here on PATH is only a
     name for messages; the checks below and dlopen read TR's bytes.  */
  if (ulp_trust_open (path, flags, key, &a->tr, err) < 0)
    return -1;
  int vfd = fcntl (a->tr.fd, F_DUPFD_CLOEXEC, 0);
  if (vfd < 0)
    {
      ulp_trust_close (&a->tr);
      return ulp_fail (err, ULP_E_OPEN, "cannot read %s: %s", path,
                       strerror (errno));
    }
  if (ulp_pfile_open_fd (path, vfd, &a->tr.st, &a->pf, err) < 0)
    {
      ulp_trust_close (&a->tr);
      return -1;
    }
  return 0;
}

/* Plan: whether the patch may be applied, and to what.  */

static int
plan_target (struct apply *a, struct ulp_error *err)
{
  const struct ulp_pfile *pf = &a->pf;
  for (struct ulp_patch *q = patches; q; q = q->next)
    if (q->state == ULP_PATCH_APPLIED && same_file (q, pf))
      return ulp_fail (err, ULP_E_APPLIED, "%s is already applied (patch "
                       "%ld)", a->path, q->id);

  struct ulp_obj *h = find_target (pf, err);
  if (!h)
    return -1;
  ulp_op_start (&a->op, h);

  /* A versioned patch replaces the applied older version of its name on
     the same object (see ulp-patch.h), and is refused when that one is
     not older.  */
  const char *pname = pf->name ? pf->name : base_name (a->path);
  if (pf->version > 0)
    for (struct ulp_patch *q = patches; q; q = q->next)
      if (q->state == ULP_PATCH_APPLIED && q->target == h
          && strcmp (q->name, pname) == 0)
        {
          if (q->version >= pf->version)
            return ulp_fail (err, ULP_E_NOT_NEWER, "%s: %s version %u is "
                             "already applied to %s (patch %ld): version %u "
                             "is not newer", a->path, pname, q->version,
                             h->soname, q->id, pf->version);
          a->old = q;
        }
  return 0;
}

/* Function I of the patch: it exists once, has a patchable entry in
   the target's code, and that entry holds what the plugin or this
   runtime left there.  */

static int
plan_function (struct apply *a, size_t i, struct ulp_error *err)
{
  struct ulp_obj *h = a->op.h;
  const struct ulp_pfile_replace *rp = &a->pf.replace[i];
  const struct ulp_record *rec = ulp_find_function (h, rp->name, rp->unit,
                                                    err);
  if (!rec)
    return -1;
  a->recs[i] = rec;
  for (size_t j = 0; j < i; j++)
    if (a->recs[j] == rec)
      return ulp_fail (err, ULP_E_FORMAT, "%s: %s is replaced twice",
                       a->path, rp->name);
  uintptr_t label = (uintptr_t) ulp_ref (&rec->addr);
  if (!ulp_obj_in_text (h, label - ULP_PRE_ENTRY_SIZE,
                        ULP_PRE_ENTRY_SIZE + rec->entry_offset
                          + rec->entry_size))
    return ulp_fail (err, ULP_E_NOT_PATCHABLE, "%s: not in the code of %s",
                     rp->name, h->soname);
  struct ulp_fn *known = fn_find (h, label);
  struct ulp_fn probe;
  memset (&probe, 0, sizeof probe);
  probe.label = label;
  probe.entry = label + rec->entry_offset;
  probe.entry_orig = ULP_ENTRY_NOP0 | ULP_ENTRY_NOP1 << 8;
  /* A fused entry is the function's own first instruction, which the
     record does not spell; it is never a short jump.  */
  if (rec->flags & ULP_F_FUSED)
    memcpy (&probe.entry_orig, (const void *) probe.entry, 2);
  if ((!known && (rec->flags & ULP_F_FUSED)
       && *(const unsigned char *) probe.entry == 0xeb)
      || !fn_bytes_ok (known ? known : &probe))
    return ulp_fail (err, ULP_E_NOT_PATCHABLE,
                     "%s: unexpected code at its entry in %s (changed by "
                     "something else than ulp?)", rp->name, h->soname);
  return 0;
}

/* Every function and reference, before anything changes.  */

static int
apply_plan (struct apply *a, struct ulp_error *err)
{
  const struct ulp_pfile *pf = &a->pf;
  if (plan_target (a, err) < 0)
    return -1;
  struct ulp_obj *h = a->op.h;
  a->recs = calloc (pf->nreplace, sizeof *a->recs);
  a->refs = calloc (pf->nrefs + 1, sizeof *a->refs);
  if (!a->recs || !a->refs)
    return ulp_fail (err, ULP_E_NOMEM, "out of memory");
  for (size_t i = 0; i < pf->nreplace; i++)
    if (plan_function (a, i, err) < 0)
      return -1;
  for (size_t i = 0; i < pf->nrefs; i++)
    if (ulp_find_symbol (h, pf->refs[i].name, pf->refs[i].unit, &a->refs[i],
                         err) < 0)
      return -1;
  a->relocs = calloc (pf->nrelocs + 1, sizeof *a->relocs);
  if (!a->relocs)
    return ulp_fail (err, ULP_E_NOMEM, "out of memory");
  for (size_t i = 0; i < pf->nrelocs; i++)
    if (ulp_find_symbol (h, pf->relocs[i].name, pf->relocs[i].unit,
                         &a->relocs[i], err) < 0)
      return -1;
  /* The stubs read the thread state at a fixed %fs offset when they
     can, whether or not the patch itself tracks the boundary.  */
  if (h->o && h->tls_kind == ULP_TLS_UNKNOWN)
    ulp_obj_decide_tls (h);
  return 0;
}

/* Load: dlopen the checked bytes, and make sure the loaded object is
   the file just checked.  */

static int
load_patch (struct apply *a, struct ulp_error *err)
{
  const struct ulp_pfile *pf = &a->pf;
  /* Far from the loader's area (a program), the patch is loaded from a
     copy relinked within reach of its target (rebase.c).  */
  uint64_t delta = 0;
  if (ulp_rebase_wanted (pf, a->op.h->lo, a->op.h->hi))
    {
      struct ulp_trusted near = a->tr;
      near.fd = ulp_rebase_copy (pf, a->path, a->op.h->lo, a->op.h->hi,
                                 &delta, err);
      if (near.fd < 0)
        return -1;
      a->op.handle = ulp_trust_dlopen (&near, a->path, err);
      close (near.fd);
    }
  else
    a->op.handle = ulp_trust_dlopen (&a->tr, a->path, err);
  if (!a->op.handle)
    return -1;
  struct link_map *lm = NULL;
  if (dlinfo (a->op.handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm)
    return ulp_fail (err, ULP_E_LOAD, "%s: cannot find where it was loaded",
                     a->path);
  /* The file's addresses moved by DELTA in the copy that was loaded.  */
  a->base = lm->l_addr + delta;
  /* The loaded object must be the file just checked.  */
  const unsigned char *file_table = ulp_pfile_bytes (pf, pf->patch_table,
                                                     pf->patch_size);
  if (!file_table
      || memcmp ((const void *) (a->base + pf->patch_table), file_table,
                 pf->patch_size) != 0)
    return ulp_fail (err, ULP_E_LOAD, "%s changed while it was being applied",
                     a->path);
  a->meta = (struct patch_meta) { .ld = (uintptr_t) lm->l_ld };
  dl_iterate_phdr (patch_meta_cb, &a->meta);
  if (pf->meta_table && pf->meta_record_size >= sizeof (struct ulp_record))
    {
      a->meta.records = (const unsigned char *) (a->base + pf->meta_table);
      a->meta.stride = pf->meta_record_size;
      a->meta.n = pf->meta_table_size / pf->meta_record_size;
    }
  return 0;
}

/* Whether V fits a 32-bit field of relocation type TYPE (absolute:
   zero-extended for R_X86_64_32, else sign-extended).  */
static bool
fits32 (uint32_t type, int64_t v)
{
  if (type == R_X86_64_32)
    return v >= 0 && v <= (int64_t) UINT32_MAX;
  return v >= INT32_MIN && v <= INT32_MAX;
}

/* The value relocation I of A writes: S + A, less P when PC-relative.  */
static int64_t
reloc_value (const struct apply *a, size_t i)
{
  const struct ulp_pfile_reloc *r = &a->pf.relocs[i];
  int64_t v = (int64_t) a->relocs[i] + r->addend;
  if (r->type == R_X86_64_PC32 || r->type == R_X86_64_PLT32)
    v -= (int64_t) (a->base + r->place);
  return v;
}

/* Write SIZE BYTES at the patch's address VADDR, for the relocation of
   WHAT: in place in writable data, else as code.  */
static int
write_place (struct apply *a, uint64_t vaddr, const void *bytes,
             size_t size, const char *what, struct ulp_error *err)
{
  if (ulp_fault (ULP_FAULT_RELOC))
    return ulp_fail (err, ULP_E_LOAD, "%s: relocation of %s: injected "
                     "fault", a->path, what);
  void *place = (void *) (a->base + vaddr);
  int prot = ulp_pfile_prot (&a->pf, vaddr);
  if (prot >= 0 && (prot & PROT_WRITE))
    {
      memcpy (place, bytes, size);
      return 0;
    }
  return ulp_code_write (place, bytes, size, prot < 0 ? PROT_READ : prot,
                         err) < 0 ? -1 : 0;
}

/* Resolve its relocations against the running target, before any of
   its code can run: all of them fit, or nothing is written.  */

static int
relocate (struct apply *a, struct ulp_error *err)
{
  const struct ulp_pfile *pf = &a->pf;
  for (size_t i = 0; i < pf->nrelocs; i++)
    if (pf->relocs[i].type != R_X86_64_64
        && !fits32 (pf->relocs[i].type, reloc_value (a, i)))
      {
        if (pf->relocs[i].type == R_X86_64_32
            || pf->relocs[i].type == R_X86_64_32S)
          return ulp_fail (err, ULP_E_LOAD, "%s: %s of %s does not fit its "
                           "absolute 32-bit reference (a program built "
                           "without -fPIE must be mapped below 2 GiB)",
                           a->path, pf->relocs[i].name, a->op.h->soname);
        return ulp_fail (err, ULP_E_LOAD, "%s: %s is out of reach of its "
                         "32-bit reference (the patch was loaded more "
                         "than 2 GiB from %s)", a->path, pf->relocs[i].name,
                         a->op.h->soname);
      }
  for (size_t i = 0; i < pf->nabs; i++)
    if (!fits32 (pf->abs[i].type, (int64_t) (a->base + pf->abs[i].value)))
      return ulp_fail (err, ULP_E_LOAD, "%s: its own addresses do not fit "
                       "their absolute 32-bit references (the patch was "
                       "loaded above 2 GiB)", a->path);
  for (size_t i = 0; i < pf->nabs; i++)
    {
      uint32_t v = (uint32_t) (a->base + pf->abs[i].value);
      if (write_place (a, pf->abs[i].place, &v, 4, "its own address",
                       err) < 0)
        return -1;
    }
  for (size_t i = 0; i < pf->nrelocs; i++)
    {
      const struct ulp_pfile_reloc *r = &pf->relocs[i];
      unsigned char bytes[8];
      size_t size;
      if (r->type == R_X86_64_64)
        {
          uint64_t v = (uint64_t) a->relocs[i]
                       + (uint64_t) (int64_t) r->addend;
          memcpy (bytes, &v, 8);
          size = 8;
        }
      else
        {
          uint32_t v = (uint32_t) reloc_value (a, i);
          memcpy (bytes, &v, 4);
          size = 4;
        }
      if (write_place (a, r->place, bytes, size, r->name, err) < 0)
        return -1;
    }
  return 0;
}

/* Fill its references and its state.  */

static void
fill_state (struct apply *a)
{
  const struct ulp_pfile *pf = &a->pf;
  struct ulp_obj *h = a->op.h;
  for (size_t i = 0; i < pf->nrefs; i++)
    __atomic_store_n ((uint64_t *) (a->base + pf->refs[i].slot),
                      (uint64_t) a->refs[i], __ATOMIC_RELEASE);
  if (!pf->state)
    return;
  struct ulp_patch_state *st
    = (struct ulp_patch_state *) (a->base + pf->state);
  if (h->o)
    {
      st->object = (uint64_t) (uintptr_t) h->o;
      st->tpoff = h->tls_kind == ULP_TLS_STATIC ? (uint64_t) h->tpoff : 0;
      st->tls_index[0] = h->tls_modid;
      st->tls_index[1] = h->tls_offset;
    }
  else
    {
      st->object = (uint64_t) (uintptr_t) &dummy_object;
      st->tpoff = (uint64_t) ((uintptr_t) &dummy_thread
                              - (uintptr_t) __builtin_thread_pointer ());
      st->tls_index[0] = 0;
      st->tls_index[1] = 0;
    }
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
}

/* The patch's record, for the universe the operation opens.  */

static int
new_patch (struct apply *a, struct ulp_error *err)
{
  const struct ulp_pfile *pf = &a->pf;
  struct ulp_patch *p = calloc (1, sizeof *p);
  struct ulp_fn **fns = calloc (pf->nreplace, sizeof *fns);
  if (!p || !fns)
    {
      free (p);
      free (fns);
      return ulp_fail (err, ULP_E_NOMEM, "out of memory");
    }
  a->p = p;
  p->fns = fns;
  p->path = strdup (a->path);
  p->name = strdup (pf->name ? pf->name : base_name (a->path));
  p->description = pf->description ? strdup (pf->description) : NULL;
  if (!p->path || !p->name || (pf->description && !p->description))
    return ulp_fail (err, ULP_E_NOMEM, "out of memory");
  p->target = a->op.h;
  p->handle = a->op.handle;
  p->base = a->base;
  p->lo = a->meta.lo;
  p->hi = a->meta.hi;
  p->file_dev = pf->st.st_dev;
  p->file_ino = pf->st.st_ino;
  strcpy (p->build_id, pf->build_id);
  p->version = pf->version;
  p->universe = a->op.u_new;
  return 0;
}

static int
apply_load (struct apply *a, struct ulp_error *err)
{
  if (load_patch (a, err) < 0 || relocate (a, err) < 0)
    return -1;
  fill_state (a);
  return new_patch (a, err);
}

/* The new versions, valid from U_NEW on.  */

static int
add_versions (struct apply *a, struct ulp_error *err)
{
  struct ulp_patch *p = a->p;
  for (size_t i = 0; i < a->pf.nreplace; i++)
    {
      struct ulp_fn *fn = fn_get (a->op.h, a->recs[i], err);
      if (!fn)
        return -1;
      if (fn->nversions == fn->versions_cap)
        {
          size_t cap = fn->versions_cap ? 2 * fn->versions_cap : 4;
          struct ulp_version *v = realloc (fn->versions, cap * sizeof *v);
          if (!v)
            return ulp_fail (err, ULP_E_NOMEM, "out of memory");
          fn->versions = v;
          fn->versions_cap = cap;
        }
      struct ulp_version *v = &fn->versions[fn->nversions++];
      memset (v, 0, sizeof *v);
      v->from = a->op.u_new;
      v->to = UINT64_MAX;
      v->addr = a->base + a->pf.replace[i].vaddr;
      v->patch = p;
      version_sizes (&a->meta, v);
      p->fns[p->nfns++] = fn;
    }
  return 0;
}

/* Commit: change the target, up to opening the universe.  On failure
   ulp_op_undo takes back what A->OP records.  */

static int
apply_commit (struct apply *a, struct ulp_error *err)
{
  struct ulp_op *op = &a->op;
  struct ulp_obj *h = op->h;
  struct ulp_patch *p = a->p, *old = a->old;
  op->adding = p;
  /* The version it replaces ends where the new one begins: the same
     universe step applies one and reverts the other.  */
  if (old)
    ulp_op_end_versions (op, old);

  /* Tracking starts with the object's second universe (arm.c), before
     the versions are published: which threads can be inside, and in
     which universe, decides what the detours select.  */
  op->armed = ulp_obj_arm_for_apply (h, err);
  if (op->armed < 0)
    return -1;

  if (add_versions (a, err) < 0)
    return -1;
  if (ulp_ranges_publish (h) < 0)
    return ulp_fail (err, ULP_E_NOMEM, "out of memory");
  for (size_t i = 0; i < p->nfns; i++)
    if (fn_publish (p->fns[i], false, err) < 0)
      return -1;
  /* Functions only the old version replaced go back to the original
     from U_NEW on.  */
  for (size_t i = 0; old && i < old->nfns; i++)
    if (fn_publish (old->fns[i], false, err) < 0)
      return -1;

  /* The point of no return (operation.c).  */
  return ulp_op_open_universe (op, err);
}

/* The universe is open: list the patch, and keep its target loaded.
   Its id.  */

static long
apply_finish (struct apply *a)
{
  struct ulp_obj *h = a->op.h;
  struct ulp_patch *p = a->p;
  __atomic_store_n (&ulp_patching_started, 1, __ATOMIC_RELEASE);
  ulp_snapshot_want (h, a->op.u_new);
  if (!h->dl_handle && !h->main_program)
    h->dl_handle = dlopen (h->path, RTLD_LAZY | RTLD_NOLOAD);
  h->applied++;
  /* Once per object: whether calls can enter it past the tracking.  */
  ulp_obj_check_exports (h);
  p->id = next_id++;
  p->state = ULP_PATCH_APPLIED;
  struct ulp_patch **tail = &patches;
  while (*tail)
    tail = &(*tail)->next;
  *tail = p;
  /* Listed and loaded for good.  */
  a->p = NULL;
  a->op.handle = NULL;
  return p->id;
}

/* Free what the apply holds: all of it after a failure.  */

static void
apply_close (struct apply *a)
{
  struct ulp_patch *p = a->p;
  if (p)
    {
      free (p->fns);
      free (p->path);
      free (p->name);
      free (p->description);
      free (p);
    }
  if (a->op.handle)
    dlclose (a->op.handle);
  free (a->recs);
  free (a->refs);
  free (a->relocs);
  ulp_pfile_close (&a->pf);
  ulp_trust_close (&a->tr);
}

/* A patch applies fully or not at all: every failure before the
   universe is open is either before any change (plan, load) or undone
   (commit).  */

static long
apply_locked (const char *path, unsigned flags, const unsigned char *key,
              struct ulp_error *err)
{
  struct apply a;
  if (apply_open (&a, path, flags, key, err) < 0)
    return -1;
  long result = -1;
  if (apply_plan (&a, err) == 0 && apply_load (&a, err) == 0)
    {
      if (apply_commit (&a, err) == 0)
        result = apply_finish (&a);
      else
        ulp_op_undo (&a.op);
    }
  apply_close (&a);
  return result;
}

long
ulp_apply (const char *path, unsigned flags, struct ulp_error *err)
{
  return ulp_apply_key (path, flags, NULL, err);
}

long
ulp_apply_key (const char *path, unsigned flags, const unsigned char *key,
               struct ulp_error *err)
{
  struct ulp_error local;
  if (!err)
    err = &local;
  err->code = ULP_OK;
  err->message[0] = '\0';
  if (!path || !*path)
    {
      ulp_fail (err, ULP_E_INVAL, "no patch file given");
      return -1;
    }
  if (flags & ~ULP_APPLY_REQUIRE_SIGNATURE)
    {
      ulp_fail (err, ULP_E_INVAL, "unknown flags %#x", flags);
      return -1;
    }
  ulp_lock ();
  ulp_fault_enter ();
  long r = apply_locked (path, flags, key, err);
  ulp_fault_leave ();
  ulp_maintain_soon ();
  ulp_unlock ();
  return r;
}
