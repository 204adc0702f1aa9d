/* mkpatch-write.c -- the write phase of ulp-mkpatch.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Writes the patch in two steps.  First an intermediate relocatable
   object, with libelf: the included sections copied byte for byte from
   PATCHED, with their relocations rewritten as the include phase
   planned (references to the target removed and listed as RELOC
   entries, GOT references pointed at REF slots, the boundary state's
   TLS accesses pointed at the patch's state), the unwind records of the
   included functions, and the patch table (.ulp_patch) with the
   strings it names.  Then the system's compiler driver links it into a
   shared object with the ulp linker script, which gathers the records
   and the table and adds the ULP note, as for a patch written by hand.

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
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mkpatch.h"
#include "ulp-patch.h"
#include "ulp-xsave.h"

extern char **environ;

struct out_sec
{
  char *name;
  GElf_Shdr sh;
  unsigned char *data;
  uint64_t size;
  GElf_Rela *relas;
  size_t nrelas, cap;
  size_t index;
  size_t sym;                  /* its section symbol.  */
  size_t link_to;              /* SHF_LINK_ORDER: out section it follows.  */
};

struct out
{
  struct out_sec *secs;
  size_t nsecs, cap;
  GElf_Sym *syms;
  size_t nsyms, syms_cap;
  char *strtab;
  size_t strtab_size, strtab_cap;
  size_t first_global;
  struct mk_map externs;       /* name -> symbol index + 1.  */
  char **extern_keys;
  size_t nextern_keys, extern_keys_cap;
};

static size_t
add_string (struct out *o, const char *s)
{
  size_t len = strlen (s) + 1;
  if (o->strtab_size == 0)
    {
      mk_grow (&o->strtab, &o->strtab_cap, 0, 1);
      o->strtab[0] = '\0';
      o->strtab_size = 1;
    }
  if (len == 1)
    return 0;
  while (o->strtab_size + len > o->strtab_cap)
    mk_grow (&o->strtab, &o->strtab_cap, o->strtab_cap, 1);
  memcpy (o->strtab + o->strtab_size, s, len);
  o->strtab_size += len;
  return o->strtab_size - len;
}

static size_t
new_sec (struct out *o, const char *name, uint32_t type, uint64_t flags,
         uint64_t align, uint64_t entsize)
{
  mk_grow (&o->secs, &o->cap, o->nsecs, sizeof *o->secs);
  struct out_sec *s = &o->secs[o->nsecs];
  memset (s, 0, sizeof *s);
  s->name = mk_xstrdup (name);
  s->sh.sh_type = type;
  s->sh.sh_flags = flags;
  s->sh.sh_addralign = align ? align : 1;
  s->sh.sh_entsize = entsize;
  s->index = o->nsecs + 1;
  return o->nsecs++;
}

static size_t
add_sym (struct out *o, const char *name, unsigned char bind,
         unsigned char type, size_t shndx, uint64_t value, uint64_t size,
         unsigned char other)
{
  mk_grow (&o->syms, &o->syms_cap, o->nsyms, sizeof *o->syms);
  GElf_Sym *s = &o->syms[o->nsyms];
  memset (s, 0, sizeof *s);
  s->st_name = (Elf64_Word) add_string (o, name ? name : "");
  s->st_info = GELF_ST_INFO (bind, type);
  s->st_other = other;
  s->st_shndx = (Elf64_Section) shndx;
  s->st_value = value;
  s->st_size = size;
  return o->nsyms++;
}

static void
add_rela (struct out_sec *s, uint64_t offset, uint32_t type, size_t sym,
          int64_t addend)
{
  mk_grow (&s->relas, &s->cap, s->nrelas, sizeof *s->relas);
  GElf_Rela *r = &s->relas[s->nrelas++];
  r->r_offset = offset;
  r->r_info = GELF_R_INFO (sym, type);
  r->r_addend = addend;
}

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
      return o->secs[s->sec->out].sym;
    }
  if (s->out)
    return s->out;
