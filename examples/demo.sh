#!/bin/sh
# demo.sh -- `make demo': fix a bug in a running server with a live patch.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run by `make demo' from the examples build directory, which passes
# MAKE, ULP_TOOLS (the directory of the ulp tools), ULP_RUNTIME
# (libulp.so, for ulp-apply --load-runtime), ULP_LDSCRIPT, and the
# libtool objects of libunits (ULP_ORIG_OBJECT) and of its fixed source
# (ULP_FIX_OBJECT).  It starts units-server, shows that libunits
# converts temperatures wrongly, compiles the fix, makes a live patch of
# it, applies the patch while the server keeps answering, shows the
# corrected answers and ulp-status, reverts the patch and shows the bug
# again.  Each step says what it does and how long it took.  It needs
# no terminal; it checks each outcome itself and exits non-zero when a
# step fails, and the server is always stopped on the way out.

set -u

: "${MAKE:=make}"
: "${ULP_TOOLS:?demo.sh: run it with make demo}"
: "${ULP_RUNTIME:?demo.sh: run it with make demo}"
: "${ULP_LDSCRIPT:?demo.sh: run it with make demo}"
: "${ULP_ORIG_OBJECT:=libunits/libunits_libunits_la-units.lo}"
: "${ULP_FIX_OBJECT:=libunits/fixed/libunits_fixed_libunits_la-units.lo}"
export ULP_RUNTIME
PATH=$ULP_TOOLS:$PATH
export PATH

workers=3
interval=300
work=demo-work
target=libunits/.libs/libunits.so
patch=$work/units-fix.so
log=$work/server.log
server_pid=
step_no=0
mark=0

# libtool keeps the PIC object of foo.lo in .libs/foo.o.
pic_object ()
{
  echo "$(dirname "$1")/.libs/$(basename "$1" .lo).o"
}

now_ms ()
{
  echo $(($(date +%s%N) / 1000000))
}

fail ()
{
  echo "demo: step $step_no failed: $*" >&2
  exit 1
}

stop_server ()
{
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    i=0
    while kill -0 "$server_pid" 2>/dev/null && [ $i -lt 50 ]; do
      sleep 0.1
      i=$((i + 1))
    done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  server_pid=
}

trap 'stop_server' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# step TITLE TEXT...: start step N, with a title and an explanation.
step ()
{
  step_no=$((step_no + 1))
  echo
  echo "== Step $step_no: $1"
  shift
  for line in "$@"; do
    echo "   $line"
  done
}

# runs COMMAND...: show COMMAND, run it with its output indented, say
# how long it took; a failure ends the demo.  The status goes through a
# file: POSIX sh has no pipefail.
runs ()
{
  printf '   $'
  for arg in "$@"; do
    case $arg in
      *' '*) printf " '%s'" "$arg" ;;
      *) printf ' %s' "$arg" ;;
    esac
  done
  echo
  t0=$(now_ms)
  { "$@" 2>&1; echo $? > "$work/status"; } | sed 's/^/   > /'
  t1=$(now_ms)
  echo "   (took $((t1 - t0)) ms)"
  status=$(cat "$work/status")
  [ "$status" = 0 ] || fail "$1 exited with status $status"
}

lines ()
{
  wc -l < "$log"
}

# Mark the end of the server's output so far: show_output shows what
# comes after.  Lines printed while a patch was being applied may come
# from either version, so the mark is set once the step is over.
mark_output ()
{
  mark=$(lines)
}

# The same after a change of code: an answer computed just before the
# change may still be on its way to the log (a worker preempted between
# the conversion and its printf on a busy machine), so give the workers
# a moment.
mark_output_after_change ()
{
  sleep 0.2
  mark_output
}

# show_output WHAT N EXPECT: wait for N lines of the server past the
# mark, show them, and check that the line for 100 C says EXPECT.
show_output ()
{
  what=$1 n=$2 expect=$3
  echo "   The server's next $n answers ($what):"
  t0=$(now_ms)
  i=0
  while [ "$(lines)" -lt $((mark + n)) ] && [ $i -lt 100 ]; do
    kill -0 "$server_pid" 2>/dev/null || fail "the server died"
    sleep 0.1
    i=$((i + 1))
  done
  [ "$(lines)" -ge $((mark + n)) ] || fail "the server stopped answering"
  sed -n "$((mark + 1)),$((mark + n))p" "$log" | sed 's/^/   | /'
  got=$(sed -n "$((mark + 1)),$((mark + n))p" "$log" | grep ' 100 C = ')
  [ -n "$got" ] || fail "no answer for 100 C"
  if echo "$got" | grep -qv " 100 C = *$expect F\$"; then
    fail "expected 100 C = $expect F ($what)"
  fi
  kill -0 "$server_pid" 2>/dev/null || fail "the server died"
  echo "   (took $(($(now_ms) - t0)) ms to come)"
  mark_output
}

