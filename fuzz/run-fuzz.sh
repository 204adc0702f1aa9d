#! /bin/sh
# run-fuzz.sh -- run the ulp fuzz harnesses and print what they did.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: run-fuzz.sh SECONDS SRCDIR HARNESS...
# Run from the build directory's fuzz/, where the harnesses are.  For
# each harness: replay SRCDIR/regressions/HARNESS (crashes found and
# fixed before: each must now run clean), then fuzz for SECONDS seconds
# from SRCDIR/corpus/HARNESS, writing new inputs to work/HARNESS and
# crashing inputs to crashes/HARNESS.  The last lines are a table of
# executions, corpus size and crashes per harness; the exit status is 1
# if any harness crashed.

seconds=$1
srcdir=$2
shift 2

status=0
report=
for h in "$@"; do
  name=${h#fuzz-}
  mkdir -p "work/$name" "crashes/$name"
  log=work/$name.log
  : > "$log"

  # Fixed crashes first: libFuzzer runs the files given and stops.
  regressions=`ls "$srcdir/regressions/$name" 2>/dev/null | wc -l`
  if test "$regressions" -gt 0; then
    if ! ./$h -close_fd_mask=3 "$srcdir"/regressions/"$name"/* \
         >> "$log" 2>&1; then
      echo "$h: a fixed crash is back (see fuzz/$log)" >&2
      status=1
    fi
  fi

  echo "$h: fuzzing for $seconds s (log: fuzz/$log)"
  before=`ls "crashes/$name" | wc -l`
  ./$h -max_total_time="$seconds" -print_final_stats=1 -close_fd_mask=3 \
    -artifact_prefix="crashes/$name/" "work/$name" "$srcdir/corpus/$name" \
    >> "$log" 2>&1
  rc=$?
  execs=`sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1`
  files=`find "work/$name" "$srcdir/corpus/$name" -type f | wc -l`
  bytes=`find "work/$name" "$srcdir/corpus/$name" -type f -exec cat {} + | wc -c`
  crashes=`expr \`ls "crashes/$name" | wc -l\` - $before`
  if test $rc -ne 0 || test "$crashes" -gt 0; then
    status=1
    echo "$h: CRASH (exit $rc): input in fuzz/crashes/$name/, report in fuzz/$log" >&2
  fi
  report="$report
`printf '%-14s %12s %8s %10s %8s %12s' "$h" "${execs:-0}" "$files" "$bytes" "$crashes" "$regressions"`"
done

echo
echo "Fuzzing summary ($seconds s per harness):"
printf '%-14s %12s %8s %10s %8s %12s\n' harness executions corpus bytes crashes regressions
echo "$report" | sed 1d
exit $status
