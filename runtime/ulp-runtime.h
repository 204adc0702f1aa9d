/* ulp-runtime.h -- internal interfaces between the modules of libulp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   libulp keeps one struct ulp_obj per live-patchable object it found
   (objects.c), one struct ulp_fn per function of such an object that a
   patch ever replaced (apply.c), and one struct ulp_patch per applied
   patch.  A patched function's entry jumps through an 8-byte slot near
   the object (memory.c, text-write.c) to a selector stub (stubs.c) that
   picks the version of the calling thread's universe, using an
   immutable table of universe intervals (struct ulp_table).  Threads
   are registered per object from the boundary-tracking slow path
   (threads.c), which must stay async-signal-safe: it reads only
   published, never freed data, and allocates with mmap.  Everything
   else runs under the API lock (ulp_lock).  */

#ifndef ULP_RUNTIME_H
#define ULP_RUNTIME_H

#include <link.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ulp-meta.h"
#include "ulp-patch.h"
#include "ulp.h"
#include "ulp-protocol.h"

#include "fault.h"
#include "ulp-hex.h"
#include "ulp-record.h"

#define ULP_HIDDEN __attribute__ ((visibility ("hidden")))

struct ulp_obj;
struct ulp_fn;
struct ulp_patch;

/* ------------------------------------------------------------------ */
/* Errors (error.c).                                                   */
/* ------------------------------------------------------------------ */

/* Fill *ERR (never NULL here) with CODE and a printf-style message;
   return -1 so callers can `return ulp_fail (...)'.  */
ULP_HIDDEN int ulp_fail (struct ulp_error *err, int code, const char *fmt,
                         ...) __attribute__ ((format (printf, 3, 4)));

/* ------------------------------------------------------------------ */
/* Objects (objects.c).                                                */
/* ------------------------------------------------------------------ */

/* How a thread finds its struct ulp_thread_state for an object.  */
enum ulp_tls_kind
{
  ULP_TLS_NONE = 0,    /* the object has no boundary tracking.  */
  ULP_TLS_UNKNOWN,     /* not decided yet (decided when first patched).  */
  ULP_TLS_STATIC,      /* at the same offset from %fs in every thread.  */
  ULP_TLS_DYNAMIC      /* through __tls_get_addr.  */
};

/* One code range of a version of a patched function, for mapping the
   return address of the boundary slow path back to what it runs.  */
struct ulp_range
{
  uintptr_t start, end;
  struct ulp_fn *fn;
  uintptr_t version;  /* the version's target address in the tables.  */
};

/* Published, immutable array of ranges sorted by START.  */
struct ulp_range_set
{
  size_t n;
  struct ulp_range r[];
};

/* An entry of a per-object thread registry.  TID 0 means free; T 0
   with a TID means "being filled".  */
struct ulp_reg_entry
{
  int tid;
  int pad;
  uintptr_t t;
};

struct ulp_reg_chunk
{
  struct ulp_reg_chunk *next;
  size_t cap;
  struct ulp_reg_entry e[];
};

/* Threads that existed when the runtime attached to an object: they may
   have entered it unseen, so they are "unknown" until they register or
   exit.  Immutable array, sorted; FLAGS[i] set once TIDS[i] registered. */
struct ulp_t0
{
  size_t n;
  int *tids;
  unsigned char *flags;
};

/* A snapshot of every thread's CPU time, taken after universes
   UNIVERSE to UNTIL were opened: a thread that since then ran long
   enough, blocked, or exited cannot still be between a function's
   entry and its boundary code with a version chosen before any of them
   (see threads.c).  Taking it later than the opening only makes that
   test stricter, so it is taken after the reply to a tool.  */
struct ulp_snapshot
{
  uint64_t universe;
  uint64_t until;
  size_t n;
  int *tids;
  uint64_t *cpu_ns;
};