missing:
  mk_error (obj->path, "internal error: %s (%s) is referenced but not in "
            "the patch", s->name, s->sec ? s->sec->name : "undefined");
  return 0;
}

static size_t
extern_symbol (struct out *o, const char *name, bool weak)
{
  void *v = mk_map_get (&o->externs, name);
  if (v)
    return (size_t) (uintptr_t) v - 1;
  /* Globals come after every local: the caller adds them last.  */
  size_t i = add_sym (o, name, weak ? STB_WEAK : STB_GLOBAL, STT_NOTYPE,
                      SHN_UNDEF, 0, 0, 0);
  mk_grow (&o->extern_keys, &o->extern_keys_cap, o->nextern_keys,
           sizeof *o->extern_keys);
  char *k = mk_xstrdup (name);
  o->extern_keys[o->nextern_keys++] = k;
  mk_map_put (&o->externs, k, (void *) (uintptr_t) (i + 1));
  return i;
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
      size_t k = new_sec (o, sec->name, sec->sh.sh_type,
                          sec->sh.sh_flags & ~(uint64_t) SHF_GROUP,
                          sec->sh.sh_addralign, sec->sh.sh_entsize);
      struct out_sec *s = &o->secs[k];
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
  size_t k = new_sec (o, ".eh_frame", sec->sh.sh_type, SHF_ALLOC, 8, 0);
  struct out_sec *s = &o->secs[k];
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
          s->out = add_sym (o, s->name, STB_LOCAL, s->type, SHN_ABS,
                            s->sym.st_value, s->sym.st_size, 0);
          continue;
        }
      if (!s->sec || !s->sec->include || s->type == STT_SECTION
          || s->type == STT_FILE || s->sec->kind == MK_SEC_EH)
        continue;
      /* Everything the patch defines is its own: local, so that nothing
         outside binds to it and units' names never clash.  */
      s->out = add_sym (o, s->name, STB_LOCAL,
                        s->type == STT_GNU_IFUNC ? STT_FUNC : s->type,
                        o->secs[s->sec->out].index, s->sym.st_value,
                        s->sym.st_size, 0);
    }
}

static bool
relocate (struct mk_ctx *ctx, struct out *o, struct mk_object *obj,
          size_t refs_sec, size_t *state_sym, size_t *desc_sym)
{
  for (size_t i = 1; i < obj->shnum; i++)
    {
      struct mk_section *sec = &obj->secs[i];
      if (!sec->include || !sec->nrelas)
        continue;
      struct out_sec *s = &o->secs[sec->out];
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
                sym = extern_symbol (o, p->extern_name, p->extern_weak);
              else
                {
                  sym = out_symbol (o, p->obj, p->sym);
                  if (!sym && p->sym)
                    return false;
                }
              add_rela (s, offset, p->type, sym, p->addend);
              break;
            case MK_REF:
              add_rela (s, offset, R_X86_64_PC32, o->secs[refs_sec].sym,
                        p->addend + 8 * (int64_t) p->ref);
              break;
            case MK_TLSDESC:
              if (!*desc_sym)
                *desc_sym = extern_symbol (o, "__ulp_mkpatch_tlsdesc", false);
              add_rela (s, offset, R_X86_64_PC32, *desc_sym, p->addend);
              break;
            case MK_TLSIE:
              if (!*state_sym)
                *state_sym = extern_symbol (o, "__ulp_patch_state", false);
              add_rela (s, offset, R_X86_64_PC32, *state_sym, p->addend);
              break;
            case MK_CONST:
              if (s->data && offset + 4 <= s->size)
                mk_put32 (s->data + offset, (uint32_t) p->value);
              break;
            }
        }
    }
  (void) ctx;
  return true;
}

/* ------------------------------------------------------------------ */
/* The patch table.                                                    */
/* ------------------------------------------------------------------ */

struct table
{
  struct out_sec *tab;         /* .ulp_patch.  */
  size_t tab_k;
  size_t str_k;                /* the strings it names.  */
};

