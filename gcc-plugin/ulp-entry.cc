/* ulp-entry.cc -- give every function a patchable entry.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Layout of a function compiled with the plugin:

     .LULPT<id>:                  only for a tracked entry: its tracking
       ...                        code (below)
       .p2align 1
     .LULPP<id>:                  pre-entry area: 6 bytes of 0x90
       .skip 6, 0x90
       .balignw 16, 0x9090        more of them, up to the alignment GCC
     foo:                         gives the function; its own label
       endbr64                    only when GCC emits it (-fcf-protection)
     .LULPA<id>:                  only for a tracked entry: its arming
       .byte 0x2e, 0x2e           site (ulp-meta.h), then the label the
     foo.ulp_inner:               object's own calls use
     .LULPE<id>:
       .byte 0x66, 0x90           the entry: one 2-byte NOP
       ...body...

   A detour is written into the pre-entry area first, then switched on
   by replacing the entry with a 2-byte short jump back into that area,
   in one aligned atomic store.  GCC's own -fpatchable-function-entry
   cannot be used for the entry: it prints single-byte NOPs after the
   label, and rewriting two 1-byte instructions while another thread
   executes them can leave that thread in the middle of the new one.

   The label is at least 2-byte aligned and the pre-entry area and
   endbr64 have even sizes, so the entry's two bytes never straddle a
   16-byte fetch block or a cache line, at any optimisation level (-O0
   and -Os do not align functions).  Where GCC aligns the function, the
   label keeps that alignment: the area is the last 6 of the NOPs that
   pad up to it.

   Three pieces cooperate, because no single GCC hook sees all of it:
   - an RTL pass just before branch shortening (after the x86 pass that
     inserts endbr64) puts the 2-byte NOP in the insn stream after the
     endbr64, or before the first insn, and sets the function's patch
     area so that GCC calls the target hook below before the label;
   - the print_patchable_function_entry target hook, called right before
     the label, prints the alignment and the pre-entry area;
   - the function_switched_text_sections hook gives the cold part of a
     split function (foo.cold) the same area; the pass has put a 2-byte
     NOP at its start.  The function_epilogue hook marks the end of the
     function so its record can state its size.  */

#include "ulp-plugin.h"
#include "tree-pass.h"
#include "context.h"
#include "function.h"
#include "basic-block.h"
#include "rtl.h"
#include "memmodel.h"
#include "emit-rtl.h"
#include "target.h"
#include "output.h"
#include "stringpool.h"
#include "attribs.h"
#include "cgraph.h"
#include "diagnostic-core.h"
#include "insn-constants.h"
#include "insn-config.h"
#include "insn-attr.h"
#include "rtl-iter.h"
#include "recog.h"
#include "flags.h"
#include "predict.h"

ulp_function_state ulp_fn;

void
ulp_reset_function_state (void)
{
  ulp_fn.inlined.release ();
  ulp_fn = ulp_function_state ();
}

/* GCC's own versions of the target hooks we wrap.  */
static void (*gcc_print_patchable_function_entry) (FILE *,
                                                   unsigned HOST_WIDE_INT,
                                                   bool);
static void (*gcc_function_switched_text_sections) (FILE *, tree, bool);
static void (*gcc_function_epilogue) (FILE *);
static bool (*gcc_can_output_mi_thunk) (const_tree, HOST_WIDE_INT,
                                        HOST_WIDE_INT, const_tree);
static void (*gcc_output_mi_thunk) (FILE *, tree, HOST_WIDE_INT,
                                    HOST_WIDE_INT, tree);

static unsigned next_function_id;

/* Does NAME match one of the -fplugin-arg-ulp-exclude= names?  */

static bool
excluded_by_name_p (tree decl)
{
  if (ulp_opts.excluded.is_empty ())
    return false;
  const char *source = DECL_NAME (decl)
                         ? IDENTIFIER_POINTER (DECL_NAME (decl)) : "";
  const char *assembler = IDENTIFIER_POINTER (DECL_ASSEMBLER_NAME (decl));
  unsigned i;
  const char *name;
  FOR_EACH_VEC_ELT (ulp_opts.excluded, i, name)
    if (strcmp (name, source) == 0 || strcmp (name, assembler) == 0)
      return true;
  return false;
}