/* How many names of untracked exports the status shows.  */
#define ULP_UNTRACKED_SHOWN 4

struct ulp_obj
{
  struct ulp_obj *next;

  /* Identity.  */
  char *path;                  /* as the loader knows it; "" for main.  */
  char *soname;                /* DT_SONAME, or the file's base name.  */
  unsigned char build_id[64];
  size_t build_id_len;
  uintptr_t base;              /* load bias.  */
  const ElfW (Phdr) *phdr;
  ElfW (Half) phnum;
  uintptr_t lo, hi;            /* span of the PT_LOAD segments.  */
  bool alive;                  /* seen by the latest scan.  */
  bool needs_attach;
  bool main_program;

  /* Metadata.  */
  const unsigned char *records;
  size_t nrecords;
  uint32_t record_size;
  struct ulp_object_state *o; /* NULL without boundary tracking.  */

  /* Thread state.  */
  enum ulp_tls_kind tls_kind;
  size_t tls_modid;
  uint64_t tls_offset;         /* of __ulp_thread in the TLS block.  */
  intptr_t tpoff;              /* when static.  */
  uint64_t own_universe;       /* the universe counter when O is NULL.  */

  /* Registry (threads.c): chunks are mmap'ed, never freed.  */
  struct ulp_reg_chunk *reg;
  struct ulp_t0 *t0;           /* published once, or NULL.  */
  int t0_pending;              /* atomic: T0 has unregistered threads.  */
  pid_t pid;                   /* process that attached (fork).  */

  /* Patching.  */
  struct ulp_fn **fns;
  size_t nfns, fns_cap;
  struct ulp_range_set *ranges; /* atomic pointer, old ones retired.  */
  uint64_t live_floor;         /* no thread is in an older universe.  */
  struct ulp_snapshot **snaps;  /* for the universes still of interest.  */
  uint64_t snap_from;          /* oldest universe still without a
                                  snapshot, or 0.  */
  size_t nsnaps;
  void *dl_handle;             /* keeps a patched object loaded.  */
  unsigned applied;            /* patches applied and not unloaded.  */

  /* Slot pages near the object (memory.c).  */
  uint64_t *slot_page;
  size_t slots_used, slots_cap;
  /* The page near the object that copies of fused entries are taken
     from (memory.c).  */
  unsigned char *fixed_page;
  size_t fixed_used;

  /* Exported functions that are no tracked entry (exports.c), counted
     at the object's first patch, with the first few names.  */
  bool exports_checked;
  size_t untracked_exports;
  char *untracked_names[ULP_UNTRACKED_SHOWN];

  /* Arming of the tracked entries (arm.c): their sites and the bytes
     each had, found at the first arming.  ARM_DEFERRED: loaded while
     the process had one thread, and left unarmed until it starts a
     second one (ulp_arm_deferred).  */
  bool armed;
  bool arm_deferred;
  uintptr_t *arm_sites;
  uint16_t *arm_orig;
  uint16_t *arm_jumps;   /* each site's armed form.  */
  size_t narm;
};

/* Rescan the loaded objects: attach to new live-patchable ones, mark
   vanished ones dead.  Under the lock.  */
ULP_HIDDEN void ulp_objects_scan (void);

/* Head of the list of objects, newest first: nodes are published
   complete and never freed, so it may be walked without the lock.  */
ULP_HIDDEN extern struct ulp_obj *ulp_objects_head;

/* The list of objects (under the lock).  */
ULP_HIDDEN struct ulp_obj *ulp_objects (void);

/* The loaded, boundary-tracked object SONAME, or NULL; under the lock
   (which has rescanned the objects).  */
ULP_HIDDEN struct ulp_obj *ulp_tracked_object (const char *soname);

/* The object containing code address ADDR, or NULL.  */
ULP_HIDDEN struct ulp_obj *ulp_object_at (uintptr_t addr);

