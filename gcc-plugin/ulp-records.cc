/* ulp-records.cc -- describe every function in the metadata section.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   After a function's assembly is out, an RTL pass placed after final
   appends one struct ulp_record (include/ulp-meta.h) for it, and one
   more for its cold part if it was split.  The record is printed as
   assembler directives:

     .pushsection .ulp_meta,"ao",@progbits,<label in the function>
     .long <function label> - .      every reference is self-relative
     ...
     .popsection

   Self-relative references are resolved by the static linker, so the
   linked table needs no dynamic relocation, can stay read-only, and
   cannot be redirected by symbol interposition.  The record section is
   SHF_LINK_ORDER to the function's section (and in its COMDAT group),
   so the linker keeps the record exactly when it keeps the function:
   --gc-sections and COMDAT de-duplication need no special care.

   Besides the entry geometry, the record names what ulp-mkpatch needs
   to find every copy of a changed function: the clone's origin, the
   cold part's parent, and the functions inlined into this one.  */

#include "ulp-plugin.h"
#include "tree-pass.h"
#include "context.h"
#include "function.h"
#include "basic-block.h"
#include "rtl.h"
#include "memmodel.h"
#include "emit-rtl.h"
#include "output.h"
#include "cgraph.h"
#include "diagnostic-core.h"
#include "hash-map.h"
#include "stringpool.h"
#include "attribs.h"
#include "flags.h"
#include "varasm.h"
#include "options.h"
#include "ulp-meta.h"
#include "ulp-patch.h"

/* Number of strings printed so far in this translation unit: labels
   .LULPS<n>.  */
static unsigned next_string_id;

/* Strings already printed in this unit, mapped to their numbers: the
   unit's name and names of often-inlined functions repeat a lot.  */
static hash_map<nofree_string_hash, unsigned> *printed_strings;

/* Strip GCC's '*' marker ("print verbatim") from an assembler name.  */

static const char *
plain_name (const char *name)
{
  return name[0] == '*' ? name + 1 : name;
}

static const char *
assembler_name (tree decl)
{
  return plain_name (IDENTIFIER_POINTER (DECL_ASSEMBLER_NAME (decl)));
}

/* Print STR into .ulp_str and return the number of its label.  Repeats
   are merged by the linker (the section is SHF_MERGE|SHF_STRINGS).  */

static unsigned
print_string (FILE *file, const char *str)
{
  if (!printed_strings)
    printed_strings = new hash_map<nofree_string_hash, unsigned>;
  if (unsigned *known = printed_strings->get (str))
    return *known;
  unsigned id = next_string_id++;
  /* Not ggc_strdup: the map is not a GC root, and a collection would
     free its keys (and the same string would be printed again under a
     new label, making the output depend on when GCC collects).  */
  printed_strings->put (xstrdup (str), id);
  fprintf (file, "\t.pushsection %s,\"aMS\",@progbits,1\n.LULPS%u:\n"
           "\t.string \"", ULP_STR_SECTION, id);
  for (const unsigned char *p = (const unsigned char *) str; *p; p++)
    if (*p == '"' || *p == '\\')
      fprintf (file, "\\%c", *p);
    else if (ISPRINT (*p))
      fputc (*p, file);
    else
      fprintf (file, "\\%03o", *p);
  fputs ("\"\n\t.popsection\n", file);
  return id;
}

/* The translation unit DECL was compiled in: its TRANSLATION_UNIT_DECL
   survives link-time optimisation, where main_input_filename names a
   temporary file.  */

static const char *
unit_name (tree decl)
{
  const_tree unit = get_ultimate_context (decl);
  if (unit && TREE_CODE (unit) == TRANSLATION_UNIT_DECL && DECL_NAME (unit))
    return IDENTIFIER_POINTER (DECL_NAME (unit));
  return main_input_filename ? main_input_filename : "";
}

/* Open a metadata section tied to the section holding LINK_LABEL.  */

