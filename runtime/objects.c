/* objects.c -- find the live-patchable objects of the process.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   An object is live-patchable when its program headers lead to a ULP
   note (ulp-meta.h).  Every API call rescans the loaded objects with
   dl_iterate_phdr, so objects loaded or unloaded with dlopen/dlclose
   since the last call are seen.  For each new object the runtime reads
   the note, build-id, soname and TLS module, installs its slow path and
   its handle into the object's __ulp_object, and works out which
   threads may already have entered it (threads.c).  An object that
   was unloaded and loaded again at the same address comes back with a
   fresh __ulp_object whose runtime field is 0, so it is recognised as
   new.  Handles are never freed: the slow path may be reading one.  */

#include <config.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ulp-note.h"
#include "ulp-runtime.h"

struct ulp_obj *ulp_objects_head;
static unsigned long long last_adds, last_subs;
static bool scanned_once;

struct ulp_obj *
ulp_objects (void)
{
  return ulp_objects_head;
}

uint64_t
ulp_obj_universe (const struct ulp_obj *h)
{
  if (h->o)
    return __atomic_load_n (&h->o->universe, __ATOMIC_ACQUIRE);
  return h->own_universe;
}

uint64_t
ulp_obj_bump (struct ulp_obj *h)
{
  if (h->o)
    {
      uint64_t u = h->o->universe + 1;
      __atomic_store_n (&h->o->universe, u, __ATOMIC_SEQ_CST);
      return u;
    }
  return ++h->own_universe;
}

const struct ulp_record *
ulp_obj_record (const struct ulp_obj *h, size_t i)
{
  return (const struct ulp_record *) (h->records + i * h->record_size);
}

void
ulp_obj_build_id_hex (const struct ulp_obj *h, char *out)
{
  ulp_hex (h->build_id, h->build_id_len, out);
}

bool
ulp_obj_in_text (const struct ulp_obj *h, uintptr_t addr, size_t len)
{
  for (ElfW (Half) i = 0; i < h->phnum; i++)
    {
      const ElfW (Phdr) *ph = &h->phdr[i];
      if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
        continue;
      uintptr_t lo = h->base + ph->p_vaddr, hi = lo + ph->p_memsz;
      if (addr >= lo && addr <= hi && len <= hi - addr)
        return true;
    }
  return false;
}

int
ulp_obj_prot (const struct ulp_obj *h, uintptr_t addr)
{
  for (ElfW (Half) i = 0; i < h->phnum; i++)
    {
      const ElfW (Phdr) *ph = &h->phdr[i];
      if (ph->p_type != PT_LOAD)
        continue;
      uintptr_t lo = h->base + ph->p_vaddr, hi = lo + ph->p_memsz;
      if (addr >= lo && addr < hi)
        return ((ph->p_flags & PF_R ? PROT_READ : 0)
                | (ph->p_flags & PF_W ? PROT_WRITE : 0)
                | (ph->p_flags & PF_X ? PROT_EXEC : 0));
    }
  return -1;
}

struct ulp_obj *
ulp_object_at (uintptr_t addr)
{
  for (struct ulp_obj *h = ulp_objects_head; h; h = h->next)
    if (h->alive && addr >= h->lo && addr < h->hi)
      return h;
  return NULL;
}

/* DT_SONAME from the loaded dynamic section.  The loader has relocated
   the address entries of most objects in place; those it has not (the
   vDSO) are still link-time addresses below the load bias.  */

static const char *
loaded_soname (const struct dl_phdr_info *info)
{
  for (ElfW (Half) i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Phdr) *ph = &info->dlpi_phdr[i];
      if (ph->p_type != PT_DYNAMIC)
        continue;
      const ElfW (Dyn) *dyn = (const ElfW (Dyn) *) (info->dlpi_addr
                                                    + ph->p_vaddr);
      uintptr_t strtab = 0;
      ElfW (Xword) soname = 0;
      bool has_soname = false;
      for (; dyn->d_tag != DT_NULL; dyn++)
        if (dyn->d_tag == DT_STRTAB)
          strtab = dyn->d_un.d_ptr;
        else if (dyn->d_tag == DT_SONAME)
          {
            soname = dyn->d_un.d_val;
            has_soname = true;
          }
      if (!has_soname || !strtab)
        return NULL;
      if (strtab < info->dlpi_addr)
        strtab += info->dlpi_addr;
      return (const char *) strtab + soname;
    }
  return NULL;
}