/* Current newest universe of H.  */
ULP_HIDDEN uint64_t ulp_obj_universe (const struct ulp_obj *h);

/* Open a new universe of H (store-release) and return it.  */
ULP_HIDDEN uint64_t ulp_obj_bump (struct ulp_obj *h);

/* Decide whether H's thread state is in static TLS (creates a short
   probe thread once).  */
ULP_HIDDEN void ulp_obj_decide_tls (struct ulp_obj *h);

/* The calling thread's state for H, or NULL when the calling thread
   never touched H's TLS (dynamic TLS not allocated).  */
ULP_HIDDEN struct ulp_thread_state *ulp_obj_self_state (struct ulp_obj *h);

/* Decoded record I of H.  */
ULP_HIDDEN const struct ulp_record *ulp_obj_record (const struct ulp_obj *h,
                                                    size_t i);

/* Build-id of H as hex ("" when it has none).  */
ULP_HIDDEN void ulp_obj_build_id_hex (const struct ulp_obj *h, char *out);

/* Whether [ADDR, ADDR+LEN) lies in an executable segment of H.  */
ULP_HIDDEN bool ulp_obj_in_text (const struct ulp_obj *h, uintptr_t addr,
                                 size_t len);

/* The PROT_* of the PT_LOAD segment of H holding ADDR, or -1.  */
ULP_HIDDEN int ulp_obj_prot (const struct ulp_obj *h, uintptr_t addr);

/* The runtime's slow path (threads.c).  Objects get
   ulp_enter_slow_entry (slow-stub.S), which adds RET, the return
   address into the instrumented function body, when it can find it.  */
ULP_HIDDEN void ulp_enter_slow_c (struct ulp_thread_state *t, uint64_t sp,
                                  struct ulp_object_state *o, uintptr_t ret);

/* Arm H's tracked entries (arm.c): 1 if this call armed them, 0 if they
   were armed already (or H has no tracking), -1 with *ERR.  Under the
   lock.  */
ULP_HIDDEN int ulp_obj_arm (struct ulp_obj *h, struct ulp_error *err);

/* ulp_obj_arm for a patch about to be applied to H in process: refused
   when H has unarmed entries and other threads exist (arm.c).  */
ULP_HIDDEN int ulp_obj_arm_for_apply (struct ulp_obj *h,
                                      struct ulp_error *err);

/* Arm the objects left unarmed at load (ulp_object_loaded) because the
   process had one thread: called by the pthread_create wrapper before
   the process's next thread starts, on the thread creating it, which
   is then the only one that can be inside them (its own stack says
   whether it is).  Cheap when nothing is deferred.  */
ULP_HIDDEN void ulp_arm_deferred (void);

/* Whether H's tracked entries track now: armed, or built eager.  */
ULP_HIDDEN bool ulp_obj_armed_p (struct ulp_obj *h);

/* Undo ulp_obj_arm.  Under the lock.  */
ULP_HIDDEN int ulp_obj_disarm (struct ulp_obj *h, struct ulp_error *err);

/* H's arming state and the ranges of the bodies its entries run, as
   JSON, for ulp-apply's check of the threads.  */
struct ulp_buf;
ULP_HIDDEN void ulp_obj_put_arm_info (struct ulp_obj *h, bool armed_now,
                                      struct ulp_buf *b);

/* The requests "arm SONAME" (ARM) and "disarm SONAME" (control.c):
   the reply (malloc'd JSON of ulp_obj_put_arm_info) of an arm, NULL
   otherwise; *RESULT 0 or -1 with *ERR.  */
ULP_HIDDEN char *ulp_arm_request (const char *soname, bool arm,
                                  int64_t *result, struct ulp_error *err);

/* Count H's exported functions that are no tracked entry (exports.c);
   does the work only the first time.  Under the lock.  */
ULP_HIDDEN void ulp_obj_check_exports (struct ulp_obj *h);