static void
push_linked_section (FILE *file, const char *name, const char *link_label,
                     tree decl)
{
  tree group = DECL_COMDAT_GROUP (decl);
  if (group)
    fprintf (file, "\t.pushsection %s,\"aoG\",@progbits,%s,%s,comdat\n",
             name, link_label, plain_name (IDENTIFIER_POINTER (group)));
  else
    fprintf (file, "\t.pushsection %s,\"ao\",@progbits,%s\n", name,
             link_label);
}

/* What one record says, before it is printed.  */
struct record
{
  const char *start;    /* Label at the function's label.  */
  const char *end;      /* Label at the end of this part.  */
  const char *link;     /* Label the metadata sections are tied to.  */
  unsigned name;        /* String numbers.  */
  int origin;           /* -1: none.  */
  unsigned unit;
  const char *inlined;  /* Label of the inline list, or NULL.  */
  unsigned flags;
  enum ulp_kind kind;
  bool entry;           /* Has a patchable entry.  */
  unsigned entry_offset; /* Of the entry instruction from START.  */
  const char *entry_size; /* Expression for the entry's size, or NULL
                             for ULP_ENTRY_SIZE (0 without entry).  */
  const char *tracking; /* Label of the tracking code in front of a
                           tracked entry, or NULL.  */
  const char *rip_disp; /* Expression for the offset of a fused entry's
                           displacement relative to %rip (ULP_F_RIP), or
                           NULL.  */
  unsigned HOST_WIDE_INT size; /* When END is NULL: the size.  */
};

static void
print_record (FILE *file, const record &r, tree decl)
{
  push_linked_section (file, ULP_META_SECTION, r.link, decl);
  fprintf (file, "\t.balign 4\n");
  fprintf (file, "\t.long %s - .\n", r.start);
  fprintf (file, "\t.long .LULPS%u - .\n", r.name);
  if (r.origin >= 0)
    fprintf (file, "\t.long .LULPS%d - .\n", r.origin);
  else
    fprintf (file, "\t.long 0\n");
  fprintf (file, "\t.long .LULPS%u - .\n", r.unit);
  if (r.inlined)
    fprintf (file, "\t.long %s - .\n", r.inlined);
  else
    fprintf (file, "\t.long 0\n");
  if (r.end)
    fprintf (file, "\t.long %s - %s\n", r.end, r.start);
  else
    fprintf (file, "\t.long " HOST_WIDE_INT_PRINT_UNSIGNED "\n", r.size);
  if (r.rip_disp)
    fprintf (file, "\t.short %u | ((%s) << %d)\n", r.flags, r.rip_disp,
             ULP_F_RIP_DISP_SHIFT);
  else
    fprintf (file, "\t.short %u\n", r.flags);
  fprintf (file, "\t.byte %d, %d, %u, ", (int) r.kind,
           r.entry ? ULP_PRE_ENTRY_SIZE : 0, r.entry_offset);
  if (r.entry_size)
    fprintf (file, "%s\n", r.entry_size);
  else
    fprintf (file, "%d\n", r.entry ? ULP_ENTRY_SIZE : 0);
  if (r.tracking)
    fprintf (file, "\t.short %s - %s\n\t.popsection\n", r.start,
             r.tracking);
  else
    fprintf (file, "\t.short 0\n\t.popsection\n");
}

/* In a live patch, the entry saying which target function DECL
   replaces (its ulp_replace attribute).  Not tied to the function's
   section: the linker script keeps every patch entry, and with it the
   replacement.  */

static void
print_replace_entry (FILE *file, const record &r, tree decl)
{
  tree attr = lookup_attribute ("ulp_replace", DECL_ATTRIBUTES (decl));
  if (!attr)
    return;
  tree args = TREE_VALUE (attr);
  unsigned target = print_string (file,
                                  TREE_STRING_POINTER (TREE_VALUE (args)));
  int unit = -1;
  if (TREE_CHAIN (args))
    unit = (int) print_string (file, TREE_STRING_POINTER
                                       (TREE_VALUE (TREE_CHAIN (args))));
  tree group = DECL_COMDAT_GROUP (decl);
  if (group)
    fprintf (file, "\t.pushsection %s,\"aG\",@progbits,%s,comdat\n",
             ULP_PATCH_SECTION, plain_name (IDENTIFIER_POINTER (group)));
  else
    fprintf (file, "\t.pushsection %s,\"a\",@progbits\n",
             ULP_PATCH_SECTION);
  fprintf (file, "\t.balign 4\n\t.long %d\n\t.long %s - .\n"
                 "\t.long .LULPS%u - .\n",
           ULP_PATCH_REPLACE, r.start, target);
  if (unit >= 0)
    fprintf (file, "\t.long .LULPS%d - .\n", unit);
  else
    fprintf (file, "\t.long 0\n");
  fprintf (file, "\t.long 0, 0\n\t.popsection\n");
}

