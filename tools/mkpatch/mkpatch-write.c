/* mkpatch-write.c -- the write phase of ulp-mkpatch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Writes the patch in two steps.  First an intermediate relocatable
   object, built with the ELF writer (elf-writer.c) in named phases:
   add_sections (the included sections copied byte for byte from
   PATCHED, the unwind records of the included functions, the REF slots
   and the patch table's sections), add_symbols, relocate_all (the
   relocations rewritten as the include phase planned: references to
   the target removed and listed as RELOC entries, GOT references
   pointed at REF slots, the boundary state's TLS accesses pointed at
   the patch's state) and add_table (the patch table, .ulp_patch, with
   the strings it names).  Then, in write_and_link, the system's
   compiler driver links it into a shared object with the ulp linker
   script, which gathers the records and the table and adds the ULP
   note, as for a patch written by hand.

   Linking with ld rather than writing the final object here keeps
   everything ld does well where it belongs: the PLT and GOT for calls
   into libc, dynamic relocations for the patch's own pointers, symbol
   versions, merged strings, .eh_frame_hdr for unwinding through the
   new code, and the note.  The patch is linked without start files (no
   constructor runs when the runtime loads it, before it has written
   the RELOC places) and without RELRO (so that no page the runtime
   writes has been made read-only behind it).

   When the patch needs the target's thread-local boundary state, a
   small assembly file goes into the link as well: the state the
   runtime fills (ulp-patch.h, ULP_PATCH_STATE) and a TLS descriptor
   whose resolver answers from it, which the copied code calls as it
   would call the target's own descriptor.  */

#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elf-writer.h"
#include "mkpatch.h"
#include "ulp-patch.h"
#include "ulp-xsave.h"

extern char **environ;

/* The intermediate object being built (elf-writer.h), and what in it
   is the patch's own.  */
struct out
{
  struct elfw *w;
  size_t refs_sec;             /* .data.ulp_refs: the REF slots.  */
  size_t tab_sec;              /* .ulp_patch: the patch table.  */
  size_t str_sec;              /* the strings it names.  */
  size_t state_sym;            /* __ulp_patch_state, once used, or 0.  */
  size_t desc_sym;             /* __ulp_mkpatch_tlsdesc, once used, or 0.  */
  /* The ABS32 entries relocate found, for add_table.  */
  struct out_abs
  {
    size_t sec, sym;           /* the place's output section; the symbol.  */
    uint64_t offset;
    int64_t addend;
    uint32_t type;
  } *abs;
  size_t nabs, abs_cap;
};

/* The symbol of the intermediate object that stands for symbol SYM of
   OBJ, or 0 after an error.  */

static size_t
out_symbol (struct out *o, struct mk_object *obj, size_t sym)
{
  if (sym == 0)
    return 0;
  const struct mk_symbol *s = &obj->syms[sym];
  if (s->type == STT_SECTION && s->sec)
    {
      if (!s->sec->include)
        goto missing;
      return elfw_section (o->w, s->sec->out)->sym;
    }
  if (s->out)
    return s->out;
missing:
  mk_error (obj->path, "internal error: %s (%s) is referenced but not in "
            "the patch", s->name, s->sec ? s->sec->name : "undefined");
  return 0;
}

/* Undefined symbols come after every local: the callers add them
   last.  */

static size_t
state_symbol (struct out *o)
{
  if (!o->state_sym)
    o->state_sym = elfw_undefined_symbol (o->w, "__ulp_patch_state", false);
  return o->state_sym;
}

static size_t
tlsdesc_symbol (struct out *o)
{
  if (!o->desc_sym)
    o->desc_sym = elfw_undefined_symbol (o->w, "__ulp_mkpatch_tlsdesc",
                                         false);
  return o->desc_sym;
}

/* ------------------------------------------------------------------ */
/* Copying sections.                                                   */
/* ------------------------------------------------------------------ */