/* ------------------------------------------------------------------ */
/* Threads and universes (threads.c).                                  */
/* ------------------------------------------------------------------ */

/* Register thread state T of the calling thread in H's registry.
   Async-signal-safe.  */
ULP_HIDDEN void ulp_register (struct ulp_obj *h, struct ulp_thread_state *t);

/* The calling thread's kernel thread id (async-signal-safe).  */
ULP_HIDDEN int ulp_gettid (void);

/* After attaching to H: record which threads are unknown (T0) and
   register the calling thread if it entered H already.  */
ULP_HIDDEN void ulp_threads_attach (struct ulp_obj *h);

/* In a forked child, forget the parent's threads.  */
ULP_HIDDEN void ulp_threads_after_fork (struct ulp_obj *h);

/* A thread's view, as the checks see it.  */
struct ulp_thread_view
{
  int tid;
  bool self;
  bool registered;
  bool known;              /* STATE is valid (read consistently).  */
  struct ulp_thread_state state;
  uintptr_t addr;          /* where STATE lives, when registered.  */
};

/* Universe U of H was opened: it needs a snapshot, which the next
   ulp_maintain takes.  */
ULP_HIDDEN void ulp_snapshot_want (struct ulp_obj *h, uint64_t u);

/* Take the CPU-time snapshot of all threads that H's universes since
   the last one want, if any.  */
ULP_HIDDEN void ulp_snapshot_take (struct ulp_obj *h);

/* Drop the snapshots of H older than U, except those in KEEP.  */
ULP_HIDDEN void ulp_snapshot_prune (struct ulp_obj *h);

/* Whether thread TID, according to snapshot of universe U, can no
   longer be between an entry and its boundary code with a selection
   made before U was opened: it exited, blocks, started after, or ran
   long enough since.  */
ULP_HIDDEN bool ulp_thread_past (struct ulp_obj *h, uint64_t u, int tid);

/* Call FN for every live thread of the process with its view of H.
   Returns false when the threads cannot be listed (no /proc): callers
   must then assume the worst.  FN returns false to stop.  */
ULP_HIDDEN bool ulp_threads_each (struct ulp_obj *h,
                                  bool (*fn) (const struct ulp_thread_view *,
                                              void *),
                                  void *data);

/* Whether every thread that existed when the runtime attached to H has
   registered or exited.  */
ULP_HIDDEN bool ulp_t0_resolved (struct ulp_obj *h);

/* Whether thread TID existed when the runtime attached to H and is
   still unknown: it may be inside H unregistered.  */
ULP_HIDDEN bool ulp_t0_pending_p (struct ulp_obj *h, int tid);

/* A tool found where thread TID keeps its state for H (T, or 0 when it
   has none: it never entered H): register it on its behalf (an unknown
   thread of the attach, or one ulp-apply pinned in a program) and
   count it as known.  False when TID is gone, or was no such thread
   and T is 0.  Under the lock.  */
ULP_HIDDEN bool ulp_t0_register (struct ulp_obj *h, int tid, uintptr_t t);

/* Count registered threads of H in the states the status reports.  */
ULP_HIDDEN size_t ulp_registered_count (struct ulp_obj *h);

/* ------------------------------------------------------------------ */
/* Threads that never leave (migrate.c).                               */
/* ------------------------------------------------------------------ */

/* The threads behind in an object's universes, with the addresses of
   their states and the code ranges that must not be on their stacks
   for them to move to the newest universe, as JSON (malloc'ed; NULL
   when out of memory).  Takes the lock.  */
ULP_HIDDEN char *ulp_migrate_json (void);

/* One thread of a migrate-held request (ulp-protocol.h): the tool
   could not move thread TID because of WHAT in frame FRAME (-1: WHAT is
   a reason word, not a function).  */
struct ulp_held_thread
{
  int tid;
  int frame;
  char what[128];
};

/* One thread of a migrate-register request: where thread TID keeps its
   state (0: it has none, it never entered).  */
