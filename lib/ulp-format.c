/* ulp-format.c -- reading ulp's patch tables, and naming units.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See ulp-format.h.  The checks of ulp_patch_check follow what the
   runtime will do with each entry, so that a damaged, truncated or
   foreign table is refused before anything of its patch is loaded.  */

#include <config.h>

#include <elf.h>
#include <string.h>
#include <sys/mman.h>

#include "ulp-format.h"

const unsigned char *
ulp_image_bytes (const struct ulp_image *im, uint64_t vaddr, uint64_t size)
{
  uint64_t room;
  const unsigned char *p = im->at (im->ctx, vaddr, &room);
  return p && size <= room ? p : NULL;
}

const char *
ulp_image_string (const struct ulp_image *im, uint64_t vaddr)
{
  uint64_t room;
  const char *s = (const char *) im->at (im->ctx, vaddr, &room);
  if (!s || room == 0)
    return NULL;
  if (room > ULP_STRING_MAX)
    room = ULP_STRING_MAX;
  return memchr (s, '\0', room) ? s : NULL;
}

/* The address the self-relative reference VALUE held at FIELD leads
   to, and the string there, if any.  */

static uint64_t
resolve (const struct ulp_image *im, uint64_t field, int32_t value,
         const char **str)
{
  *str = NULL;
  if (value == 0)
    return 0;
  uint64_t to = field + (uint64_t) (int64_t) value;
  *str = ulp_image_string (im, to);
  return to;
}

bool
ulp_patch_item_read (const struct ulp_image *im, uint64_t table, size_t i,
                     struct ulp_patch_item *it)
{
  struct ulp_patch_entry e;
  uint64_t at = table + i * sizeof e;
  const unsigned char *p = ulp_image_bytes (im, at, sizeof e);
  if (!p)
    return false;
  memcpy (&e, p, sizeof e);
  it->index = i;
  it->kind = e.kind;
  it->flags = e.flags;
  it->reserved = e.reserved;
  it->ref_a = e.a;
  it->ref_b = e.b;
  it->ref_c = e.c;
  it->a = resolve (im, at + offsetof (struct ulp_patch_entry, a), e.a,
                   &it->sa);
  it->b = resolve (im, at + offsetof (struct ulp_patch_entry, b), e.b,
                   &it->sb);
  it->c = resolve (im, at + offsetof (struct ulp_patch_entry, c), e.c,
                   &it->sc);
  return true;
}

bool
ulp_patch_describe (const struct ulp_image *im, uint64_t table,
                    uint64_t size, struct ulp_patch_about *about)
{
  memset (about, 0, sizeof *about);
  if (size % sizeof (struct ulp_patch_entry) != 0)
    return false;
  size_t n = size / sizeof (struct ulp_patch_entry);
  for (size_t i = 0; i < n; i++)
    {
      struct ulp_patch_item it;
      if (!ulp_patch_item_read (im, table, i, &it))
        return false;
      if (it.kind == ULP_PATCH_TARGET)
        {
          about->soname = it.sa;
          about->build_id = it.sb;
          if (!it.sa || !it.sb)
            about->bad_target = true;
        }
      else if (it.kind == ULP_PATCH_INFO && it.ref_a)
        {
          about->name = it.sa;
          about->description = it.sb;
          about->version = it.flags;
        }
    }
  return true;
}

static bool
lower_hex (const char *s)
{
  size_t len = strlen (s);
  return strspn (s, "0123456789abcdef") == len && len % 2 == 0;
}

static int
prot_of (const struct ulp_image *im, uint64_t vaddr, uint64_t size, int how)
{
  int prot = im->prot (im->ctx, vaddr, size, how);
  return prot < 0 ? 0 : prot;
}

/* NULL when IT, a TARGET, REPLACE or INFO entry, is well formed, else
   what is wrong with it.  */

static const char *
check_named (const struct ulp_image *im, const struct ulp_patch_item *it)
{
  switch (it->kind)
    {
    case ULP_PATCH_TARGET:
      if (!it->ref_a || !it->sa || !*it->sa)
        return "bad soname";
      if (!it->ref_b || !it->sb || !*it->sb)
        return "bad build-id";
      if (!lower_hex (it->sb))
        return "build-id is not lower-case hex";
      if (it->ref_c)
        return "unexpected third reference";
      return NULL;
    case ULP_PATCH_REPLACE:
      if (!it->ref_a)
        return "no replacement function";
      /* Executable as the loader leaves it: a PT_GNU_RELRO over it would
         make it read-only after relocation.  */
      if (!(prot_of (im, it->a, 2, ULP_IMAGE_IN_FILE) & PROT_EXEC)
          || !(prot_of (im, it->a, 1, ULP_IMAGE_RELRO) & PROT_EXEC))
        return "replacement function outside executable code";
      if (!it->ref_b || !it->sb || !*it->sb)
        return "bad target function name";
      if (it->ref_c && (!it->sc || !*it->sc))
        return "bad unit";
      return NULL;
    default: /* ULP_PATCH_INFO */
      if (!it->ref_a || !it->sa || !*it->sa)
        return "bad patch name";
      if (it->ref_b && !it->sb)
        return "bad description";
      if (it->ref_c)
        return "unexpected third reference";
      return NULL;
    }
}

/* The same for a REF, STATE, RELOC or ABS32 entry.  */