/* Should DECL be left without a patchable entry?  A clone is excluded
   with the function it was made from.  */

bool
ulp_function_excluded_p (tree decl)
{
  for (tree d = decl; d; )
    {
      if (lookup_attribute ("ulp_exclude", DECL_ATTRIBUTES (d))
          || lookup_attribute ("naked", DECL_ATTRIBUTES (d))
          || excluded_by_name_p (d))
        return true;
      tree origin = DECL_ABSTRACT_ORIGIN (d);
      d = (origin && origin != d && TREE_CODE (origin) == FUNCTION_DECL)
            ? origin : NULL_TREE;
    }
  return false;
}

/* Is INSN the endbr64 that x86 puts at a function's start?  */

static bool
endbr_insn_p (rtx_insn *insn)
{
  if (!NONJUMP_INSN_P (insn))
    return false;
  rtx body = PATTERN (insn);
  return (GET_CODE (body) == UNSPEC_VOLATILE
          && XINT (body, 1) == UNSPECV_NOP_ENDBR);
}

/* Is INSN the patchable area x86 inserts for -fpatchable-function-entry?  */

static bool
patchable_area_insn_p (rtx_insn *insn)
{
  if (!NONJUMP_INSN_P (insn))
    return false;
  rtx body = PATTERN (insn);
  return (GET_CODE (body) == UNSPEC_VOLATILE
          && XINT (body, 1) == UNSPECV_PATCHABLE_AREA);
}

/* An insn that prints the label .LULP<KIND><id>, followed by the 2-byte
   NOP unless the function is excluded.  A basic asm is the one insn
   every pass after this one leaves alone and prints verbatim; x86 has
   no pattern for a 2-byte NOP.  */

/* The tracking code of a tracked entry, printed in front of the
   function's pre-entry area:

     .LULPT<id>:
              movq  __ulp_thread@gottpoff(%rip), %r11
              cmpq  %fs:16(%r11), %rsp         below the outermost
              jb    foo.ulp_inner              tracked frame: inside
              leaq  foo.ulp_inner(%rip), %r10
              [movl $<stack argument bytes>, %eax]
              jmp   __ulp_outer[_args][_eh]    the outer entry

   The arming site at the label jumps here once armed; until then
   (-fplugin-arg-ulp-arming=lazy, the default) nothing runs it.  With a
   TLS descriptor, the offset comes in %rax from the descriptor call and
   is moved to %r11.  A nested entry costs four instructions armed.
   Only %r10, %r11, %rax and the flags are touched: the function has no
   varargs (%al) and no static chain (%r10).  It has unwind information
   of its own: the frame is the caller's, as at the label.  */

static void
print_tracking_code (FILE *file)
{
  HOST_WIDE_INT stack_bytes = crtl->args.size.to_constant ();
  const char *outer = ulp_outer_trampoline (stack_bytes);
  unsigned id = ulp_fn.id;
  fprintf (file, ".LULPT%u:\n\t.cfi_startproc\n", id);
  if (flag_pic && !flag_pie && ulp_opts.tls == ULP_TLS_DESC)
    fprintf (file,
             "\tleaq __ulp_thread@tlsdesc(%%rip), %%rax\n"
             "\tcall *__ulp_thread@tlscall(%%rax)\n"
             "\tcmpq %%fs:%d(%%rax), %%rsp\n"
             "\tjb .LULPN%u\n"
             "\tmovq %%rax, %%r11\n",
             ULP_THREAD_OUTER_SP_OFFSET, id);
  else
    fprintf (file,
             "\tmovq __ulp_thread@gottpoff(%%rip), %%r11\n"
             "\tcmpq %%fs:%d(%%r11), %%rsp\n"
             "\tjb .LULPN%u\n",
             ULP_THREAD_OUTER_SP_OFFSET, id);
  fprintf (file, "\tleaq .LULPN%u(%%rip), %%r10\n", id);
  if (stack_bytes)
    fprintf (file, "\tmovl $%d, %%eax\n", (int) stack_bytes);
  fprintf (file, "\tjmp %s\n\t.cfi_endproc\n", outer);
}