/* Records for the variables with static storage this unit defined, so
   that a patch can refer to a static variable of a stripped object by
   name: one per variable, tied to its section like a function's.
   Thread-local variables have no address to record and are left out,
   and so is ulp's own state.  The reference goes through a local
   alias, which the assembler resolves against the variable's section:
   a global variable could otherwise be preempted.  */

static void
write_variable_records (FILE *file)
{
  static unsigned next_variable_id;
  varpool_node *node;
  FOR_EACH_DEFINED_VARIABLE (node)
    {
      tree decl = node->decl;
      if (!TREE_ASM_WRITTEN (decl) || DECL_THREAD_LOCAL_P (decl)
          || DECL_EXTERNAL (decl) || !DECL_RTL_SET_P (decl)
          || !MEM_P (DECL_RTL (decl))
          || GET_CODE (XEXP (DECL_RTL (decl), 0)) != SYMBOL_REF)
        continue;
      const char *name = plain_name (XSTR (XEXP (DECL_RTL (decl), 0), 0));
      if (startswith (name, "__ulp_"))
        continue;

      unsigned id = next_variable_id++;
      char start[64];
      snprintf (start, sizeof start, ".LULPV%u", id);
      fprintf (file, "\t.set %s, ", start);
      assemble_name_raw (file, XSTR (XEXP (DECL_RTL (decl), 0), 0));
      fputc ('\n', file);

      record r;
      r.start = start;
      r.end = NULL;
      r.link = name;
      r.name = print_string (file, name);
      tree context = DECL_CONTEXT (decl);
      r.origin = (context && TREE_CODE (context) == FUNCTION_DECL)
                   ? (int) print_string (file, assembler_name (context))
                   : -1;
      r.unit = print_string (file, unit_name (decl));
      r.inlined = NULL;
      r.kind = ULP_KIND_VARIABLE;
      r.entry = false;
      r.entry_offset = 0;
      r.entry_size = NULL;
      r.tracking = NULL;
      r.rip_disp = NULL;
      r.flags = 0;
      if (TREE_PUBLIC (decl))
        r.flags |= ULP_F_GLOBAL;
      if (TREE_PUBLIC (decl) && DECL_VISIBILITY (decl) == VISIBILITY_DEFAULT)
        r.flags |= ULP_F_EXPORTED;
      if (DECL_WEAK (decl))
        r.flags |= ULP_F_WEAK;
      if (DECL_COMDAT_GROUP (decl))
        r.flags |= ULP_F_COMDAT;
      if (in_lto_p)
        r.flags |= ULP_F_LTO;
      r.size = (DECL_SIZE_UNIT (decl) && tree_fits_uhwi_p (DECL_SIZE_UNIT (decl)))
                 ? tree_to_uhwi (DECL_SIZE_UNIT (decl)) : 0;
      print_record (file, r, decl);
    }
}

/* PLUGIN_FINISH_UNIT.  */

void
ulp_finish_unit (void *, void *)
{
  if (!asm_out_file || flag_wpa
      || (flag_generate_lto && !flag_fat_lto_objects))
    return;
  write_variable_records (asm_out_file);
  ulp_emit_patch_state_entry (asm_out_file);
  ulp_emit_slow_thunk (asm_out_file);
  ulp_emit_outer_trampolines (asm_out_file);
  ulp_emit_inner_fallbacks (asm_out_file);
}