struct ulp_found_thread
{
  int tid;
  uintptr_t state;
};

/* Record what held the N threads of HELD that a tool could not move to
   universe NEWEST of SONAME.  Takes the lock.  */
ULP_HIDDEN int ulp_migrate_note_held (const char *soname, uint64_t newest,
                                      const struct ulp_held_thread *held,
                                      size_t n, struct ulp_error *err);

/* Register the N unknown threads (T0) of FOUND, whose states a tool
   found in SONAME.  Takes the lock.  */
ULP_HIDDEN int ulp_migrate_register (const char *soname,
                                     const struct ulp_found_thread *found,
                                     size_t n, struct ulp_error *err);

/* What held thread TID (in universe THREAD_UNIVERSE) of H from the
   newest universe at the last check, with its frame number in *FRAME
   (-1 when WHAT is a reason, not a function), or NULL.  Under the
   lock.  */
ULP_HIDDEN const char *ulp_migrate_held (struct ulp_obj *h, int tid,
                                         uint64_t thread_universe,
                                         int *frame);

/* ------------------------------------------------------------------ */
/* Memory near objects (memory.c).                                     */
/* ------------------------------------------------------------------ */

/* An 8-byte slot within +-2 GiB of every address of H's text, on a
   data page of its own.  NULL with *ERR filled when none can be
   mapped.  */
ULP_HIDDEN uint64_t *ulp_slot_alloc (struct ulp_obj *h,
                                     struct ulp_error *err);

/* SIZE bytes of executable memory for a stub, 16-byte aligned; write
   it with ulp_code_write.  NULL when out of memory.  */
ULP_HIDDEN void *ulp_stub_mem (size_t size);

/* SIZE bytes of memory for code that is never given back, 16-byte
   aligned and within 2 GiB of every byte of H's object; write it with
   ulp_code_write.  NULL when out of memory.  */
ULP_HIDDEN void *ulp_fixed_code_mem (struct ulp_obj *h, size_t size);

/* Statistics for the status.  */
ULP_HIDDEN void ulp_stub_stats (size_t *bytes, size_t *retired,
                                size_t *retired_bytes, size_t *reclaimed);

/* Stub STUB of BYTES bytes, or block P from malloc, of object H is no
   longer published but a thread may still be using it: free it once
   none can (ulp_reclaim).  */
ULP_HIDDEN void ulp_stub_retire (struct ulp_obj *h, void *stub,
                                 size_t bytes);
ULP_HIDDEN void ulp_retire_free (struct ulp_obj *h, void *p);

/* Free what H retired if every thread is past it (in ulp_maintain,
   under the lock).  */
ULP_HIDDEN void ulp_reclaim (struct ulp_obj *h);

/* Whether H retired something that ulp_reclaim may free now.  */
ULP_HIDDEN bool ulp_reclaim_due (struct ulp_obj *h);

/* ------------------------------------------------------------------ */
/* Writing code (text-write.c).                                        */
/* ------------------------------------------------------------------ */

/* Write N bytes at ADDR in code that no thread executes right now
   (a pre-entry area, a stub not yet published).  PROT is the mapping's
   protection to restore.  0, or -1 with *ERR filled.  */
ULP_HIDDEN int ulp_code_write (void *addr, const void *bytes, size_t n,
                               int prot, struct ulp_error *err);

/* Store the 2-byte instruction VAL at the 2-byte aligned ADDR so that
   every thread sees the old or the new one, never a mix.  */
ULP_HIDDEN int ulp_code_store16 (void *addr, uint16_t val, int prot,
                                 struct ulp_error *err);

/* A write session: between these, each mapping code is written into
   is made writable once, whole, and protected again at the end
   (text-write.c says why).  Sessions nest; ulp_lock begins one and
   ulp_unlock ends it, so every operation of the runtime is one.  */