/* The global hidden symbol NAME.ulp_inner where the object's calls
   enter the current function (ulp-exported.cc), and the same for each
   public alias of it, or "".  Under lto1 every function that is not
   weak has it, public or made local, for the calls from other
   partitions.  */

static char *
inner_symbol_text (void)
{
  tree decl = current_function_decl;
  if (!ulp_inner_symbol_p (decl) && !(in_lto_p && !DECL_WEAK (decl)))
    return xstrdup ("");
  char *name = ulp_inner_name (decl);
  char *text = xasprintf ("\t.globl %s\n\t.hidden %s\n%s:\n", name, name,
                          name);
  cgraph_node *node = cgraph_node::get (decl);
  ipa_ref *ref;
  for (unsigned i = 0; node && node->iterate_direct_aliases (i, ref); i++)
    {
      tree alias = ref->referring->decl;
      if (!TREE_PUBLIC (alias) || DECL_WEAK (alias)
          || TREE_CODE (alias) != FUNCTION_DECL)
        continue;
      char *aname = ulp_inner_name (alias);
      char *more = xasprintf ("%s\t.globl %s\n\t.hidden %s\n\t.set %s, %s\n",
                              text, aname, aname, aname, name);
      free (aname);
      free (text);
      text = more;
    }
  free (name);
  return text;
}

/* The arming site of a tracked entry and the labels behind it:
   .LULPN<id> for this unit's tracking code, and NAME.ulp_inner
   (inner_symbol_text).  The entry NOP follows even when the function is
   excluded (then it is no patchable entry, only a plain first
   instruction for the prefixes of the arming site: the function's own
   first instruction could carry a segment prefix of its own).  */

static char *
arming_site_text (void)
{
  unsigned id = ulp_fn.id;
  char *site = (ulp_opts.lazy_arming
                ? xasprintf ("\t.byte 0x%x, 0x%x\n", ULP_UNARMED_PREFIX,
                             ULP_UNARMED_PREFIX)
                : xasprintf ("\t.byte 0x%x, .LULPT%u - .LULPA%u - 2\n",
                             ULP_ARMED_JUMP, id, id));
  char *inner = inner_symbol_text ();
  char *text = xasprintf (".LULPA%u:\n%s%s.LULPN%u:\n", id, site, inner,
                          id);
  free (site);
  free (inner);
  return text;
}

static rtx
asm_insn (char *text)
{
  /* final prints a line marker for the asm's location unless it has no
     line; an unknown location has no file and would crash it.  */
  rtx asm_input
    = gen_rtx_ASM_INPUT_loc (VOIDmode, ggc_strdup (text), BUILTINS_LOCATION);
  free (text);
  return asm_input;
}

static rtx
entry_nop (const char *kind, unsigned id)
{
  return asm_insn (xasprintf (ulp_fn.excluded
                                ? ".LULP%s%u:" : ".LULP%s%u:\n\t.byte 0x66, 0x90",
                              kind, id));
}

/* Fusing the entry with the function's first instruction.

   The 2-byte NOP costs one instruction per call.  Where the function's
   first instruction is at least 2 bytes long and can run anywhere, it
   is the entry instead: a detour overwrites its first 2 bytes, and a
   thread that must run this version runs a copy of it that the runtime
   makes, then jumps back behind it (ULP_F_FUSED in ulp-meta.h).  A
   push of one of the eight legacy registers, 1 byte, gets a REX prefix
   (0x40, which changes nothing for it) to take 2; a prologue starts
   with one in most functions.  Only integer instructions on general
   registers, the flags, constants and memory are taken: no segment
   register, no branch.  The assembler checks the length.

   Memory may be a variable (a symbol, plus a constant), which GCC
   addresses relative to %rip in the small code models: a function that
   starts by reading a global, as many do, would otherwise pay the NOP.
   So may a symbol's address in position-independent code (lea).  The
   runtime moves such a copy's 32-bit displacement (ULP_F_RIP): the
   record says where it is, which is 4 bytes and the immediate operand
   before the instruction's end.  One symbol at most; none that is
   thread-local or reached through the GOT (an UNSPEC, refused below).  */

/* Whether X, an address, is a symbol plus at most a constant.  */