static void
copy_sections (struct out *o, struct mk_object *obj)
{
  for (size_t i = 1; i < obj->shnum; i++)
    {
      struct mk_section *sec = &obj->secs[i];
      if (!sec->include || sec->kind == MK_SEC_EH)
        continue;
      size_t k = elfw_add_section (o->w, sec->name, sec->sh.sh_type,
                                   sec->sh.sh_flags & ~(uint64_t) SHF_GROUP,
                                   sec->sh.sh_addralign, sec->sh.sh_entsize);
      struct elfw_section *s = elfw_section (o->w, k);
      s->size = sec->size;
      if (sec->data)
        {
          s->data = mk_xmalloc (sec->size);
          memcpy (s->data, sec->data, sec->size);
        }
      sec->out = k;
    }
}

/* The kept records of OBJ's .eh_frame, with their CIE pointers
   recomputed.  */

static void
copy_eh (struct out *o, struct mk_object *obj)
{
  if (!obj->eh_index || !obj->secs[obj->eh_index].include)
    return;
  struct mk_section *sec = &obj->secs[obj->eh_index];
  uint64_t size = 0;
  for (size_t i = 0; i < obj->neh; i++)
    if (obj->eh[i].keep)
      {
        obj->eh[i].out_offset = size;
        size += obj->eh[i].size;
      }
  if (size == 0)
    {
      sec->include = false;
      return;
    }
  size_t k = elfw_add_section (o->w, ".eh_frame", sec->sh.sh_type, SHF_ALLOC,
                               8, 0);
  struct elfw_section *s = elfw_section (o->w, k);
  s->size = size;
  s->data = mk_xcalloc (size, 1);
  for (size_t i = 0; i < obj->neh; i++)
    {
      struct mk_eh_rec *r = &obj->eh[i];
      if (!r->keep)
        continue;
      memcpy (s->data + r->out_offset, sec->data + r->offset, r->size);
      if (r->cie)
        continue;
      for (size_t j = 0; j < obj->neh; j++)
        if (obj->eh[j].cie && obj->eh[j].offset == r->cie_offset)
          mk_put32 (s->data + r->out_offset + 4,
                    (uint32_t) (r->out_offset + 4 - obj->eh[j].out_offset));
    }
  sec->out = k;
}

/* Record sections follow their function's section (SHF_LINK_ORDER);
   a record whose function stays behind follows nothing.  */

static void
link_records (struct out *o, struct mk_object *obj)
{
  for (size_t i = 1; i < obj->shnum; i++)
    {
      struct mk_section *sec = &obj->secs[i];
      if (!sec->include || !(sec->sh.sh_flags & SHF_LINK_ORDER))
        continue;
      struct mk_section *to = &obj->secs[sec->sh.sh_link];
      struct elfw_section *s = elfw_section (o->w, sec->out);
      if (to->include)
        s->link_to = elfw_section (o->w, to->out)->index;
      else
        s->sh.sh_flags &= ~(uint64_t) SHF_LINK_ORDER;
    }
}

/* The sections: those copied from PATCHED, then the patch's own.  */

static void
add_sections (struct mk_ctx *ctx, struct out *o)
{
  for (size_t u = 0; u < ctx->nunits; u++)
    if (ctx->units[u].patched)
      {
        copy_sections (o, ctx->units[u].patched);
        copy_eh (o, ctx->units[u].patched);
      }
  if (ctx->nrefs)
    {
      o->refs_sec = elfw_add_section (o->w, ".data.ulp_refs", SHT_PROGBITS,
                                      SHF_ALLOC | SHF_WRITE, 8, 0);
      struct elfw_section *s = elfw_section (o->w, o->refs_sec);
      s->size = 8 * ctx->nrefs;
      s->data = mk_xcalloc (ctx->nrefs, 8);
    }
  o->tab_sec = elfw_add_section (o->w, ULP_PATCH_SECTION, SHT_PROGBITS,
                                 SHF_ALLOC, 4, 0);
  o->str_sec = elfw_add_section (o->w, ULP_STR_SECTION, SHT_PROGBITS,
                                 SHF_ALLOC, 1, 0);
  elfw_add_section (o->w, ".note.GNU-stack", SHT_PROGBITS, 0, 1, 0);
  for (size_t u = 0; u < ctx->nunits; u++)
    if (ctx->units[u].patched)
      link_records (o, ctx->units[u].patched);
}