static void
field_ref (struct out *o, struct table *t, size_t entry, int field,
           size_t sym, int64_t addend)
{
  struct out_sec *tab = &o->secs[t->tab_k];
  add_rela (tab, entry * sizeof (struct ulp_patch_entry) + 4 + 4 * field,
            R_X86_64_PC32, sym, addend);
}

static void
field_str (struct out *o, struct table *t, size_t entry, int field,
           const char *str)
{
  if (!str)
    return;
  struct out_sec *ss = &o->secs[t->str_k];
  size_t len = strlen (str) + 1;
  uint64_t at = ss->size;
  ss->data = mk_xrealloc (ss->data, ss->size + len);
  memcpy (ss->data + at, str, len);
  ss->size += len;
  field_ref (o, t, entry, field, ss->sym, (int64_t) at);
}

static size_t
new_entry (struct out *o, struct table *t, uint32_t kind, uint32_t flags,
           uint32_t reserved)
{
  struct out_sec *tab = &o->secs[t->tab_k];
  size_t n = tab->size / sizeof (struct ulp_patch_entry);
  tab->data = mk_xrealloc (tab->data, tab->size
                                      + sizeof (struct ulp_patch_entry));
  struct ulp_patch_entry e = { .kind = kind, .flags = flags,
                               .reserved = reserved };
  memcpy (tab->data + tab->size, &e, sizeof e);
  tab->size += sizeof e;
  return n;
}

/* ------------------------------------------------------------------ */
/* Writing the object.                                                 */
/* ------------------------------------------------------------------ */

