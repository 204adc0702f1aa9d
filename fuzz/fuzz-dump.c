/* fuzz-dump.c -- libFuzzer harness for ulp-dump and libulpelf.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every input is an ELF file read from memory by ulp_elf_open_memory
   (tools/libulpelf/ulp-elf.c: ELF header, program headers or sections, the ULP
   note, the records, their relocations and strings) and, when it is
   accepted, printed the way ulp-dump prints it: the table with -v and
   the JSON output.  ulp-dump.c is included here, its main renamed, so
   that the printing is the tool's own code.  Output goes to
   /dev/null.  */

#define main ulp_dump_main
#include "../tools/ulp-dump.c"
#undef main

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static bool init;
  if (!init)
    {
      if (!freopen ("/dev/null", "w", stdout))
        abort ();
      init = true;
    }
  /* libelf may convert the image in place: give it a copy.  */
  void *image = malloc (size ? size : 1);
  if (!image)
    abort ();
  memcpy (image, data, size);
  enum ulp_elf_status status;
  struct outcome oc = { 0 };
  struct ulp_elf *ue = ulp_elf_open_memory ("fuzz-input", image, size,
                                            &status, &oc);
  if (ue == NULL)
    {
      if (status == ULP_ELF_OK || oc.message[0] == '\0')
        abort ();
      free (image);
      return 0;
    }
  bool first = true;
  opt_verbose = true;
  opt_json = false;
  dump_ulp_elf (ue, &first);
  opt_json = true;
  dump_ulp_elf (ue, &first);
  fflush (stdout);
  ulp_elf_close (ue);
  free (image);
  return 0;
}