static uint64_t
eh_out_offset (const struct mk_object *obj, uint64_t offset, bool *kept)
{
  for (size_t i = 0; i < obj->neh; i++)
    if (offset >= obj->eh[i].offset
        && offset < obj->eh[i].offset + obj->eh[i].size)
      {
        *kept = obj->eh[i].keep;
        return obj->eh[i].out_offset + (offset - obj->eh[i].offset);
      }
  *kept = false;
  return 0;
}

static void
local_symbols (struct out *o, struct mk_object *obj)
{
  for (size_t i = 1; i < obj->nsyms; i++)
    {
      struct mk_symbol *s = &obj->syms[i];
      if (s->sym.st_shndx == SHN_ABS && s->type != STT_FILE
          && s->type != STT_SECTION && *s->name)
        {
          s->out = elfw_add_symbol (o->w, s->name, STB_LOCAL, s->type,
                                    SHN_ABS, s->sym.st_value,
                                    s->sym.st_size, 0);
          continue;
        }
      if (!s->sec || !s->sec->include || s->type == STT_SECTION
          || s->type == STT_FILE || s->sec->kind == MK_SEC_EH)
        continue;
      /* Everything the patch defines is its own: local, so that nothing
         outside binds to it and units' names never clash.  */
      s->out = elfw_add_symbol (o->w, s->name, STB_LOCAL,
                                s->type == STT_GNU_IFUNC ? STT_FUNC : s->type,
                                elfw_section (o->w, s->sec->out)->index,
                                s->sym.st_value, s->sym.st_size, 0);
    }
}

/* The local symbols: the sections', then those of the copied sections;
   the undefined ones follow as the relocations need them.  */

static void
add_symbols (struct mk_ctx *ctx, struct out *o)
{
  elfw_add_section_symbols (o->w);
  for (size_t u = 0; u < ctx->nunits; u++)
    if (ctx->units[u].patched)
      local_symbols (o, ctx->units[u].patched);
  elfw_end_locals (o->w);
}

/* Write the relocations of OBJ's copied sections as the include phase
   planned them.  */

static bool
relocate (struct out *o, struct mk_object *obj)
{
  for (size_t i = 1; i < obj->shnum; i++)
    {
      struct mk_section *sec = &obj->secs[i];
      if (!sec->include || !sec->nrelas)
        continue;
      for (size_t k = 0; k < sec->nrelas; k++)
        {
          const struct mk_rela *r = &sec->relas[k];
          const struct mk_plan *p = &sec->plan[k];
          uint64_t offset = r->offset;
          if (sec->kind == MK_SEC_EH)
            {
              bool kept;
              offset = eh_out_offset (obj, r->offset, &kept);
              if (!kept)
                continue;
            }
          size_t sym;
          switch (p->action)
            {
            case MK_DROP:
            case MK_TARGET:
              break;
            case MK_KEEP:
              if (p->extern_name)
                sym = elfw_undefined_symbol (o->w, p->extern_name,
                                             p->extern_weak);
              else
                {
                  sym = out_symbol (o, p->obj, p->sym);
                  if (!sym && p->sym)
                    return false;
                }
              elfw_add_rela (o->w, sec->out, offset, p->type, sym, p->addend);
              break;
            case MK_REF:
              elfw_add_rela (o->w, sec->out, offset, R_X86_64_PC32,
                             elfw_section (o->w, o->refs_sec)->sym,
                             p->addend + 8 * (int64_t) p->ref);
              break;
            case MK_TLSDESC:
              elfw_add_rela (o->w, sec->out, offset, R_X86_64_PC32,
                             tlsdesc_symbol (o), p->addend);
              break;
            case MK_TLSIE:
              elfw_add_rela (o->w, sec->out, offset, R_X86_64_PC32,
                             state_symbol (o), p->addend);
              break;
            case MK_CONST:
              {
                struct elfw_section *s = elfw_section (o->w, sec->out);
                if (s->data && offset + 4 <= s->size)
                  mk_put32 (s->data + offset, (uint32_t) p->value);
              }
              break;
            case MK_ABS32:
              sym = out_symbol (o, p->obj, p->sym);
              if (!sym && p->sym)
                return false;
              mk_grow (&o->abs, &o->abs_cap, o->nabs, sizeof *o->abs);
              o->abs[o->nabs++] = (struct out_abs) { sec->out, sym, offset,
                                                     p->addend, p->type };
              break;
            }
        }
    }
  return true;
}