ULP_HIDDEN void ulp_code_session_begin (void);
ULP_HIDDEN void ulp_code_session_end (void);

/* How code was written last: "mprotect", "proc-mem", or "none".  */
ULP_HIDDEN const char *ulp_code_write_method (void);

/* Store VALS[I] (or VAL when VALS is NULL) at each of the N 2-byte
   aligned code addresses ADDRS, each store atomic.  *DONE (when not
   NULL) says how many were written, also on failure.  */
ULP_HIDDEN int ulp_code_store16_many (const uintptr_t *addrs,
                                      const uint16_t *vals, uint16_t val,
                                      size_t n, int prot, size_t *done,
                                      struct ulp_error *err);

/* ------------------------------------------------------------------ */
/* Patched functions, tables and stubs (stubs.c).                      */
/* ------------------------------------------------------------------ */

/* The interval list of a function: G(u) = TARGET of the last interval
   whose FROM <= u.  IV[0].FROM is 0 (the original).  */
struct ulp_interval
{
  uint64_t from;
  uintptr_t target;
};

struct ulp_table
{
  struct ulp_fn *fn;
  size_t n;
  struct ulp_interval iv[];
};

/* A version of a function: valid for universes [FROM, TO).  */
struct ulp_version
{
  uint64_t from, to;   /* TO is UINT64_MAX while applied.  */
  uintptr_t addr;      /* the replacement's label.  */
  struct ulp_patch *patch;
  uintptr_t cold_start, cold_end; /* its .cold part, or 0.  */
  uint32_t code_size;
};

struct ulp_fn
{
  struct ulp_obj *obj;
  const struct ulp_record *rec;
  const char *name;
  const char *unit;
  uintptr_t label;          /* the function's symbol address.  */
  uintptr_t entry;          /* label + entry_offset.  */
  uintptr_t orig;           /* where a thread runs the original: entry +
                               2 past the entry NOP, or, for an entry
                               fused with the function's first
                               instruction (ULP_F_FUSED), a copy of that
                               instruction followed by a jump behind
                               it.  */
  uint8_t entry_size;       /* bytes of the entry instruction.  */
  uintptr_t cold_start, cold_end;
  bool tracked;             /* ULP_F_BOUNDARY.  */
  uint64_t *slot;           /* NULL until first detoured.  */
  bool pre_written;         /* the pre-entry area jumps to the slot.  */
  bool entry_written;       /* the entry holds the short jump.  */
  bool entry_ever_written;  /* threads may have jumped to pre-entry.  */
  uint64_t published_floor; /* live floor / universe at the last  */
  uint64_t published_universe; /* publication.  */
  uint16_t entry_orig;      /* the first 2 bytes it had (66 90, or those
                               of a fused first instruction).  */
  struct ulp_version *versions;
  size_t nversions, versions_cap;
  struct ulp_table *table;  /* atomic pointer; old ones leaked.  */
  void *stub;               /* the published stub, or NULL.  */
  size_t stub_size;
  uintptr_t slot_target;    /* what the slot points to now.  */
};

/* The version the tables name for U.  */
ULP_HIDDEN uintptr_t ulp_table_lookup (const struct ulp_table *tab,
                                       uint64_t u);

/* Build FN's table from its versions (NULL when out of memory).  */
ULP_HIDDEN struct ulp_table *ulp_table_build (struct ulp_fn *fn);

/* Generate and publish the code that makes FN's entry select by the
   table TAB given the object's live floor: a stub, a direct slot, or
   the original entry.  Does not flip the entry; returns the slot
   target or 0 with *ERR.  */
ULP_HIDDEN uintptr_t ulp_stub_make (struct ulp_fn *fn,
                                    const struct ulp_table *tab,
                                    struct ulp_error *err);

/* The slow selector the stubs jump to through ulp_stub_slow (.S).  */
ULP_HIDDEN uintptr_t ulp_select_slow (const struct ulp_table *tab,
                                      uint64_t rsp);