static bool
write_elf (struct out *o, const char *path)
{
  int fd = open (path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    {
      mk_error (path, "%s", strerror (errno));
      return false;
    }
  Elf *e = elf_begin (fd, ELF_C_WRITE, NULL);
  bool ok = false;
  /* Buffers libelf writes from but does not own.  */
  void **bufs = mk_xcalloc (o->nsecs + 2, sizeof *bufs);
  size_t nbufs = 0;
  char *shs = NULL;
  size_t shs_size = 1, shs_cap = 0;
  if (!e || !gelf_newehdr (e, ELFCLASS64))
    goto fail;
  GElf_Ehdr eh;
  if (!gelf_getehdr (e, &eh))
    goto fail;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
  eh.e_machine = EM_X86_64;
  eh.e_type = ET_REL;
  eh.e_version = EV_CURRENT;

  /* Content sections, then their relocations, then the tables.  */
  size_t nsec = o->nsecs;
  size_t nrela = 0;
  for (size_t i = 0; i < nsec; i++)
    if (o->secs[i].nrelas)
      nrela++;
  size_t symtab = nsec + nrela + 1, strtab = symtab + 1, shstr = strtab + 1;

  /* Section names.  */
  mk_grow (&shs, &shs_cap, 0, 1);
  shs[0] = '\0';
#define SHNAME(str, var)                                                  \
  do                                                                      \
    {                                                                     \
      size_t len_ = strlen (str) + 1;                                     \
      while (shs_size + len_ > shs_cap)                                   \
        mk_grow (&shs, &shs_cap, shs_cap, 1);                             \
      memcpy (shs + shs_size, str, len_);                                 \
      var = shs_size;                                                     \
      shs_size += len_;                                                   \
    }                                                                     \
  while (0)

  size_t rela_no = 0;
  for (size_t pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < nsec; i++)
      {
        struct out_sec *s = &o->secs[i];
        if (pass == 1 && !s->nrelas)
          continue;
        Elf_Scn *scn = elf_newscn (e);
        if (!scn)
          goto fail;
        GElf_Shdr sh;
        if (!gelf_getshdr (scn, &sh))
          goto fail;
        Elf_Data *d = elf_newdata (scn);
        if (!d)
          goto fail;
        if (pass == 0)
          {
            sh = s->sh;
            size_t nm;
            SHNAME (s->name, nm);
            sh.sh_name = (Elf64_Word) nm;
            sh.sh_size = s->size;
            if (s->link_to)
              sh.sh_link = (Elf64_Word) s->link_to;
            d->d_buf = s->sh.sh_type == SHT_NOBITS ? NULL : s->data;
            d->d_size = s->size;
            d->d_type = ELF_T_BYTE;
            d->d_align = s->sh.sh_addralign;
          }
        else
          {
            Elf64_Rela *r = mk_xcalloc (s->nrelas, sizeof *r);
            bufs[nbufs++] = r;
            for (size_t k = 0; k < s->nrelas; k++)
              {
                r[k].r_offset = s->relas[k].r_offset;
                r[k].r_info = s->relas[k].r_info;
                r[k].r_addend = s->relas[k].r_addend;
              }
            char *nm = mk_xasprintf (".rela%s", s->name);
            size_t off;
            SHNAME (nm, off);
            free (nm);
            memset (&sh, 0, sizeof sh);
            sh.sh_name = (Elf64_Word) off;
            sh.sh_type = SHT_RELA;
            sh.sh_flags = SHF_INFO_LINK;
            sh.sh_link = (Elf64_Word) symtab;
            sh.sh_info = (Elf64_Word) s->index;
            sh.sh_entsize = sizeof (Elf64_Rela);
            sh.sh_addralign = 8;
            d->d_buf = r;
            d->d_size = s->nrelas * sizeof *r;
            d->d_type = ELF_T_RELA;
            d->d_align = 8;
            rela_no++;
          }
        if (!gelf_update_shdr (scn, &sh))
          goto fail;
      }

  /* Symbols.  */
  {
    Elf_Scn *scn = elf_newscn (e);
    GElf_Shdr sh;
    if (!scn || !gelf_getshdr (scn, &sh))
      goto fail;
    Elf64_Sym *sy = mk_xcalloc (o->nsyms, sizeof *sy);
    bufs[nbufs++] = sy;
    for (size_t k = 0; k < o->nsyms; k++)
      {
        sy[k].st_name = o->syms[k].st_name;
        sy[k].st_info = o->syms[k].st_info;
        sy[k].st_other = o->syms[k].st_other;
        sy[k].st_shndx = o->syms[k].st_shndx;
        sy[k].st_value = o->syms[k].st_value;
        sy[k].st_size = o->syms[k].st_size;
      }
    Elf_Data *d = elf_newdata (scn);
    d->d_buf = sy;
    d->d_size = o->nsyms * sizeof *sy;
    d->d_type = ELF_T_SYM;
    d->d_align = 8;
    size_t nm;
    SHNAME (".symtab", nm);
    sh.sh_name = (Elf64_Word) nm;
    sh.sh_type = SHT_SYMTAB;
    sh.sh_link = (Elf64_Word) strtab;
    sh.sh_info = (Elf64_Word) o->first_global;
    sh.sh_entsize = sizeof (Elf64_Sym);
    sh.sh_addralign = 8;
    if (!gelf_update_shdr (scn, &sh))
      goto fail;

    scn = elf_newscn (e);
    if (!scn || !gelf_getshdr (scn, &sh))
      goto fail;
    d = elf_newdata (scn);
    d->d_buf = o->strtab;
    d->d_size = o->strtab_size;
    d->d_type = ELF_T_BYTE;
    d->d_align = 1;
    SHNAME (".strtab", nm);
    sh.sh_name = (Elf64_Word) nm;
    sh.sh_type = SHT_STRTAB;
    sh.sh_addralign = 1;
    if (!gelf_update_shdr (scn, &sh))
      goto fail;

    scn = elf_newscn (e);
    if (!scn || !gelf_getshdr (scn, &sh))
      goto fail;
    SHNAME (".shstrtab", nm);
    d = elf_newdata (scn);
    d->d_buf = shs;
    d->d_size = shs_size;
    d->d_type = ELF_T_BYTE;
    d->d_align = 1;
    sh.sh_name = (Elf64_Word) nm;
    sh.sh_type = SHT_STRTAB;
    sh.sh_addralign = 1;
    if (!gelf_update_shdr (scn, &sh))
      goto fail;
  }
#undef SHNAME
  eh.e_shstrndx = (Elf64_Half) shstr;
  if (!gelf_update_ehdr (e, &eh))
    goto fail;
  if (elf_update (e, ELF_C_WRITE) < 0)
    goto fail;
  ok = true;
fail:
  if (!ok)
    mk_error (path, "cannot write: %s", elf_errmsg (-1));
  if (e)
    elf_end (e);
  close (fd);
  for (size_t i = 0; i < nbufs; i++)
    free (bufs[i]);
  free (bufs);
  free (shs);
  return ok;
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
   saved around it.  */

static const char support_asm[] =
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
      fputs ("ulp-mkpatch: running:", stderr);
      for (size_t i = 0; i < a->n; i++)
        fprintf (stderr, " %s", a->v[i]);
      fputc ('\n', stderr);
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

bool
mk_write (struct mk_ctx *ctx)
{
  mk_note (1, "phase write");
  struct out o = { 0 };
  add_sym (&o, NULL, STB_LOCAL, STT_NOTYPE, SHN_UNDEF, 0, 0, 0);

  for (size_t u = 0; u < ctx->nunits; u++)
    if (ctx->units[u].patched)
      {
        copy_sections (&o, ctx->units[u].patched);
        copy_eh (&o, ctx->units[u].patched);
      }
  size_t refs_sec = 0;
  if (ctx->nrefs)
    {
      refs_sec = new_sec (&o, ".data.ulp_refs", SHT_PROGBITS,
                          SHF_ALLOC | SHF_WRITE, 8, 0);
      o.secs[refs_sec].size = 8 * ctx->nrefs;
      o.secs[refs_sec].data = mk_xcalloc (ctx->nrefs, 8);
    }
  struct table t;
  t.tab_k = new_sec (&o, ULP_PATCH_SECTION, SHT_PROGBITS, SHF_ALLOC, 4, 0);
  t.str_k = new_sec (&o, ULP_STR_SECTION, SHT_PROGBITS, SHF_ALLOC, 1, 0);
  new_sec (&o, ".note.GNU-stack", SHT_PROGBITS, 0, 1, 0);

  /* Record sections follow their function's section.  */
  for (size_t u = 0; u < ctx->nunits; u++)
    {
      struct mk_object *obj = ctx->units[u].patched;
      for (size_t i = 1; obj && i < obj->shnum; i++)
        {
          struct mk_section *sec = &obj->secs[i];
          if (!sec->include || !(sec->sh.sh_flags & SHF_LINK_ORDER))
            continue;
          struct mk_section *to = &obj->secs[sec->sh.sh_link];
          if (to->include)
            o.secs[sec->out].link_to = o.secs[to->out].index;
          else
            o.secs[sec->out].sh.sh_flags &= ~(uint64_t) SHF_LINK_ORDER;
        }
    }

  /* Section symbols, then the symbols of the copied sections.  */
  for (size_t i = 0; i < o.nsecs; i++)
    o.secs[i].sym = add_sym (&o, NULL, STB_LOCAL, STT_SECTION,
                             o.secs[i].index, 0, 0, 0);
  for (size_t u = 0; u < ctx->nunits; u++)
    if (ctx->units[u].patched)
      local_symbols (&o, ctx->units[u].patched);
  o.first_global = o.nsyms;

  size_t state_sym = 0, desc_sym = 0;
  for (size_t u = 0; u < ctx->nunits; u++)
    if (ctx->units[u].patched
        && !relocate (ctx, &o, ctx->units[u].patched, refs_sec, &state_sym,
                      &desc_sym))
      return false;

  /* The table.  */
  size_t e = new_entry (&o, &t, ULP_PATCH_TARGET, 0, 0);
  field_str (&o, &t, e, 0, ctx->target.soname);
  field_str (&o, &t, e, 1, ctx->target.build_id);
  e = new_entry (&o, &t, ULP_PATCH_INFO, ctx->opt.version, 0);
  field_str (&o, &t, e, 0, ctx->opt.name);
  field_str (&o, &t, e, 1, ctx->opt.description);
  if (ctx->need_state)
    {
      if (!state_sym)
        state_sym = extern_symbol (&o, "__ulp_patch_state", false);
      e = new_entry (&o, &t, ULP_PATCH_STATE, 0, 0);
      field_ref (&o, &t, e, 0, state_sym, 0);
    }
  for (size_t i = 0; i < ctx->nreplaces; i++)
    {
      const struct mk_replace *r = &ctx->replaces[i];
      e = new_entry (&o, &t, ULP_PATCH_REPLACE, 0, 0);
      size_t sym = r->repl->sym->out;
      if (!sym)
        {
          mk_error (NULL, "internal error: %s is not in the patch",
                    r->repl->name);
          return false;
        }
      field_ref (&o, &t, e, 0, sym, 0);
      field_str (&o, &t, e, 1, r->name);
      field_str (&o, &t, e, 2, r->unit);
    }
  for (size_t i = 0; i < ctx->nrefs; i++)
    {
      e = new_entry (&o, &t, ULP_PATCH_REF, 0, 0);
      field_ref (&o, &t, e, 0, o.secs[refs_sec].sym, 8 * (int64_t) i);
      field_str (&o, &t, e, 1, ctx->refs[i].name);
      field_str (&o, &t, e, 2, ctx->refs[i].unit);
    }
  for (size_t i = 0; i < ctx->nrelocs; i++)
    {
      const struct mk_reloc *r = &ctx->relocs[i];
      e = new_entry (&o, &t, ULP_PATCH_RELOC, r->type, (uint32_t) r->addend);
      field_ref (&o, &t, e, 0, o.secs[r->sec->out].sym,
                 (int64_t) r->offset);
      field_str (&o, &t, e, 1, r->name);
      field_str (&o, &t, e, 2, r->unit);
    }

  /* Write and link.  */
  const char *tmp = getenv ("TMPDIR");
  char *dir = mk_xasprintf ("%s/ulp-mkpatch.XXXXXX", tmp && *tmp ? tmp
                                                                : "/tmp");
  if (!mkdtemp (dir))
    {
      mk_error (dir, "cannot make a temporary directory: %s",
                strerror (errno));
      return false;
    }
  char *obj_path = mk_xasprintf ("%s/patch.o", dir);
  char *asm_path = mk_xasprintf ("%s/support.s", dir);
  bool ok = write_elf (&o, obj_path);
  if (ok && ctx->need_state)
    {
      FILE *f = fopen (asm_path, "w");
      if (!f || fputs (support_asm, f) < 0 || fclose (f) != 0)
        {
          mk_error (asm_path, "%s", strerror (errno));
          ok = false;
        }
    }
  if (ok)
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
      int st = run (&a, NULL, 0);
      argv_free (&a);
      if (st != 0)
        {
          mk_error (ctx->opt.output, "linking the patch failed");
          /* Remove what the linker left, but only a regular file: -o
             may name a device (/dev/full), which must stay.  */
          struct stat st;
          if (lstat (ctx->opt.output, &st) == 0 && S_ISREG (st.st_mode))
            unlink (ctx->opt.output);
          ok = false;
        }
    }
  if (ok)
    {
      char *err = NULL;
      struct ulp_elf *ue = ulp_elf_open (ctx->opt.output, &err);
      if (!ue)
        {
          mk_error (ctx->opt.output, "the linked patch is unreadable: %s",
                    err ? err : "?");
          ok = false;
        }
      free (err);
      ulp_elf_close (ue);
    }
  remove_tree (dir, ctx->opt.save_temps || (!ok && mk_verbose >= 2));
  free (obj_path);
  free (asm_path);
  free (dir);

  for (size_t i = 0; i < o.nsecs; i++)
    {
      free (o.secs[i].name);
      free (o.secs[i].data);
      free (o.secs[i].relas);
    }
  free (o.secs);
  free (o.syms);
  free (o.strtab);
  for (size_t i = 0; i < o.nextern_keys; i++)
    free (o.extern_keys[i]);
  free (o.extern_keys);
  mk_map_free (&o.externs);
  return ok;
}