static bool
relocate_all (struct mk_ctx *ctx, struct out *o)
{
  for (size_t u = 0; u < ctx->nunits; u++)
    if (ctx->units[u].patched && !relocate (o, ctx->units[u].patched))
      return false;
  return true;
}

/* ------------------------------------------------------------------ */
/* The patch table.                                                    */
/* ------------------------------------------------------------------ */

static void
field_ref (struct out *o, size_t entry, int field, size_t sym,
           int64_t addend)
{
  elfw_add_rela (o->w, o->tab_sec,
                 entry * sizeof (struct ulp_patch_entry) + 4 + 4 * field,
                 R_X86_64_PC32, sym, addend);
}

static void
field_str (struct out *o, size_t entry, int field, const char *str)
{
  if (!str)
    return;
  uint64_t at = elfw_append (o->w, o->str_sec, str, strlen (str) + 1);
  field_ref (o, entry, field, elfw_section (o->w, o->str_sec)->sym,
             (int64_t) at);
}

static size_t
new_entry (struct out *o, uint32_t kind, uint32_t flags, uint32_t reserved)
{
  struct ulp_patch_entry e = { .kind = kind, .flags = flags,
                               .reserved = reserved };
  return elfw_append (o->w, o->tab_sec, &e, sizeof e) / sizeof e;
}

/* TARGET, INFO and, when the patch needs it, STATE.  */

static void
table_head (struct mk_ctx *ctx, struct out *o)
{
  size_t e = new_entry (o, ULP_PATCH_TARGET, 0, 0);
  field_str (o, e, 0, ctx->target.soname);
  field_str (o, e, 1, ctx->target.build_id);
  e = new_entry (o, ULP_PATCH_INFO, ctx->opt.version, 0);
  field_str (o, e, 0, ctx->opt.name);
  field_str (o, e, 1, ctx->opt.description);
  if (ctx->need_state)
    {
      size_t sym = state_symbol (o);
      e = new_entry (o, ULP_PATCH_STATE, 0, 0);
      field_ref (o, e, 0, sym, 0);
    }
}

static bool
table_replaces (struct mk_ctx *ctx, struct out *o)
{
  for (size_t i = 0; i < ctx->nreplaces; i++)
    {
      const struct mk_replace *r = &ctx->replaces[i];
      size_t e = new_entry (o, ULP_PATCH_REPLACE, 0, 0);
      size_t sym = r->repl->sym->out;
      if (!sym)
        {
          mk_error (NULL, "internal error: %s is not in the patch",
                    r->repl->name);
          return false;
        }
      field_ref (o, e, 0, sym, 0);
      field_str (o, e, 1, r->name);
      field_str (o, e, 2, r->unit);
    }
  return true;
}

static void
table_refs_and_relocs (struct mk_ctx *ctx, struct out *o)
{
  for (size_t i = 0; i < ctx->nrefs; i++)
    {
      size_t e = new_entry (o, ULP_PATCH_REF, 0, 0);
      field_ref (o, e, 0, elfw_section (o->w, o->refs_sec)->sym,
                 8 * (int64_t) i);
      field_str (o, e, 1, ctx->refs[i].name);
      field_str (o, e, 2, ctx->refs[i].unit);
    }
  for (size_t i = 0; i < ctx->nrelocs; i++)
    {
      const struct mk_reloc *r = &ctx->relocs[i];
      size_t e = new_entry (o, ULP_PATCH_RELOC, r->type,
                            (uint32_t) r->addend);
      field_ref (o, e, 0, elfw_section (o->w, r->sec->out)->sym,
                 (int64_t) r->offset);
      field_str (o, e, 1, r->name);
      field_str (o, e, 2, r->unit);
    }
  for (size_t i = 0; i < o->nabs; i++)
    {
      const struct out_abs *ab = &o->abs[i];
      size_t e = new_entry (o, ULP_PATCH_ABS32, ab->type, 0);
      field_ref (o, e, 0, elfw_section (o->w, ab->sec)->sym,
                 (int64_t) ab->offset);
      field_ref (o, e, 1, ab->sym, ab->addend);
    }
}