/* Assembly entry points (slow-stub.S).  */
ULP_HIDDEN void ulp_stub_slow (void);
ULP_HIDDEN void ulp_enter_slow_entry (void);

/* State-saving parameters for ulp_stub_slow, set by ulp_stub_init.  */
ULP_HIDDEN void ulp_stub_init (void);

/* ------------------------------------------------------------------ */
/* Patches (apply.c, revert.c).                                        */
/* ------------------------------------------------------------------ */

enum ulp_patch_state_kind
{
  ULP_PATCH_APPLIED,
  ULP_PATCH_REVERTED,   /* reverted, code still loaded (pending).  */
  ULP_PATCH_UNLOADED
};

struct ulp_patch
{
  struct ulp_patch *next;
  long id;
  char *path;
  char *name;
  char *description;
  struct ulp_obj *target;
  void *handle;              /* dlopen handle.  */
  uintptr_t base;            /* load bias of the patch.  */
  uintptr_t lo, hi;          /* span of its segments.  */
  uint64_t universe;         /* U_P.  */
  uint64_t reverted_at;      /* U' once reverted, else 0.  */
  enum ulp_patch_state_kind state;
  struct ulp_fn **fns;       /* functions it replaces.  */
  size_t nfns;
  uint64_t file_dev, file_ino;
  char build_id[129];
  uint32_t version;          /* from INFO's flags; 0: unversioned.  */
};

/* The patch list, oldest first (under the lock).  */
ULP_HIDDEN struct ulp_patch *ulp_patch_list (void);

/* Forget all but the KEEP newest patches of H that are unloaded, so
   that the list does not grow for ever.  */
ULP_HIDDEN void ulp_patch_forget_old (struct ulp_obj *h, size_t keep);

/* Republish every patched function of H after its versions or its
   live floor changed.  */
ULP_HIDDEN int ulp_republish (struct ulp_obj *h, struct ulp_error *err);

/* Publish FN again, even if its table did not change: for an undo,
   after which its stub, slot and entry must be what its versions say.
   0, or -1 with *ERR.  */
ULP_HIDDEN int ulp_fn_republish (struct ulp_fn *fn, struct ulp_error *err);

/* Take FN's pre-entry jump back when no thread can have jumped there:
   its entry was never written.  */
ULP_HIDDEN void ulp_fn_unprepare (struct ulp_fn *fn);

/* Rebuild and publish H's code ranges for the slow path.  */
ULP_HIDDEN int ulp_ranges_publish (struct ulp_obj *h);

/* Collapse per-thread selection of H where no thread needs it any
   more, and unload reverted patches no thread can run.  Under the
   lock.  */
ULP_HIDDEN void ulp_maintain (void);

/* ulp_maintain, or, when the runtime's worker thread serves a tool's
   request, a note that it is due: the worker does it after it has
   replied, so the tool does not wait for it.  Under the lock.  */
ULP_HIDDEN void ulp_maintain_soon (void);

/* Whether ulp_maintain left work that only time can settle: a
   selection not yet collapsed or a reverted patch not yet unloaded.
   Under the lock.  */
ULP_HIDDEN bool ulp_maintenance_pending (void);

/* Whether the calling thread is the runtime's worker (control.c).  */
ULP_HIDDEN bool ulp_worker_self_p (void);

/* Whether the worker should stop the maintenance it is doing because a
   tool's request is waiting: with hundreds of threads, looking at each
   takes milliseconds, which the tool would otherwise wait for.  */
ULP_HIDDEN bool ulp_maintenance_interrupted (void);

/* Set by ulp_maintain_soon in the worker; cleared by the worker.  */
ULP_HIDDEN extern bool ulp_maintain_due;

/* Pending-thread count for patch P (threads inside its target in an
   older universe).  */
ULP_HIDDEN unsigned ulp_patch_pending (struct ulp_patch *p);