static char *
main_program_path (void)
{
  char buf[PATH_MAX];
  ssize_t n = readlink ("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    return strdup ("");
  buf[n] = '\0';
  return strdup (buf);
}

static struct ulp_obj *
find_handle (const struct dl_phdr_info *info, struct ulp_object_state *o)
{
  for (struct ulp_obj *h = ulp_objects_head; h; h = h->next)
    {
      if (o)
        {
          if (h->o == o
              && __atomic_load_n (&o->runtime, __ATOMIC_ACQUIRE)
                   == (uintptr_t) h)
            return h;
        }
      else if (!h->o && h->base == info->dlpi_addr
               && h->phdr == info->dlpi_phdr)
        return h;
    }
  return NULL;
}

_Static_assert (ULP_BUILD_ID_MAX <= sizeof ((struct ulp_obj *) 0)->build_id,
                "a build-id fits its handle");

static int
scan_one (struct dl_phdr_info *info, size_t size, void *data)
{
  (void) size;
  (void) data;
  struct ulp_notes notes = { 0 };
  const ElfW (Phdr) *tls = NULL;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (ElfW (Half) i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Phdr) *ph = &info->dlpi_phdr[i];
      if (ph->p_type == PT_NOTE)
        ulp_notes_scan (&notes, (const void *) (info->dlpi_addr + ph->p_vaddr),
                        ph->p_memsz, ph->p_align);
      else if (ph->p_type == PT_TLS)
        tls = ph;
      else if (ph->p_type == PT_LOAD)
        {
          uintptr_t a = info->dlpi_addr + ph->p_vaddr;
          if (a < lo)
            lo = a;
          if (a + ph->p_memsz > hi)
            hi = a + ph->p_memsz;
        }
    }
  struct ulp_note note;
  if (!notes.ulp
      || ulp_note_decode (notes.ulp, notes.ulp_size, &note) != ULP_NOTE_OK)
    return 0;
  /* A live patch is not itself a target (its replacements are reached
     through the target's detours).  */
  if (note.patch_table)
    return 0;

  struct ulp_object_state *o
    = note.object_state
        ? (struct ulp_object_state *) (info->dlpi_addr + note.object_state)
        : NULL;
  struct ulp_obj *h = find_handle (info, o);
  if (h)
    {
      h->alive = true;
      return 0;
    }

  h = calloc (1, sizeof *h);
  if (!h)
    return 0;
  h->main_program = info->dlpi_name == NULL || info->dlpi_name[0] == '\0';
  h->path = h->main_program ? main_program_path ()
                            : strdup (info->dlpi_name);
  const char *soname = loaded_soname (info);
  if (!soname && h->path)
    {
      const char *slash = strrchr (h->path, '/');
      soname = slash ? slash + 1 : h->path;
    }
  h->soname = strdup (soname ? soname : "");
  if (!h->path || !h->soname)
    {
      free (h->path);
      free (h->soname);
      free (h);
      return 0;
    }
  if (notes.build_id)
    {
      memcpy (h->build_id, notes.build_id, notes.build_id_len);
      h->build_id_len = notes.build_id_len;
    }
  h->base = info->dlpi_addr;
  h->phdr = info->dlpi_phdr;
  h->phnum = info->dlpi_phnum;
  h->lo = lo;
  h->hi = hi;
  h->alive = true;
  h->records = (const unsigned char *) (info->dlpi_addr + note.table);
  h->record_size = note.record_size;
  h->nrecords = note.table_size / note.record_size;
  h->o = o;
  h->own_universe = 1;
  h->pid = getpid ();
  /* Universe 1 is the first: no thread can be in an older one.  */
  h->live_floor = 1;
  if (o && note.thread_state && tls)
    {
      h->tls_kind = ULP_TLS_UNKNOWN;
      h->tls_modid = info->dlpi_tls_modid;
      h->tls_offset = note.thread_state - tls->p_vaddr;
    }
  else
    h->tls_kind = ULP_TLS_NONE;
  if (!o || h->tls_kind == ULP_TLS_NONE)
    h->o = o = NULL;

  h->needs_attach = o != NULL;
  /* Readers without the lock (the pthread_create wrapper) follow the
     list from its head, so publish a complete node.  */
  h->next = ulp_objects_head;
  __atomic_store_n (&ulp_objects_head, h, __ATOMIC_RELEASE);
  return 0;
}