/* The patch table (ulp-patch.h), in the order the runtime expects.  */

static bool
add_table (struct mk_ctx *ctx, struct out *o)
{
  table_head (ctx, o);
  if (!table_replaces (ctx, o))
    return false;
  table_refs_and_relocs (ctx, o);
  return true;
}

/* ------------------------------------------------------------------ */
/* Support code for the target's thread-local boundary state.          */
/* ------------------------------------------------------------------ */

/* The resolver is called as a TLS descriptor's function: %rax points
   to the descriptor, it returns in %rax the variable's offset from the
   thread pointer and preserves every other register.  The runtime set
   the state's TP offset when the target's TLS is static; otherwise the
   address comes from __tls_get_addr with the state's tls_index, which
   may allocate, so everything the caller may still need -- argument
   registers, the whole vector state (ulp-xsave.h, the same sequence as
   the plugin's __ulp_slow; its cache is __ulp_mkpatch_xsave) -- is
   saved around it.

   The .file directive names the file symbol: without one, ld makes it
   from the name gcc gave the assembled object, a random temporary
   name, and no two builds of the same patch would be identical.  */

static const char support_asm[] =
  "\t.file \"ulp-support.s\"\n"
  "\t.section .data.ulp_state,\"aw\",@progbits\n"
  "\t.balign 16\n"
  "\t.globl __ulp_patch_state\n"
  "\t.hidden __ulp_patch_state\n"
  "\t.type __ulp_patch_state, @object\n"
  "\t.size __ulp_patch_state, 32\n"
  "__ulp_patch_state:\n"
  "\t.zero 32\n"
  "\t.globl __ulp_mkpatch_tlsdesc\n"
  "\t.hidden __ulp_mkpatch_tlsdesc\n"
  "\t.type __ulp_mkpatch_tlsdesc, @object\n"
  "\t.size __ulp_mkpatch_tlsdesc, 16\n"
  "__ulp_mkpatch_tlsdesc:\n"
  "\t.quad __ulp_mkpatch_tls_resolve\n"
  "\t.quad __ulp_patch_state\n"
  "\t.balign 16\n"
  "\t.type __ulp_mkpatch_xsave, @object\n"
  "\t.size __ulp_mkpatch_xsave, 16\n"
  "__ulp_mkpatch_xsave:\n"
  "\t.zero 16\n"
  "\t.text\n"
  "\t.p2align 4\n"
  "\t.type __ulp_mkpatch_tls_resolve, @function\n"
  "__ulp_mkpatch_tls_resolve:\n"
  "\t.cfi_startproc\n"
  "\tmovq 8(%rax), %rax\n"
  "\tcmpq $0, 8(%rax)\n"
  "\tje 1f\n"
  "\tmovq 8(%rax), %rax\n"
  "\tret\n"
  "1:\n"
  "\tpushq %rbp\n"
  "\t.cfi_def_cfa_offset 16\n"
  "\t.cfi_offset 6, -16\n"
  "\tmovq %rsp, %rbp\n"
  "\t.cfi_def_cfa_register 6\n"
  "\tpushq %rax\n"
  "\tpushq %rcx\n\tpushq %rdx\n\tpushq %rsi\n\tpushq %rdi\n"
  "\tpushq %r8\n\tpushq %r9\n\tpushq %r10\n\tpushq %r11\n"
  ULP_XSAVE_SAVE ("__ulp_mkpatch_xsave")
  "\tmovq -8(%rbp), %rdi\n"
  "\tleaq 16(%rdi), %rdi\n"
  "\tcall __tls_get_addr@PLT\n"
  "\tsubq %fs:0, %rax\n"
  "\tmovq %rax, -8(%rbp)\n"
  ULP_XSAVE_RESTORE ("__ulp_mkpatch_xsave")
  "\tleaq -72(%rbp), %rsp\n"
  "\tpopq %r11\n\tpopq %r10\n\tpopq %r9\n\tpopq %r8\n"
  "\tpopq %rdi\n\tpopq %rsi\n\tpopq %rdx\n\tpopq %rcx\n"
  "\tpopq %rax\n"
  "\tpopq %rbp\n"
  "\t.cfi_def_cfa 7, 8\n"
  "\tret\n"
  "\t.cfi_endproc\n"
  "\t.size __ulp_mkpatch_tls_resolve, .-__ulp_mkpatch_tls_resolve\n"
  "\t.section .note.GNU-stack,\"\",@progbits\n";

