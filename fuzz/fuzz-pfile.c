/* fuzz-pfile.c -- libFuzzer harness for the runtime's patch verifier.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every input is a candidate patch file handed to ulp_pfile_open
   (runtime/patch-file.c), the check that stands between a file and
   dlopen in ulp_apply.  An input it accepts is then read the way
   apply.c reads it: the protection of every replacement, slot,
   relocated place and the state, and the bytes of each replacement's
   entry, so that what the verifier promised is also what holds.  */

#include <config.h>

#include <stdint.h>
#include <string.h>

#include "patch-file.h"
#include "fuzz-input.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static bool init;
  if (!init)
    {
      if (elf_version (EV_CURRENT) == EV_NONE)
        abort ();
      init = true;
    }
  const char *path = fuzz_input_path (data, size);
  struct ulp_pfile pf;
  struct ulp_error err;
  memset (&err, 0, sizeof err);
  if (ulp_pfile_open (path, &pf, &err) != 0)
    {
      /* A refusal must say why, on one line.  */
      if (err.message[0] == '\0' || strchr (err.message, '\n'))
        abort ();
      return 0;
    }
  volatile unsigned sum = 0;
  for (size_t i = 0; i < pf.nreplace; i++)
    {
      const unsigned char *b = ulp_pfile_bytes (&pf, pf.replace[i].vaddr, 2);
      if (!b || !(ulp_pfile_prot (&pf, pf.replace[i].vaddr) & PROT_EXEC))
        abort ();
      sum += b[0] + b[1] + strlen (pf.replace[i].name);
      if (pf.replace[i].unit)
        sum += strlen (pf.replace[i].unit);
    }
  for (size_t i = 0; i < pf.nrefs; i++)
    sum += (unsigned) ulp_pfile_prot (&pf, pf.refs[i].slot)
           + strlen (pf.refs[i].name);
  for (size_t i = 0; i < pf.nrelocs; i++)
    sum += (unsigned) ulp_pfile_prot (&pf, pf.relocs[i].place)
           + strlen (pf.relocs[i].name);
  if (pf.state)
    sum += (unsigned) ulp_pfile_prot (&pf, pf.state);
  sum += strlen (pf.target_soname) + strlen (pf.target_build_id)
         + strlen (pf.build_id);
  if (pf.name)
    sum += strlen (pf.name);
  if (pf.description)
    sum += strlen (pf.description);
  ulp_pfile_close (&pf);
  return 0;
}