static bool
symbolic_address_p (const_rtx x)
{
  if (GET_CODE (x) == CONST)
    x = XEXP (x, 0);
  if (GET_CODE (x) == PLUS && CONST_INT_P (XEXP (x, 1)))
    x = XEXP (x, 0);
  return ((GET_CODE (x) == SYMBOL_REF && !SYMBOL_REF_TLS_MODEL (x))
          || GET_CODE (x) == LABEL_REF);
}

/* Whether PATTERN can run anywhere, given that its displacement relative
   to %rip, if any, is moved; *RIP says whether it has one.  */

static bool
fusable_rtx_p (const_rtx pattern, bool *rip)
{
  *rip = false;
  int symbols = 0;
  bool small = ix86_cmodel == CM_SMALL || ix86_cmodel == CM_SMALL_PIC;
  subrtx_iterator::array_type array;
  FOR_EACH_SUBRTX (iter, array, pattern, ALL)
    {
      const_rtx x = *iter;
      machine_mode mode = GET_MODE (x);
      if (mode != VOIDmode && mode != BLKmode && !SCALAR_INT_MODE_P (mode)
          && GET_MODE_CLASS (mode) != MODE_CC)
        return false;
      switch (GET_CODE (x))
        {
        case REG:
          if (!GENERAL_REGNO_P (REGNO (x)) && REGNO (x) != FLAGS_REG)
            return false;
          break;
        case MEM:
          if (MEM_ADDR_SPACE (x) != ADDR_SPACE_GENERIC || MEM_VOLATILE_P (x))
            return false;
          if (symbolic_address_p (XEXP (x, 0)))
            {
              /* A variable: SYM(%rip).  */
              if (++symbols > 1 || !small)
                return false;
              *rip = true;
              iter.skip_subrtxes ();
            }
          break;
        case SYMBOL_REF: case LABEL_REF: case CONST:
          /* A symbol's address, alone or plus a constant, outside a
             memory operand: lea SYM(%rip) in position-independent code;
             elsewhere it may be an absolute immediate, which a 64-bit
             one would not fit.  */
          if (!symbolic_address_p (x) || !flag_pic || ++symbols > 1
              || !small)
            return false;
          *rip = true;
          iter.skip_subrtxes ();
          break;
        case SET: case PARALLEL: case CLOBBER: case CONST_INT: case SCRATCH:
        case PLUS: case MINUS: case MULT: case AND: case IOR: case XOR:
        case NOT: case NEG: case ASHIFT: case ASHIFTRT: case LSHIFTRT:
        case ZERO_EXTEND: case SIGN_EXTEND: case COMPARE: case SUBREG:
        case PRE_DEC:
          break;
        default:
          return false;
        }
    }
  return true;
}

/* How INSN, the function's first, can be its entry: -1 not at all, 0
   as it is, 1 with a REX prefix.  Sets ulp_fn.rip_tail.  */

static int
fusion_of (rtx_insn *insn)
{
  ulp_fn.rip_tail = -1;
  if (!ulp_opts.fused_entry || !NONJUMP_INSN_P (insn)
      || recog_memoized (insn) < 0)
    return -1;
  rtx pattern = PATTERN (insn);
  bool rip;
  if (asm_noperands (pattern) >= 0 || !fusable_rtx_p (pattern, &rip))
    return -1;
  if (rip)
    {
      /* The displacement comes right before the immediate operand.  */
      int tail = get_attr_length_immediate (insn);
      if (tail != 0 && tail != 1 && tail != 2 && tail != 4)
        return -1;
      ulp_fn.rip_tail = tail;
    }
  rtx set = single_set (insn);
  if (set && MEM_P (SET_DEST (set))
      && GET_CODE (XEXP (SET_DEST (set), 0)) == PRE_DEC)
    {
      /* A push; nothing else writes below the stack pointer.  */
      rtx src = SET_SRC (set);
      if (!REG_P (src) || GET_MODE (src) != DImode)
        return -1;
      return REX_INT_REGNO_P (REGNO (src)) ? 0 : 1;
    }
  if (reg_mentioned_p (stack_pointer_rtx, pattern)
      && !RTX_FRAME_RELATED_P (insn))
    return -1;
  return get_attr_length (insn) >= 2 ? 0 : -1;
}