static const char *
check_placed (const struct ulp_image *im, const struct ulp_patch_item *it)
{
  switch (it->kind)
    {
    case ULP_PATCH_REF:
      if (!it->ref_a || (it->a & 7) != 0)
        return "misaligned reference slot";
      if (!(prot_of (im, it->a, 8, 0) & PROT_WRITE))
        return "reference slot outside writable data";
      break;
    case ULP_PATCH_STATE:
      if (!it->ref_a || (it->a & 7) != 0)
        return "misaligned state";
      if (!(prot_of (im, it->a, sizeof (struct ulp_patch_state), 0)
            & PROT_WRITE))
        return "state outside writable data";
      if (it->ref_b || it->ref_c)
        return "unexpected reference";
      return NULL;
    case ULP_PATCH_ABS32:
      if (it->flags != R_X86_64_32 && it->flags != R_X86_64_32S)
        return "unsupported relocation type";
      if (!it->ref_a || im->prot (im->ctx, it->a, 4, 0) < 0)
        return "relocated place outside the patch";
      if (!it->ref_b || im->prot (im->ctx, it->b, 1, 0) < 0)
        return "address outside the patch";
      if (it->ref_c)
        return "unexpected third reference";
      return NULL;
    default: /* ULP_PATCH_RELOC */
      if (it->flags != R_X86_64_PC32 && it->flags != R_X86_64_PLT32
          && it->flags != R_X86_64_64 && it->flags != R_X86_64_32
          && it->flags != R_X86_64_32S)
        return "unsupported relocation type";
      if (!it->ref_a
          || im->prot (im->ctx, it->a, it->flags == R_X86_64_64 ? 8 : 4, 0)
               < 0)
        return "relocated place outside the patch";
      break;
    }
  if (!it->ref_b || !it->sb || !*it->sb)
    return "bad symbol name";
  if (it->ref_c && (!it->sc || !*it->sc))
    return "bad unit";
  return NULL;
}

/* Check one entry: ULP_PATCH_OK, or the fault (*WHAT for an ENTRY).  */

static enum ulp_patch_fault
check_item (const struct ulp_image *im, const struct ulp_patch_item *it,
            const char **what)
{
  /* RELOC's and ABS32's flags are their type, INFO's the patch's
     version.  */
  if (it->kind != ULP_PATCH_RELOC
      && (it->reserved != 0
          || (it->kind != ULP_PATCH_INFO && it->kind != ULP_PATCH_ABS32
              && it->flags != 0)))
    return ULP_PATCH_FLAGS;
  switch (it->kind)
    {
    case ULP_PATCH_TARGET:
    case ULP_PATCH_REPLACE:
    case ULP_PATCH_INFO:
      *what = check_named (im, it);
      break;
    case ULP_PATCH_REF:
    case ULP_PATCH_STATE:
    case ULP_PATCH_RELOC:
    case ULP_PATCH_ABS32:
      *what = check_placed (im, it);
      break;
    default:
      return ULP_PATCH_KIND;
    }
  return *what ? ULP_PATCH_ENTRY : ULP_PATCH_OK;
}

static int
refuse (struct ulp_patch_problem *problem, enum ulp_patch_fault fault)
{
  problem->fault = fault;
  return -1;
}

int
ulp_patch_check (const struct ulp_image *im, uint64_t table, uint64_t size,
                 int (*visit) (void *arg, const struct ulp_patch_item *),
                 void *arg, struct ulp_patch_problem *problem)
{
  memset (problem, 0, sizeof *problem);
  if (size == 0 || size % sizeof (struct ulp_patch_entry) != 0
      || table % 4 != 0)
    return refuse (problem, ULP_PATCH_GEOMETRY);
  if (!ulp_image_bytes (im, table, size))
    return refuse (problem, ULP_PATCH_OUTSIDE);
  size_t n = size / sizeof (struct ulp_patch_entry);
  size_t count[ULP_PATCH_ABS32 + 1] = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      struct ulp_patch_item it;
      ulp_patch_item_read (im, table, i, &it);
      problem->entry = i;
      problem->kind = it.kind;
      enum ulp_patch_fault fault = check_item (im, &it, &problem->what);
      if (fault != ULP_PATCH_OK)
        return refuse (problem, fault);
      if (visit && visit (arg, &it) != 0)
        return refuse (problem, ULP_PATCH_VISIT);
      count[it.kind]++;
    }
  if (count[ULP_PATCH_TARGET] != 1)
    {
      problem->count = count[ULP_PATCH_TARGET];
      return refuse (problem, ULP_PATCH_TARGETS);
    }
  if (count[ULP_PATCH_INFO] > 1 || count[ULP_PATCH_STATE] > 1)
    return refuse (problem, ULP_PATCH_REPEATED);
  if (count[ULP_PATCH_REPLACE] == 0)
    return refuse (problem, ULP_PATCH_NO_REPLACE);
  return 0;
}

bool
ulp_unit_same (const char *a, const char *b)
{
  if (!a || !b)
    return !a && !b;
  if (strcmp (a, b) == 0)
    return true;
  size_t la = strlen (a), lb = strlen (b);
  if (la > lb && a[la - lb - 1] == '/' && strcmp (a + la - lb, b) == 0)
    return true;
  if (lb > la && b[lb - la - 1] == '/' && strcmp (b + lb - la, a) == 0)
    return true;
  return false;
}

bool
ulp_unit_matches (const char *rec_unit, const char *unit)
{
  return !unit || ulp_unit_same (rec_unit, unit);
}