/* Print the list of the functions inlined into DECL under the label
   .LULPI<id>; false if nothing was inlined.  */

static bool
print_inline_list (FILE *file, tree decl, const char *link)
{
  const vec<const char *> &names = ulp_fn.inlined;
  if (names.is_empty ())
    return false;

  auto_vec<unsigned> ids;
  unsigned i;
  const char *name;
  FOR_EACH_VEC_ELT (names, i, name)
    ids.safe_push (print_string (file, name));

  push_linked_section (file, ULP_AUX_SECTION, link, decl);
  fprintf (file, "\t.balign 4\n.LULPI%u:\n", ulp_fn.id);
  unsigned id;
  FOR_EACH_VEC_ELT (ids, i, id)
    fprintf (file, "\t.long .LULPS%u - .\n", id);
  fprintf (file, "\t.long 0\n\t.popsection\n");
  return true;
}

/* Write the records of the function ulp_fn describes, once its assembly
   is out.  */

void
ulp_write_records (FILE *file)
{
  tree decl = ulp_fn.decl;
  char start[64], end[64], link[64], inlined[64];

  unsigned flags = 0;
  if (TREE_PUBLIC (decl))
    flags |= ULP_F_GLOBAL;
  if (TREE_PUBLIC (decl) && DECL_VISIBILITY (decl) == VISIBILITY_DEFAULT)
    flags |= ULP_F_EXPORTED;
  if (DECL_WEAK (decl))
    flags |= ULP_F_WEAK;
  if (DECL_COMDAT_GROUP (decl))
    flags |= ULP_F_COMDAT;
  if (ulp_boundary_function_p (decl))
    flags |= ULP_F_BOUNDARY;
  if (ulp_fn.endbr && !ulp_fn.excluded)
    flags |= ULP_F_ENDBR;
  if (ulp_fn.excluded)
    flags |= ULP_F_EXCLUDED;
  if (ulp_fn.tracked_entry && ulp_opts.lazy_arming)
    flags |= ULP_F_ARMABLE;
  if (ulp_fn.fused && !ulp_fn.excluded)
    flags |= ULP_F_FUSED;
  if (ulp_fn.fused && !ulp_fn.excluded && ulp_fn.rip_tail >= 0)
    flags |= ULP_F_RIP;
  if (in_lto_p)
    flags |= ULP_F_LTO;

  const char *fname = get_fnname_from_decl (decl);
  tree origin = ulp_clone_origin (decl);
  unsigned endbr = ulp_fn.endbr ? 4 : 0;
  char tracking[64], entry_size[64], rip_disp[80];

  record r;
  r.flags = flags;
  r.entry = !ulp_fn.excluded;
  r.name = print_string (file, plain_name (fname));
  r.origin = origin ? (int) print_string (file, assembler_name (origin)) : -1;
  r.unit = print_string (file, unit_name (decl));
  r.kind = origin ? ULP_KIND_CLONE : ULP_KIND_FUNCTION;

  /* The function's label: at the arming site of a tracked entry, at the
     entry, or at the label the entry pass left at the start of an
     excluded function, each less endbr64.  The entry instruction of a
     tracked entry (or, excluded, its NOP) follows the arming site.  */
  if (ulp_fn.tracked_entry)
    {
      snprintf (start, sizeof start, "(.LULPA%u - %u)", ulp_fn.id, endbr);
      snprintf (link, sizeof link, ".LULPA%u", ulp_fn.id);
      snprintf (tracking, sizeof tracking, ".LULPT%u", ulp_fn.id);
      r.entry_offset = endbr + ULP_ARM_SITE_SIZE;
      r.tracking = tracking;
    }
  else
    {
      if (r.entry)
        snprintf (start, sizeof start, "(.LULPE%u - %u)", ulp_fn.id, endbr);
      else
        snprintf (start, sizeof start, ".LULPB%u", ulp_fn.id);
      snprintf (link, sizeof link, r.entry ? ".LULPE%u" : ".LULPB%u",
                ulp_fn.id);
      r.entry_offset = r.entry ? endbr : 0;
      r.tracking = NULL;
    }
  r.start = start;
  r.link = link;
  /* The entry instruction's size, as the assembler finds it.  */
  if (r.entry)
    snprintf (entry_size, sizeof entry_size, ".LULPF%u - .LULPE%u",
              ulp_fn.id, ulp_fn.id);
  r.entry_size = r.entry ? entry_size : NULL;
  /* 4 bytes of displacement, then the immediate operand.  */
  if (flags & ULP_F_RIP)
    snprintf (rip_disp, sizeof rip_disp, ".LULPF%u - .LULPE%u - 4 - %d",
              ulp_fn.id, ulp_fn.id, ulp_fn.rip_tail);
  r.rip_disp = (flags & ULP_F_RIP) ? rip_disp : NULL;

  if (crtl->has_bb_partition)
    r.end = plain_name (ulp_fn.first_cold
                          ? crtl->subsections.cold_section_end_label
                          : crtl->subsections.hot_section_end_label);
  else
    {
      gcc_assert (ulp_fn.end_printed);
      snprintf (end, sizeof end, ".LULPX%u", ulp_fn.id);
      r.end = end;
    }

  snprintf (inlined, sizeof inlined, ".LULPI%u", ulp_fn.id);
  r.inlined = print_inline_list (file, decl, link) ? inlined : NULL;
  print_record (file, r, decl);
  print_replace_entry (file, r, decl);

  if (crtl->has_bb_partition && !ulp_fn.first_cold)
    {
      /* The cold part: its own record, named as GCC named its label.  */
      record c = r;
      char cold_start[64], cold_link[64];
      const char *cold_name
        = IDENTIFIER_POINTER (clone_function_name (decl, "cold"));
      c.name = print_string (file, plain_name (cold_name));
      c.origin = (int) print_string (file, plain_name (fname));
      c.kind = ULP_KIND_COLD;
      c.flags = flags & ~(ULP_F_GLOBAL | ULP_F_EXPORTED | ULP_F_WEAK
                          | ULP_F_ENDBR | ULP_F_BOUNDARY | ULP_F_ARMABLE
                          | ULP_F_FUSED | ULP_F_RIP);
      c.rip_disp = NULL;
      c.entry_offset = 0;
      c.entry_size = NULL;
      c.tracking = NULL;
      snprintf (cold_start, sizeof cold_start,
                r.entry ? ".LULPCE%u" : ".LULPCB%u", ulp_fn.id);
      snprintf (cold_link, sizeof cold_link, "%s", cold_start);
      c.start = cold_start;
      c.link = cold_link;
      c.end = plain_name (crtl->subsections.cold_section_end_label);
      c.inlined = NULL;
      print_record (file, c, decl);
    }

  if (ulp_opts.verbose)
    inform (DECL_SOURCE_LOCATION (decl), "ulp: %s: %s%s", plain_name (fname),
            ulp_fn.excluded ? "excluded, no patchable entry"
                            : "patchable entry",
            ulp_fn.cold_printed ? ", cold part too" : "");
}

namespace {

const pass_data record_pass_data = {
  RTL_PASS,      /* type */
  "ulp_record",  /* name */
  OPTGROUP_NONE, /* optinfo_flags */
  TV_NONE,       /* tv_id */
  0,             /* properties_required */
  0,             /* properties_provided */
  0,             /* properties_destroyed */
  0,             /* todo_flags_start */
  0,             /* todo_flags_finish */
};

class record_pass : public rtl_opt_pass
{
public:
  record_pass (gcc::context *ctxt) : rtl_opt_pass (record_pass_data, ctxt)
  {
  }

  unsigned int
  execute (function *) final override
  {
    /* Functions the entry pass did not see (none expected) and
       functions final did not output get no record.  */
    if (ulp_fn.decl == current_function_decl && asm_out_file)
      ulp_write_records (asm_out_file);
    ulp_reset_function_state ();
    return 0;
  }
};

} // anonymous namespace

opt_pass *
ulp_make_record_pass (gcc::context *ctxt)
{
  return new record_pass (ctxt);
}