/* ------------------------------------------------------------------ */
/* Running the linker.                                                 */
/* ------------------------------------------------------------------ */

struct argv
{
  char **v;
  size_t n, cap;
};

static void
arg (struct argv *a, const char *s)
{
  mk_grow (&a->v, &a->cap, a->n + 1, sizeof *a->v);
  a->v[a->n++] = s ? mk_xstrdup (s) : NULL;
  a->v[a->n] = NULL;
}

static void
argv_free (struct argv *a)
{
  for (size_t i = 0; i < a->n; i++)
    free (a->v[i]);
  free (a->v);
}

/* The compiler driver: $CC split at blanks, or gcc.  */

static void
driver (struct argv *a)
{
  const char *cc = getenv ("CC");
  if (!cc || !*cc)
    cc = "gcc";
  char *copy = mk_xstrdup (cc);
  for (char *tok = strtok (copy, " \t"); tok; tok = strtok (NULL, " \t"))
    arg (a, tok);
  free (copy);
}

/* Run A; with OUT, capture its standard output (up to SIZE bytes).  */

static int
run (struct argv *a, char *out, size_t size)
{
  if (mk_verbose >= 1)
    {
      char *line = NULL;
      size_t len;
      FILE *f = open_memstream (&line, &len);
      for (size_t i = 0; f && i < a->n; i++)
        fprintf (f, " %s", a->v[i]);
      if (f && fclose (f) == 0)
        mk_note (1, "running:%s", line);
      free (line);
    }
  int pipefd[2] = { -1, -1 };
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init (&fa);
  if (out)
    {
      if (pipe (pipefd) != 0)
        return -1;
      posix_spawn_file_actions_adddup2 (&fa, pipefd[1], 1);
      posix_spawn_file_actions_addclose (&fa, pipefd[0]);
    }
  pid_t pid;
  int e = posix_spawnp (&pid, a->v[0], &fa, NULL, a->v, environ);
  posix_spawn_file_actions_destroy (&fa);
  if (out)
    close (pipefd[1]);
  if (e != 0)
    {
      mk_error (a->v[0], "cannot run: %s", strerror (e));
      if (out)
        close (pipefd[0]);
      return -1;
    }
  if (out)
    {
      size_t n = 0;
      ssize_t r;
      while (n + 1 < size
             && (r = read (pipefd[0], out + n, size - 1 - n)) > 0)
        n += (size_t) r;
      out[n] = '\0';
      close (pipefd[0]);
    }
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* The file the driver would link for library SONAME, or NULL.  */

static char *
find_library (const char *soname)
{
  struct argv a = { 0 };
  driver (&a);
  char *opt = mk_xasprintf ("-print-file-name=%s", soname);
  arg (&a, opt);
  free (opt);
  char buf[4096];
  int verbose = mk_verbose;
  mk_verbose = 0;
  int st = run (&a, buf, sizeof buf);
  mk_verbose = verbose;
  argv_free (&a);
  if (st != 0)
    return NULL;
  buf[strcspn (buf, "\n")] = '\0';
  /* GCC prints the name alone when it finds nothing.  */
  if (strcmp (buf, soname) == 0 || buf[0] != '/')
    return NULL;
  return mk_xstrdup (buf);
}

static const char *
ldscript_path (struct mk_ctx *ctx)
{
  if (ctx->opt.ldscript)
    return ctx->opt.ldscript;
  const char *env = getenv ("ULP_LDSCRIPT");
  if (env && *env)
    return env;
  return ULP_LDSCRIPT_PATH;
}

static bool
remove_tree (const char *dir, bool keep)
{
  if (keep)
    {
      mk_note (0, "temporary files kept in %s", dir);
      return true;
    }
  const char *files[] = { "patch.o", "support.s" };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    {
      char *p = mk_xasprintf ("%s/%s", dir, files[i]);
      unlink (p);
      free (p);
    }
  return rmdir (dir) == 0;
}

/* ------------------------------------------------------------------ */
/* Writing and linking.                                                */
/* ------------------------------------------------------------------ */

static bool
write_support (const char *path)
{
  FILE *f = fopen (path, "w");
  if (!f || fputs (support_asm, f) < 0 || fclose (f) != 0)
    {
      mk_error (path, "%s", strerror (errno));
      return false;
    }
  return true;
}

/* Link OBJ_PATH (and, with the boundary state, ASM_PATH) into the
   patch.  */

static bool
link_patch (struct mk_ctx *ctx, const char *obj_path, const char *asm_path)
{
  struct argv a = { 0 };
  driver (&a);
  arg (&a, "-shared");
  arg (&a, "-nostartfiles");
  arg (&a, "-o");
  arg (&a, ctx->opt.output);
  arg (&a, obj_path);
  if (ctx->need_state)
    arg (&a, asm_path);
  char *script = mk_xasprintf ("-Wl,-T,%s", ldscript_path (ctx));
  arg (&a, script);
  free (script);
  arg (&a, "-Wl,--build-id");
  arg (&a, "-Wl,-z,norelro");
  arg (&a, "-Wl,-z,noexecstack");
  arg (&a, "-Wl,--as-needed");
  /* What the target needs, the patch's calls into it need too, when
     the target was loaded with RTLD_LOCAL.  */
  for (size_t i = 0; i < ctx->target.nneeded; i++)
    {
      char *lib = find_library (ctx->target.needed[i]);
      if (lib)
        arg (&a, lib);
      free (lib);
    }
  int status = run (&a, NULL, 0);
  argv_free (&a);
  if (status == 0)
    return true;
  mk_error (ctx->opt.output, "linking the patch failed");
  /* Remove what the linker left, but only a regular file: -o may name
     a device (/dev/full), which must stay.  */
  struct stat st;
  if (lstat (ctx->opt.output, &st) == 0 && S_ISREG (st.st_mode))
    unlink (ctx->opt.output);
  return false;
}

/* Whether the linked patch reads as one.  */

static bool
check_linked (struct mk_ctx *ctx)
{
  struct outcome oc;
  struct ulp_elf *ue = ulp_elf_open (ctx->opt.output, &oc);
  if (!ue)
    mk_error (ctx->opt.output, "the linked patch is unreadable: %s",
              oc.message);
  ulp_elf_close (ue);
  return ue != NULL;
}

/* Write O and the support code into a temporary directory and link
   them into the patch.  */

static bool
write_and_link (struct mk_ctx *ctx, const struct out *o)
{
  const char *tmp = getenv ("TMPDIR");
  char *dir = mk_xasprintf ("%s/ulp-mkpatch.XXXXXX", tmp && *tmp ? tmp
                                                                : "/tmp");
  if (!mkdtemp (dir))
    {
      mk_error (dir, "cannot make a temporary directory: %s",
                strerror (errno));
      free (dir);
      return false;
    }
  char *obj_path = mk_xasprintf ("%s/patch.o", dir);
  char *asm_path = mk_xasprintf ("%s/support.s", dir);
  bool ok = (elfw_write (o->w, obj_path)
             && (!ctx->need_state || write_support (asm_path))
             && link_patch (ctx, obj_path, asm_path)
             && check_linked (ctx));
  remove_tree (dir, ctx->opt.save_temps || (!ok && mk_verbose >= 2));
  free (obj_path);
  free (asm_path);
  free (dir);
  return ok;
}

/* The write phase: the intermediate object's sections, its symbols,
   the copied code's relocations, the patch table; then the file and
   the link.  */

bool
mk_write (struct mk_ctx *ctx)
{
  mk_note (1, "phase write");
  struct out o = { .w = elfw_new () };
  add_sections (ctx, &o);
  add_symbols (ctx, &o);
  bool ok = (relocate_all (ctx, &o)
             && add_table (ctx, &o)
             && write_and_link (ctx, &o));
  elfw_free (o.w);
  free (o.abs);
  return ok;
}
