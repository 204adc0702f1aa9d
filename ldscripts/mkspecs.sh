#! /bin/sh
# mkspecs.sh -- make a ulp specs file from ulp.specs.in.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: CC -dumpspecs | mkspecs.sh TEMPLATE PLUGIN LDSCRIPT NOTE > OUT
#
# Fills in the plugin and linker script paths, a note saying what the
# file is for, and the compiler's own link_libgcc spec, read from the
# -dumpspecs output on standard input (see ulp.specs.in for why the
# specs file redefines that spec).  Done with awk's ENVIRON and index
# so that no character of a path or spec is special.

set -e

if test $# -ne 4; then
  echo "mkspecs.sh: usage: CC -dumpspecs | mkspecs.sh TEMPLATE PLUGIN LDSCRIPT NOTE" >&2
  exit 2
fi

ULP_TEMPLATE=$1 ULP_PLUGIN=$2 ULP_LDSCRIPT=$3 ULP_GENERATED=$4
export ULP_TEMPLATE ULP_PLUGIN ULP_LDSCRIPT ULP_GENERATED

${AWK:-awk} '
  function subst(line, key, value,    i) {
    while ((i = index(line, "@" key "@")) > 0)
      line = substr(line, 1, i - 1) value substr(line, i + length(key) + 2)
    return line
  }
  # First input: the -dumpspecs output; the value is the line after
  # the name.
  FILENAME == "-" {
    if (want) { libgcc = $0; found = 1; want = 0 }
    else if ($0 == "*link_libgcc:") want = 1
    next
  }
  !found && !failed {
    print "mkspecs.sh: the compiler'"'"'s -dumpspecs output has no link_libgcc spec" > "/dev/stderr"
    failed = 1
    exit 1
  }
  {
    line = subst($0, "ULP_PLUGIN", ENVIRON["ULP_PLUGIN"])
    line = subst(line, "ULP_LDSCRIPT", ENVIRON["ULP_LDSCRIPT"])
    line = subst(line, "ULP_GENERATED", ENVIRON["ULP_GENERATED"])
    line = subst(line, "ULP_LINK_LIBGCC", libgcc)
    print line
  }
' - "$ULP_TEMPLATE"