/* dl_iterate_phdr reports every object at once, so objects missing from
   a scan are gone.  */

static int
count_changes (struct dl_phdr_info *info, size_t size, void *data)
{
  unsigned long long *out = data;
  if (size >= offsetof (struct dl_phdr_info, dlpi_subs)
                + sizeof info->dlpi_subs)
    {
      out[0] = info->dlpi_adds;
      out[1] = info->dlpi_subs;
    }
  return 1;
}

void
ulp_objects_scan (void)
{
  unsigned long long counts[2] = { 0, 0 };
  dl_iterate_phdr (count_changes, counts);
  if (scanned_once && counts[0] == last_adds && counts[1] == last_subs
      && counts[0] != 0)
    return;
  for (struct ulp_obj *h = ulp_objects_head; h; h = h->next)
    h->alive = false;
  dl_iterate_phdr (scan_one, NULL);
  for (struct ulp_obj *h = ulp_objects_head; h; h = h->next)
    if (h->needs_attach)
      {
        h->needs_attach = false;
        /* The handle first: the slow path reads it once called.  */
        __atomic_store_n (&h->o->runtime, (uintptr_t) h, __ATOMIC_RELEASE);
        __atomic_store_n (&h->o->enter_slow,
                          (uintptr_t) ulp_enter_slow_entry, __ATOMIC_RELEASE);
        ulp_threads_attach (h);
      }
  last_adds = counts[0];
  last_subs = counts[1];
  scanned_once = true;
}

/* Deciding static TLS: a thread that never ran the object's code has
   the object's TLS block allocated exactly when the block is in static
   TLS (dynamic blocks are allocated lazily, on first use), and
   dl_iterate_phdr reports it through dlpi_tls_data.  So ask from a new
   thread.  The offset from the thread pointer is then the same in every
   thread.  */

struct probe
{
  struct ulp_obj *h;
  void *tls_data;
  uintptr_t tp;
};

static int
probe_one (struct dl_phdr_info *info, size_t size, void *data)
{
  (void) size;
  struct probe *p = data;
  if (info->dlpi_addr == p->h->base && info->dlpi_phdr == p->h->phdr)
    {
      p->tls_data = info->dlpi_tls_data;
      return 1;
    }
  return 0;
}

static void *
probe_thread (void *arg)
{
  struct probe *p = arg;
  p->tp = (uintptr_t) __builtin_thread_pointer ();
  dl_iterate_phdr (probe_one, p);
  return NULL;
}

void
ulp_obj_decide_tls (struct ulp_obj *h)
{
  if (h->tls_kind != ULP_TLS_UNKNOWN)
    return;
  struct probe p = { h, NULL, 0 };
  pthread_t th;
  if (ulp_real_pthread_create (&th, NULL, probe_thread, &p) != 0)
    return; /* Undecided: the slow stub works either way.  */
  pthread_join (th, NULL);
  if (p.tls_data)
    {
      h->tpoff = (intptr_t) ((uintptr_t) p.tls_data + h->tls_offset - p.tp);
      h->tls_kind = ULP_TLS_STATIC;
    }
  else
    h->tls_kind = ULP_TLS_DYNAMIC;
}

static int
self_one (struct dl_phdr_info *info, size_t size, void *data)
{
  (void) size;
  struct probe *p = data;
  if (info->dlpi_addr == p->h->base && info->dlpi_phdr == p->h->phdr)
    {
      p->tls_data = info->dlpi_tls_data;
      return 1;
    }
  return 0;
}

struct ulp_thread_state *
ulp_obj_self_state (struct ulp_obj *h)
{
  switch (h->tls_kind)
    {
    case ULP_TLS_NONE:
      return NULL;
    case ULP_TLS_STATIC:
      return (struct ulp_thread_state *) ((uintptr_t)
                                          __builtin_thread_pointer ()
                                          + h->tpoff);
    default:
      {
        struct probe p = { h, NULL, 0 };
        dl_iterate_phdr (self_one, &p);
        if (!p.tls_data)
          return NULL;
        return (struct ulp_thread_state *) ((uintptr_t) p.tls_data
                                            + h->tls_offset);
      }
    }
}

struct ulp_obj *
ulp_tracked_object (const char *soname)
{
  for (struct ulp_obj *o = ulp_objects (); o; o = o->next)
    if (o->alive && o->o && strcmp (o->soname, soname) == 0)
      return o;
  return NULL;
}
