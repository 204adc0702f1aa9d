/* ulp-note.c -- the ELF notes ulp reads: the build-id and the ULP note.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   See ulp-note.h for the rule.  Nothing here allocates, locks or
   prints: the runtime scans loaded objects with threads stopped.  */

#include <config.h>

#include <string.h>

#include "ulp-note.h"

void
ulp_note_iter_init (struct ulp_note_iter *it, const void *buf, size_t size,
                    uint64_t align)
{
  memset (it, 0, sizeof *it);
  it->data.d_buf = (void *) buf;
  it->data.d_size = size;
  it->data.d_type = align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR;
  it->data.d_version = EV_CURRENT;
  it->data.d_align = align == 8 ? 8 : 4;
}

bool
ulp_note_next (struct ulp_note_iter *it, struct ulp_note_item *note)
{
  if (it->off >= it->data.d_size)
    return false;
  GElf_Nhdr nh;
  size_t name_off, desc_off;
  size_t next = gelf_getnote (&it->data, it->off, &nh, &name_off, &desc_off);
  if (next == 0)
    {
      it->off = it->data.d_size;
      return false;
    }
  it->off = next;
  const char *base = (const char *) it->data.d_buf;
  note->type = nh.n_type;
  note->name = base + name_off;
  note->namesz = nh.n_namesz;
  note->desc = (const unsigned char *) base + desc_off;
  note->descsz = nh.n_descsz;
  return true;
}

static bool
owned_by (const struct ulp_note_item *note, const char *owner, size_t size)
{
  return note->namesz == size && memcmp (note->name, owner, size) == 0;
}

void
ulp_notes_scan (struct ulp_notes *found, const void *buf, size_t size,
                uint64_t align)
{
  struct ulp_note_iter it;
  struct ulp_note_item note;
  ulp_note_iter_init (&it, buf, size, align);
  while (ulp_note_next (&it, &note))
    if (note.type == NT_GNU_BUILD_ID && owned_by (&note, "GNU", 4)
        && note.descsz > 0 && note.descsz <= ULP_BUILD_ID_MAX
        && found->build_id == NULL)
      {
        found->build_id = note.desc;
        found->build_id_len = note.descsz;
      }
    else if (note.type == NT_ULP_OBJECT
             && owned_by (&note, ULP_NOTE_NAME, sizeof ULP_NOTE_NAME)
             && found->ulp == NULL)
      {
        found->ulp = note.desc;
        found->ulp_size = note.descsz;
      }
}

bool
ulp_notes_scan_phdr (struct ulp_notes *found, Elf *elf, const GElf_Phdr *ph)
{
  if (ph->p_filesz == 0)
    return true;
  Elf_Data *d = elf_getdata_rawchunk (elf, (int64_t) ph->p_offset,
                                      ph->p_filesz,
                                      ph->p_align == 8 ? ELF_T_NHDR8
                                                       : ELF_T_NHDR);
  if (d == NULL)
    return false;
  ulp_notes_scan (found, d->d_buf, d->d_size, ph->p_align);
  return true;
}

int
ulp_notes_read_elf (Elf *elf, struct ulp_notes *found)
{
  size_t phnum;
  if (elf_getphdrnum (elf, &phnum) != 0)
    phnum = 0;
  for (size_t i = 0; i < phnum; i++)
    {
      GElf_Phdr ph;
      if (gelf_getphdr (elf, (int) i, &ph) != NULL && ph.p_type == PT_NOTE
          && !ulp_notes_scan_phdr (found, elf, &ph))
        return -1;
    }
  if (phnum > 0)
    return 0;
  Elf_Scn *scn = NULL;
  while ((scn = elf_nextscn (elf, scn)) != NULL)
    {
      GElf_Shdr sh;
      if (gelf_getshdr (scn, &sh) == NULL || sh.sh_type != SHT_NOTE)
        continue;
      Elf_Data *d = elf_getdata (scn, NULL);
      if (d != NULL)
        ulp_notes_scan (found, d->d_buf, d->d_size, sh.sh_addralign);
    }
  return 0;
}

enum ulp_note_status
ulp_note_decode (const unsigned char *desc, size_t size, struct ulp_note *note)
{
  memset (note, 0, sizeof *note);
  memcpy (note, desc, size < sizeof *note ? size : sizeof *note);
  if (size < sizeof note->version)
    return ULP_NOTE_SHORT;
  if (note->version != ULP_META_VERSION)
    return ULP_NOTE_VERSION;
  if (size < sizeof *note)
    return ULP_NOTE_TRUNCATED;
  if (note->record_size < ULP_RECORD_SIZE)
    return ULP_NOTE_RECORD_SIZE;
  if (note->table_size % note->record_size != 0)
    return ULP_NOTE_TABLE_SIZE;
  return ULP_NOTE_OK;
}