/* Put the entry (of a tracked entry, its arming site first) at the very
   start of the function: after endbr64 if there is one, otherwise
   before the first insn or label.  It must come before any code label,
   or a loop branching back to the start would run into a detour; so
   is a fused first instruction.  */

static void
insert_function_entry (void)
{
  rtx_insn *first = get_insns ();
  while (first && NOTE_P (first)
         && NOTE_KIND (first) != NOTE_INSN_SWITCH_TEXT_SECTIONS)
    first = NEXT_INSN (first);
  gcc_assert (first);

  /* A function without a tracked entry is entered at its label, also
     by other units' calls of NAME.ulp_inner.  */
  if (!ulp_fn.tracked_entry)
    {
      char *inner = inner_symbol_text ();
      if (*inner)
        emit_insn_before (asm_insn (inner), first);
      else
        free (inner);
    }

  /* An excluded function only gets a label at its start, for its
     record.  */
  if (ulp_fn.excluded && !ulp_fn.tracked_entry)
    {
      ulp_fn.endbr = endbr_insn_p (first);
      emit_insn_before (entry_nop ("B", ulp_fn.id), first);
      return;
    }

  rtx_insn *after = NULL;
  if (endbr_insn_p (first))
    {
      ulp_fn.endbr = true;
      after = first;
      first = NEXT_INSN (first);
    }
  /* -fpatchable-function-entry's area would sit where our entry goes;
     ours replaces it.  */
  if (first && patchable_area_insn_p (first))
    {
      rtx_insn *next = NEXT_INSN (first);
      delete_insn (first);
      first = next;
    }

  /* The first instruction, unless a label or a section switch comes
     before it.  */
  rtx_insn *code = first;
  while (code && (DEBUG_INSN_P (code)
                  || (NOTE_P (code)
                      && NOTE_KIND (code) != NOTE_INSN_SWITCH_TEXT_SECTIONS)))
    code = NEXT_INSN (code);
  int fusion = (code && !ulp_fn.excluded) ? fusion_of (code) : -1;
  ulp_fn.fused = fusion >= 0;
  if (!ulp_fn.fused)
    ulp_fn.rip_tail = -1;

  unsigned id = ulp_fn.id;
  char *site = ulp_fn.tracked_entry ? arming_site_text () : xstrdup ("");
  char *text;
  if (ulp_fn.excluded)
    /* A tracked entry of an excluded function: a plain first
       instruction behind the prefixes.  */
    text = xasprintf ("%s\t.byte 0x66, 0x90", site);
  else if (!ulp_fn.fused)
    text = xasprintf ("%s.LULPE%u:\n\t.byte 0x66, 0x90\n.LULPF%u:", site, id,
                      id);
  else
    text = xasprintf ("%s.LULPE%u:%s", site, id,
                      fusion ? "\n\t.byte 0x40" : "");
  free (site);
  rtx entry = asm_insn (text);
  if (after)
    emit_insn_after (entry, after);
  else
    emit_insn_before (entry, first);
  if (ulp_fn.fused)
    emit_insn_after (asm_insn (xasprintf (".LULPF%u:\n"
                                          "\t.if .LULPF%u - .LULPE%u < 2\n"
                                          "\t.error \"ulp: an entry "
                                          "instruction of less than 2 "
                                          "bytes\"\n"
                                          "\t.endif", id, id, id)),
                     code);
}

/* In a function split into hot and cold parts, put a 2-byte NOP at the
   start of the cold part, right after the label GCC gives it
   (foo.cold), so every function symbol has the same layout.  The cold
   part is never called, so this NOP is never executed or detoured.  */

static void
insert_cold_entry (void)
{
  if (!crtl->has_bb_partition)
    return;
  /* Mirror how final decides where the function starts.  */
  ulp_fn.first_cold
    = (BB_PARTITION (ENTRY_BLOCK_PTR_FOR_FN (cfun)->next_bb)
       == BB_COLD_PARTITION);
  if (ulp_fn.first_cold)
    return; /* The switch goes to the hot part, which gets no label.  */
  for (rtx_insn *insn = get_insns (); insn; insn = NEXT_INSN (insn))
    if (NOTE_P (insn) && NOTE_KIND (insn) == NOTE_INSN_SWITCH_TEXT_SECTIONS)
      {
        emit_insn_after (entry_nop (ulp_fn.excluded ? "CB" : "CE",
                                    ulp_fn.id),
                         insn);
        return;
      }
}