# Yama (/proc/sys/kernel/yama/ptrace_scope) may forbid a user to trace
# processes that are not their descendants; ulp-apply, which runs beside
# the server rather than above it, needs it.
scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)
server_opts=
if [ "$(id -u)" != 0 ]; then
  case $scope in
    1) server_opts=--allow-tracing ;;
    0) ;;
    *) echo "demo: Yama ptrace_scope is $scope" \
            "(/proc/sys/kernel/yama/ptrace_scope): only root may use" \
            "ulp-apply here; run make demo as root" >&2
       exit 1 ;;
  esac
fi

rm -rf "$work"
mkdir -p "$work" || exit 1
orig_o=$(pic_object "$ULP_ORIG_OBJECT")
fix_o=$(pic_object "$ULP_FIX_OBJECT")
start=$(now_ms)

cat <<EOT
Live patching with ulp: fixing a bug in a running server.

units-server answers temperature requests with $workers worker threads,
converting Celsius to Fahrenheit with libunits.so.  libunits was
compiled with the ulp GCC plugin (-specs=ulp.specs), which gives each
function a patchable entry and records it; the server itself is an
ordinary program that knows nothing about live patching.  libunits has
a bug (libunits/units.c):

    return celsius * (9 / 5) + 32;     /* 9 / 5 is 1 in C */

and libunits/fixed/units.c has the fix:

    return celsius * 9 / 5 + 32;

We will replace the function in the running server, without stopping
or restarting it, then take the fix out again.
EOT

step "start the server" \
  "units-server runs in the background; its answers go to $log."
if [ -n "$server_opts" ]; then
  echo "   (Yama's ptrace_scope is 1 here: so that ulp-apply may reach the"
  echo "   server, the server lets its user's processes trace it with"
  echo "   --allow-tracing.  As root this is not needed.)"
fi
echo "   \$ ./units-server $server_opts${server_opts:+ }$workers $interval > $log &"
t0=$(now_ms)
./units-server $server_opts $workers $interval 120 > "$log" 2>&1 &
server_pid=$!
t1=$(now_ms)
echo "   (took $((t1 - t0)) ms; the server is process $server_pid)"

step "watch the bug" \
  "Water boils at 212 F, but the server says otherwise."
show_output "unpatched" 8 132

step "look at the library's live-patching metadata" \
  "ulp-dump lists the functions the plugin made patchable in libunits.so."
runs ulp-dump "$target"

step "compile the fixed source" \
  "The patch is made from object files, so the fixed units.c is compiled" \
  "with exactly the compiler options of the original (same make rule)."
runs $MAKE --no-print-directory "$ULP_FIX_OBJECT"

step "make the live patch" \
  "ulp-mkpatch compares the original object with the fixed one, finds" \
  "which functions changed (only units_c_to_f), and links a small shared" \
  "object, the patch, that holds their new code.  -v shows its phases."
runs ulp-mkpatch -v --ldscript "$ULP_LDSCRIPT" --target "$target" \
  -d "convert Celsius to Fahrenheit without integer division" \
  -o "$patch" "$orig_o" "$fix_o"

step "apply the patch to the running server" \
  "ulp-apply asks the process's ulp runtime to load the patch and switch" \
  "units_c_to_f to the new code; --load-runtime first loads the runtime," \
  "libulp.so, into the server, which was started without it.  The worker" \
  "threads are never stopped: each one moves to the new code the next" \
  "time it calls into libunits."
mark_output
runs ulp-apply -v --load-runtime "$server_pid" "$patch"
mark_output_after_change
show_output "patched" 8 212

step "ask for the live-patching state" \
  "ulp-status shows the runtime, the patched library, the patch and the" \
  "universe of each thread (a patch opens a new universe; a thread" \
  "moves to it on its next call into the library)."
runs ulp-status "$server_pid"

step "revert the patch" \
  "ulp-apply --revert takes the patch out again, by name, while the" \
  "server keeps running."
runs ulp-apply -v --revert "$server_pid" units-fix
mark_output_after_change
show_output "reverted" 8 132

step "stop the server" \
  "Same process from start to end: the count of conversions that libunits" \
  "keeps went on across the patch and the revert."
t0=$(now_ms)
pid=$server_pid
stop_server
t1=$(now_ms)
tail -n 1 "$log" | sed 's/^/   | /'
tail -n 1 "$log" | grep -q '^units-server: stopping after' \
  || fail "units-server $pid did not stop cleanly"
echo "   (took $((t1 - t0)) ms)"

echo
echo "Demo done in $(($(now_ms) - start)) ms: the bug was fixed and unfixed" \
  "in a running process."