/* ------------------------------------------------------------------ */
/* An apply or a revert in progress (operation.c).                     */
/* ------------------------------------------------------------------ */

/* One operation on one object, as apply.c and revert.c carry it out:
   what it changes, the universe it opens, and what it did so far, so
   that a failure before that universe is open takes back exactly that,
   in reverse order (ulp_op_undo).  The slots, pre-entry jumps, entries
   and stubs written so far are recorded on each function (struct
   ulp_fn); the functions an apply gave a version are its patch's FNS.
   An apply is: plan (read and check the patch, find the target,
   resolve every name), load (dlopen, relocate, fill its state), commit
   (end the versions it replaces, arm, add its versions, publish the
   detours, open the universe); a revert only commits.  Under the
   lock.  */
struct ulp_op
{
  struct ulp_obj *h;           /* the target.  */
  uint64_t u_new;              /* the universe it opens.  */
  struct ulp_patch *adding;    /* an apply's patch, whose versions begin
                                  at U_NEW; NULL for a revert.  */
  struct ulp_patch *ending;    /* the patch whose versions end at U_NEW:
                                  the one reverted, or the older version
                                  an apply replaces; or NULL.  */
  void *handle;                /* an apply's loaded patch; the undo sets
                                  it to NULL when the code must stay
                                  loaded.  */

  /* What it did so far.  */
  int armed;                   /* ulp_obj_arm_for_apply's result: 1 when
                                  this operation armed H.  */
  bool ended;                  /* ENDING's versions end at U_NEW.  */
};

/* Start OP on H: the universe it opens is the one after H's newest.  */
ULP_HIDDEN void ulp_op_start (struct ulp_op *op, struct ulp_obj *h);

/* End the versions of Q at OP's universe (Q becomes OP's ENDING).  */
ULP_HIDDEN void ulp_op_end_versions (struct ulp_op *op, struct ulp_patch *q);

/* The point of no return: open OP's universe, and record that ENDING
   is reverted there.  0, or -1 with *ERR when, on an object without
   boundary code, the republish that moves the detours fails: the
   universe is then closed again, and ulp_op_undo can follow.  */
ULP_HIDDEN int ulp_op_open_universe (struct ulp_op *op,
                                     struct ulp_error *err);

/* Take back what OP did, in reverse order; OP's universe is not open.
   Does not fail: what cannot be put back is kept (see operation.c).  */
ULP_HIDDEN void ulp_op_undo (struct ulp_op *op);

/* Take P's versions out of the tables of the functions it replaces.  */
ULP_HIDDEN void ulp_patch_drop_versions (struct ulp_patch *p);

/* ------------------------------------------------------------------ */
/* Library state (init.c).                                             */
/* ------------------------------------------------------------------ */

ULP_HIDDEN void ulp_lock (void);

/* Whether the calling thread holds the API lock.  */
ULP_HIDDEN bool ulp_lock_held_by_self (void);
ULP_HIDDEN void ulp_unlock (void);

/* Set once the first patch is applied: before that the pthread_create
   wrapper only passes through.  */
ULP_HIDDEN extern int ulp_patching_started;

/* Resolved libc functions we wrap.  */
ULP_HIDDEN int ulp_real_pthread_create (pthread_t *, const pthread_attr_t *,
                                        void *(*) (void *), void *);

/* buf.c: a growing string; a failed allocation sets FAILED and drops
   every later write.  */
struct ulp_buf
{
  char *s;
  size_t n, cap;
  bool failed;
};
void ulp_put (struct ulp_buf *b, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
/* S as a JSON string.  */
void ulp_put_str (struct ulp_buf *b, const char *s);

/* threads.c: the process's thread ids, malloc'ed, their number in *N;
   NULL when /proc is missing.  */
int *ulp_list_tids (size_t *n);

#endif /* ULP_RUNTIME_H */