static bool warned_patchable_function_entry;

namespace {

const pass_data entry_pass_data = {
  RTL_PASS,      /* type */
  "ulp_entry",   /* name */
  OPTGROUP_NONE, /* optinfo_flags */
  TV_NONE,       /* tv_id */
  0,             /* properties_required */
  0,             /* properties_provided */
  0,             /* properties_destroyed */
  0,             /* todo_flags_start */
  0,             /* todo_flags_finish */
};

class entry_pass : public rtl_opt_pass
{
public:
  entry_pass (gcc::context *ctxt) : rtl_opt_pass (entry_pass_data, ctxt) {}

  unsigned int
  execute (function *) final override
  {
    ulp_reset_function_state ();
    ulp_fn.decl = current_function_decl;
    ulp_fn.id = next_function_id++;
    /* A tracked entry tracks the boundary whether its function is
       excluded from patching or not.  */
    ulp_fn.tracked_entry = ulp_tracked_entry_p (current_function_decl);
    ulp_fn.excluded = ulp_function_excluded_p (current_function_decl);
    ulp_redirect_calls_to_inner ();
    ulp_collect_inlined (current_function_decl, &ulp_fn.inlined);

    if ((crtl->patch_area_size || crtl->patch_area_entry)
        && !warned_patchable_function_entry)
      {
        warned_patchable_function_entry = true;
        warning_at (DECL_SOURCE_LOCATION (current_function_decl), 0,
                    "ulp: ignoring %<-fpatchable-function-entry%> and the "
                    "%<patchable_function_entry%> attribute: functions get "
                    "the ulp patchable entry instead");
      }

    insert_function_entry ();
    insert_cold_entry ();
    if (ulp_fn.excluded && !ulp_fn.tracked_entry)
      {
        crtl->patch_area_size = 0;
        crtl->patch_area_entry = 0;
        return 0;
      }
    /* Equal sizes: the whole area goes before the label, so GCC calls
       print_patchable_function_entry there and x86 queues nothing after
       the label.  */
    crtl->patch_area_size = ULP_PRE_ENTRY_SIZE;
    crtl->patch_area_entry = ULP_PRE_ENTRY_SIZE;
    return 0;
  }
};

} // anonymous namespace

opt_pass *
ulp_make_entry_pass (gcc::context *ctxt)
{
  return new entry_pass (ctxt);
}

/* Print the pre-entry area of a function or of its cold part.  */

static void
print_pre_entry_area (FILE *file, const char *kind)
{
  fprintf (file, "\t.p2align 1\n.LULP%s%u:\n\t.skip %d, 0x90\n", kind,
           ulp_fn.id, ULP_PRE_ENTRY_SIZE);
}

/* Align the label of the function being printed as GCC meant to (it
   aligned the start of the function's section, where the pre-entry
   area now is): with more single-byte NOPs, so that the bytes right
   before the label are still at least the pre-entry area's 0x90s.
   Without it every function's first instructions would start 6 bytes
   into a fetch block, which costs a server's throughput although it
   runs the same instructions.  The conditions are those of
   assemble_start_function (varasm.cc).  */

static void
print_label_alignment (FILE *file)
{
  tree decl = current_function_decl;
  int log = floor_log2 (DECL_ALIGN (decl) / BITS_PER_UNIT);
  int max_skip = (1 << log) - 1;
  if (!DECL_USER_ALIGN (decl) && align_functions.levels[0].log > log
      && optimize_function_for_speed_p (cfun))
    {
      log = align_functions.levels[0].log;
      max_skip = align_functions.levels[0].maxskip;
    }
  if (log > 1)
    fprintf (file, "\t.balignw %d, 0x9090, %d\n", 1 << log, max_skip);
}

/* Called by GCC right before a function's label when it has a patch
   area before the label.  */

static void
ulp_print_patchable_function_entry (FILE *file,
                                    unsigned HOST_WIDE_INT size,
                                    bool record_p)
{
  /* Not ours (x86 calls this again after the label, and for functions
     the entry pass did not see): let GCC handle it.  */
  if (ulp_fn.decl != current_function_decl
      || (ulp_fn.excluded && !ulp_fn.tracked_entry)
      || cfun->machine->function_label_emitted || ulp_fn.pre_printed)
    {
      gcc_print_patchable_function_entry (file, size, record_p);
      return;
    }
  ulp_fn.pre_printed = true;
  if (ulp_fn.tracked_entry)
    print_tracking_code (file);
  if (!ulp_fn.excluded)
    {
      print_pre_entry_area (file, "P");
      print_label_alignment (file);
    }
  else
    fputs ("\t.p2align 1\n", file);
}

/* Called by final when it switches between the hot and cold parts of a
   function, before it prints the cold part's label.  */

static void
ulp_function_switched_text_sections (FILE *file, tree decl, bool new_is_cold)
{
  gcc_function_switched_text_sections (file, decl, new_is_cold);
  if (new_is_cold && ulp_fn.decl == decl && ulp_fn.pre_printed
      && !ulp_fn.excluded && !ulp_fn.first_cold && !ulp_fn.cold_printed)
    {
      ulp_fn.cold_printed = true;
      print_pre_entry_area (file, "C");
    }
}

/* Called at the end of a function's code: mark it, so the record can
   give the function's size.  */

static void
ulp_function_epilogue (FILE *file)
{
  if (ulp_fn.decl == current_function_decl && !ulp_fn.end_printed)
    {
      ulp_fn.end_printed = true;
      fprintf (file, ".LULPX%u:\n", ulp_fn.id);
    }
  gcc_function_epilogue (file);
}

/* C++ this-adjusting thunks are normally printed directly as assembly,
   which no pass sees.  Saying the target cannot do that makes GCC build
   them as ordinary functions (a tail call with an adjusted this), which
   get an entry and a record like any other.  GCC cannot build a
   variadic thunk that way, so those stay in assembly, without an
   entry: patching the function they jump to covers them.  */

static bool
ulp_can_output_mi_thunk (const_tree thunk, HOST_WIDE_INT delta,
                         HOST_WIDE_INT vcall_offset, const_tree function)
{
  if (!stdarg_p (TREE_TYPE (function)))
    return false;
  return gcc_can_output_mi_thunk (thunk, delta, vcall_offset, function);
}

/* A (variadic) thunk printed as assembly: no entry, but a record saying
   so, like an excluded function.  GCC has printed its label.  */

static void
ulp_output_mi_thunk (FILE *file, tree thunk, HOST_WIDE_INT delta,
                     HOST_WIDE_INT vcall_offset, tree function)
{
  ulp_reset_function_state ();
  ulp_fn.decl = thunk;
  ulp_fn.id = next_function_id++;
  ulp_fn.excluded = true;
  fprintf (file, ".LULPB%u:\n", ulp_fn.id);
  gcc_output_mi_thunk (file, thunk, delta, vcall_offset, function);
  fprintf (file, ".LULPX%u:\n", ulp_fn.id);
  ulp_fn.end_printed = true;
  ulp_write_records (file);
  ulp_reset_function_state ();
}

void
ulp_install_entry_hooks (void)
{
  gcc_print_patchable_function_entry
    = targetm.asm_out.print_patchable_function_entry;
  targetm.asm_out.print_patchable_function_entry
    = ulp_print_patchable_function_entry;

  gcc_function_switched_text_sections
    = targetm.asm_out.function_switched_text_sections;
  targetm.asm_out.function_switched_text_sections
    = ulp_function_switched_text_sections;

  gcc_function_epilogue = targetm.asm_out.function_epilogue;
  targetm.asm_out.function_epilogue = ulp_function_epilogue;

  gcc_can_output_mi_thunk = targetm.asm_out.can_output_mi_thunk;
  targetm.asm_out.can_output_mi_thunk = ulp_can_output_mi_thunk;
  gcc_output_mi_thunk = targetm.asm_out.output_mi_thunk;
  targetm.asm_out.output_mi_thunk = ulp_output_mi_thunk;
}
