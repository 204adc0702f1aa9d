#! /bin/sh
# run-bench.sh -- run the ulp benchmarks and print the table.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run by `make bench' in the build tree's bench/ directory, after the
# benchmark programs are built; the Makefile passes CC, READELF, SIZE,
# ULP_SPECS, LDSCRIPT, LIBULP, TOOLS, INCLUDES, AWK, SRCDIR, CXX and NM.  Every benchmark
# writes machine-readable lines (bench-util.h) to results.raw; report.awk
# turns them into the table, printed and kept in results.txt.
#
# Knobs (environment):
#   BENCH_QUICK=1           few repetitions, to check the harness
#   BENCH_ROUNDS, BENCH_CALLS  call benchmarks: rounds, calls per sample
#   BENCH_SQL_RUNS          SQLite workload runs per build (15)
#   BENCH_COMPILE_PAIRS     SQLite compilations per build (2)
#   BENCH_MALLOC_RUNS       malloc runs per variant (20)
#   BENCH_APPLY_ROUNDS      apply/revert rounds (10)
#   BENCH_SKIP_SQLITE=1     leave SQLite out
#   BENCH_SKIP_REAL=1       leave out the real libraries (real-libs.sh)
#   BENCH_REAL_RUNS         their timed runs per variant and workload (11)
#   BENCH_REDIS_RUNS        redis rounds, plain and full (7), with
#   BENCH_REDIS_REQUESTS    requests of each command per run (100000)
#   ULP_CACHE_DIR           where real-libs.sh keeps the fetched sources
#                           and builds (bench/cache)
#   BENCH_IPA_COST=1        also SQLite plain without each IPA pass the
#                           plugin switches off (what each costs)
#   BENCH_SQLITE_EXTRA      extra SQLite builds (default "desc entries";
#                           also ie, dynamic; "" for none)
#   ULP_SQLITE3_C           an existing sqlite3.c (sqlite3.h beside it);
#                           else the testsuite's copy, else npm pack
#   VALGRIND                valgrind to count instructions (valgrind)

set -u

: "${CC:=gcc}" "${CXX:=g++}" "${NM:=nm}" "${READELF:=readelf}" "${SIZE:=size}"
: "${AWK:=awk}"
: "${VALGRIND:=valgrind}"
: "${ULP_SPECS:?}" "${LIBULP:?}" "${TOOLS:?}" "${SRCDIR:?}" "${INCLUDES:=}"
: "${LDSCRIPT:?}"

if test "${BENCH_QUICK:-0}" = 1; then
  : "${BENCH_ROUNDS:=20}" "${BENCH_CALLS:=100000}" "${BENCH_SQL_RUNS:=3}"
  : "${BENCH_COMPILE_PAIRS:=1}" "${BENCH_MALLOC_RUNS:=3}"
  : "${BENCH_APPLY_ROUNDS:=3}" "${BENCH_REAL_RUNS:=3}"
  : "${BENCH_REDIS_RUNS:=2}" "${BENCH_REDIS_REQUESTS:=20000}"
fi
: "${BENCH_ROUNDS:=150}" "${BENCH_CALLS:=400000}" "${BENCH_SQL_RUNS:=15}"
: "${BENCH_COMPILE_PAIRS:=2}" "${BENCH_MALLOC_RUNS:=20}"
: "${BENCH_APPLY_ROUNDS:=10}" "${BENCH_REAL_RUNS:=11}"
: "${BENCH_REDIS_RUNS:=7}" "${BENCH_REDIS_REQUESTS:=100000}"
export BENCH_ROUNDS BENCH_CALLS BENCH_REAL_RUNS BENCH_REDIS_RUNS \
  BENCH_REDIS_REQUESTS

raw=results.raw
: > "$raw"
start=`date +%s`

say () { echo "run-bench: $*" >&2; }
record () { echo "$*" >> "$raw"; }
na () { record "NA $*"; }

have_valgrind=no
if "$VALGRIND" --version > /dev/null 2>&1; then
  have_valgrind=yes
fi

# Instructions per call from the callgrind dumps in directory $1: each
# dump is labelled KEY/VARIANT/CALLS by a client request.
callgrind_ir ()
{
  for f in "$1"/cg.out.*; do
    test -f "$f" || continue
    $AWK '/^desc: Trigger: Client Request:/ { label = $5 }
          /^totals:/ { total = $2 }
          END { n = split (label, a, "/")
                if (n == 3 && a[3] > 0)
                  printf "IR %s %s %.3f\n", a[1], a[2], total / a[3] }' "$f"
  done >> "$raw"
}

# ---------------------------------------------------------------------
# The machine.
# ---------------------------------------------------------------------

cpu=`$AWK -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null`
record "INFO date `date -u '+%Y-%m-%d %H:%M UTC'`"
record "INFO cpu ${cpu:-unknown}, `nproc 2>/dev/null || echo ?` cores"
record "INFO system `uname -sr`, `ldd --version 2>/dev/null | sed -n '1s/.* //p' | sed 's/^/glibc /'`"
record "INFO compiler `$CC -dumpfullversion 2>/dev/null || $CC -dumpversion` (`$CC -dumpmachine`)"
record "INFO load `cut -d' ' -f1-3 /proc/loadavg` (1, 5, 15 min) at start"
if test $have_valgrind = yes; then
  record "INFO valgrind `$VALGRIND --version`"
fi

# ---------------------------------------------------------------------
# Calls.
# ---------------------------------------------------------------------

say "calls: $BENCH_ROUNDS rounds of $BENCH_CALLS calls per cell"
./bench-calls . >> "$raw" || say "bench-calls failed"
if test $have_valgrind = yes; then
  rm -rf cg && mkdir cg
  if $VALGRIND --tool=callgrind --callgrind-out-file=cg/cg.out \
       ./bench-calls . --callgrind 100000 > /dev/null 2> cg/log; then
    callgrind_ir cg
  else
    say "callgrind of bench-calls failed (cg/log)"
  fi
fi

say "patched calls"
p="`pwd`/bench-p1.so `pwd`/bench-p2.so `pwd`/bench-p3.so"
./bench-patched $p >> "$raw" || say "bench-patched failed"
if test $have_valgrind = yes; then
  rm -rf cg && mkdir cg
  # The runtime rewrites code: valgrind must check every block.
  if $VALGRIND --tool=callgrind --smc-check=all \
       --callgrind-out-file=cg/cg.out \
       ./bench-patched --callgrind 100000 $p > /dev/null 2> cg/log; then
    callgrind_ir cg
  else
    say "callgrind of bench-patched failed (cg/log)"
  fi
fi

# ---------------------------------------------------------------------
# malloc/free with and without the runtime.
# ---------------------------------------------------------------------

say "malloc: $BENCH_MALLOC_RUNS runs per variant"
for t in 1 2; do
  samples=malloc-$t.samples
  : > $samples
  r=0
  while test $r -lt "$BENCH_MALLOC_RUNS"; do
    if test `expr $r % 2` = 0; then order="without with"; else order="with without"; fi
    for v in $order; do
      if test $v = with; then
        out=`LD_PRELOAD=$LIBULP ./bench-malloc $t 500000 11`
        case $out in *libulp=1*) ;; *) say "libulp.so was not preloaded"; out= ;; esac
      else
        out=`./bench-malloc $t 500000 11`
      fi
      ns=`echo "$out" | sed -n 's/.*ns_per_pair=//p'`
      test -n "$ns" && echo "$r $v $ns" >> $samples
    done
    r=`expr $r + 1`
  done
  ./bench-stat malloc-ns@$t without < $samples >> "$raw"
  if test $have_valgrind = yes; then
    for v in without with; do
      rm -rf cg && mkdir cg
      if test $v = with; then pre="--trace-children=no"; env="LD_PRELOAD=$LIBULP"; else pre=; env=; fi
      env $env $VALGRIND --tool=callgrind $pre --callgrind-out-file=cg/cg.out \
        ./bench-malloc --callgrind $t 100000 > /dev/null 2> cg/log \
        && $AWK -v v=$v -v t=$t '/^desc: Trigger: Client Request:/ { split ($5, a, "/") }
             /^totals:/ { total = $2 }
             END { if (a[3] > 0) printf "IR malloc@%s %s %.3f\n", t, v, total / a[3] }' \
             cg/cg.out.1 >> "$raw"
    done
  fi
done

# ---------------------------------------------------------------------
# SQLite.
# ---------------------------------------------------------------------

sqlite_c=
find_sqlite ()
{
  if test -n "${ULP_SQLITE3_C:-}"; then
    if test -f "$ULP_SQLITE3_C" && test -f "`dirname "$ULP_SQLITE3_C"`/sqlite3.h"; then
      sqlite_c=$ULP_SQLITE3_C
      return 0
    fi
    na "sqlite all ULP_SQLITE3_C=$ULP_SQLITE3_C has no sqlite3.c with sqlite3.h beside it"
    return 1
  fi
  # The testsuite's copy (ulp.sqlite), if it fetched one.
  t=../testsuite/tmp/sqlite/src/package/deps/sqlite3/sqlite3.c
  if test -f $t && test -f `dirname $t`/sqlite3.h; then
    sqlite_c=`cd \`dirname $t\` && pwd`/sqlite3.c
    return 0
  fi
  c=sqlite/src/package/deps/sqlite3/sqlite3.c
  if test ! -f $c; then
    if ! command -v npm > /dev/null 2>&1; then
      na "sqlite all npm is not installed (set ULP_SQLITE3_C)"
      return 1
    fi
    say "fetching better-sqlite3 with npm pack"
    mkdir -p sqlite/src
    (cd sqlite/src && npm pack --silent better-sqlite3 > /dev/null 2>&1 \
       && tar -xzf better-sqlite3-*.tgz package/deps/sqlite3/sqlite3.c \
            package/deps/sqlite3/sqlite3.h)
    if test ! -f $c; then
      na "sqlite all npm pack better-sqlite3 failed (no network? set ULP_SQLITE3_C)"
      return 1
    fi
  fi
  sqlite_c=`pwd`/$c
}

sqlite_ok=no
if test "${BENCH_SKIP_SQLITE:-0}" = 1; then
  na "sqlite all BENCH_SKIP_SQLITE=1"
elif find_sqlite; then
  sqlite_ok=yes
fi

SQLITE_FLAGS="-O2 -fPIC -DSQLITE_THREADSAFE=1"
# The builds: plain and ulp (the specs file alone, as users build)
# always; BENCH_SQLITE_EXTRA adds ulp builds that tell where the cost
# goes: ie, desc, dynamic (boundary tracking with that TLS access) and
# entries (patchable entries only, no boundary tracking).
sqlite_flags ()
{
  case $1 in
    plain) echo "" ;;
    ulp) echo "$ULP_SPECS" ;;
    ie) echo "$ULP_SPECS -fplugin-arg-ulp-tls=initial-exec" ;;
    desc) echo "$ULP_SPECS -fplugin-arg-ulp-tls=desc" ;;
    dynamic) echo "$ULP_SPECS -fplugin-arg-ulp-tls=dynamic" ;;
    entries) echo "$ULP_SPECS -fplugin-arg-ulp-boundary=never" ;;
    # Plain builds without the interprocedural optimisations the plugin
    # switches off (gcc-plugin/ulp-ipa.cc), all of them or one: what
    # each costs, apart from the patchable entries.
    noipa) echo "$NOIPA_FLAGS" ;;
    noipa-*) echo "-fno-ipa-${1#noipa-}" ;;
  esac
}
NOIPA_FLAGS="-fno-ipa-ra -fno-ipa-icf -fno-ipa-modref -fno-ipa-pure-const
  -fno-ipa-sra -fno-ipa-stack-alignment -fno-ipa-vrp -fno-ipa-bit-cp
  -fno-ipa-reference -fno-ipa-reference-addressable"
# BENCH_IPA_COST=1 adds those builds (about 10 minutes more).
if test "${BENCH_IPA_COST:-0}" = 1; then
  BENCH_SQLITE_EXTRA="${BENCH_SQLITE_EXTRA-desc entries} noipa noipa-ra
    noipa-icf noipa-modref noipa-pure-const noipa-sra
    noipa-stack-alignment noipa-vrp noipa-bit-cp noipa-reference"
fi
sqlite_variants="plain ulp ${BENCH_SQLITE_EXTRA-desc entries}"
# The real-library table (real-libs.sh) needs the entries build.
case " $sqlite_variants " in
  *" entries "*) ;;
  *) sqlite_variants="$sqlite_variants entries" ;;
esac

if test $sqlite_ok = yes; then
  incdir=`dirname "$sqlite_c"`
  mkdir -p sqlite/orig
  for v in $sqlite_variants; do mkdir -p sqlite/$v; done
  # Compiled as sqlite3.c from its own directory, like the changed copy
  # for ulp-mkpatch below: both units then have the same name.
  cmp -s "$sqlite_c" sqlite/orig/sqlite3.c || cp "$sqlite_c" sqlite/orig/sqlite3.c
  record "INFO sqlite `sed -n 's/^#define SQLITE_VERSION  *"\(.*\)"/\1/p' "$incdir/sqlite3.h"` ($sqlite_c)"

  # Compile times: plain and ulp at once, one per core, the order of
  # starting swapped every pair; CPU time (user + system) of the
  # compiler processes.  The first pair's objects are kept.
  say "sqlite: $BENCH_COMPILE_PAIRS compile pairs (30 to 80 s each here)"
  : > compile.samples
  k=0
  while test $k -lt "$BENCH_COMPILE_PAIRS"; do
    if test `expr $k % 2` = 0; then order="plain ulp"; else order="ulp plain"; fi
    for v in $order; do
      if test $k = 0; then o=../$v.o; else o=../tmp-$v.o; fi
      (cd sqlite/orig && ../../bench-stat --time $CC `sqlite_flags $v` \
         $SQLITE_FLAGS -c sqlite3.c -o $o > ../t-$v) &
    done
    wait
    for v in plain ulp; do
      $AWK -v k=$k -v v=$v '/^CPU/ { print k, v, $2 + $3 }' sqlite/t-$v >> compile.samples
    done
    k=`expr $k + 1`
  done
  rm -f sqlite/tmp-plain.o sqlite/tmp-ulp.o
  ./bench-stat sqlite-compile-s plain < compile.samples >> "$raw"

  # The other builds, two at a time.
  extra=`echo " $sqlite_variants " | sed 's/ plain / /; s/ ulp / /'`
  set -- $extra
  while test $# -gt 0; do
    say "sqlite: compiling the $1${2:+ and $2} build${2:+s}"
    for v in $1 ${2:-}; do
      (cd sqlite/orig && $CC `sqlite_flags $v` $SQLITE_FLAGS -c sqlite3.c \
         -o ../$v.o) &
    done
    wait
    shift; test $# -gt 0 && shift
  done

  for v in $sqlite_variants; do
    if test -f sqlite/$v.o \
       && $CC `sqlite_flags $v` -shared -Wl,--build-id -Wl,-soname,libsqlite3.so \
            -o sqlite/$v/libsqlite3.so sqlite/$v.o -lpthread -ldl -lm \
       && $CC -O2 -I"$incdir" $INCLUDES -o bench-sql-$v "$SRCDIR/bench-sql.c" \
            "$SRCDIR/bench-util.c" -Lsqlite/$v -lsqlite3 \
            -Wl,-rpath,`pwd`/sqlite/$v; then
      :
    else
      na "sqlite all the $v build of SQLite failed"
      sqlite_ok=no
    fi
  done
fi

if test $sqlite_ok = yes; then
  # Text sizes: .text alone, and everything read-only the object maps
  # (size's "text": code, read-only data, and ulp's metadata).
  for v in $sqlite_variants; do
    $SIZE -A sqlite/$v/libsqlite3.so | $AWK -v v=$v '$1 == ".text" { print "SIZE sqlite-text", v, $2 }' >> "$raw"
    $SIZE sqlite/$v/libsqlite3.so | $AWK -v v=$v 'NR == 2 { print "SIZE sqlite-textseg", v, $1 }' >> "$raw"
  done

  say "sqlite: $BENCH_SQL_RUNS workload runs per build"
  : > sql.samples
  : > sql.checks
  r=0
  order=$sqlite_variants
  while test $r -lt "$BENCH_SQL_RUNS"; do
    for v in $order; do
      out=`./bench-sql-$v`
      echo "$out" | $AWK -v r=$r -v v=$v '/^TIME/ { print r, v, $2 / 1e6 }' >> sql.samples
      echo "$out" | sed -n 's/^CHECK //p' >> sql.checks
    done
    # Rotate, so that every build runs in every position.
    set -- $order
    first=$1; shift
    order="$* $first"
    r=`expr $r + 1`
  done
  ./bench-stat sqlite-run-ms plain < sql.samples >> "$raw"
  if test `sort -u sql.checks | wc -l` = 1; then
    record "INFO sqlite-check every run of every build gave the same results"
  else
    record "INFO sqlite-check RESULTS DIFFER between runs: `sort -u sql.checks | tr '\n' ' '`"
  fi
  if test $have_valgrind = yes; then
    set -- $sqlite_variants
    while test $# -gt 0; do
      for v in $1 ${2:-}; do
        ( $VALGRIND --tool=callgrind --callgrind-out-file=sqlite/cg-$v.out \
            ./bench-sql-$v > /dev/null 2> sqlite/cg-$v.log \
          && $AWK -v v=$v '/^totals:/ { print "IR sqlite-run", v, $2 }' \
               sqlite/cg-$v.out > sqlite/ir-$v ) &
      done
      wait
      shift; test $# -gt 0 && shift
    done
    for v in $sqlite_variants; do cat sqlite/ir-$v >> "$raw" 2> /dev/null; done
  fi
fi

# ---------------------------------------------------------------------
# Real libraries: SQLite (from above), libxml2 and leveldb, each plain,
# with entries only and with the plugin's defaults (real-libs.sh).
# ---------------------------------------------------------------------

if test "${BENCH_SKIP_REAL:-0}" = 1; then
  na "real-all all BENCH_SKIP_REAL=1"
elif command -v bash > /dev/null 2>&1; then
  say "real libraries: SQLite, libxml2, leveldb"
  RAW=$raw BENCH_SQLITE_DONE=$sqlite_ok CC=$CC CXX=$CXX NM=$NM SIZE=$SIZE \
    AWK=$AWK VALGRIND=$VALGRIND ULP_SPECS=$ULP_SPECS SRCDIR=$SRCDIR \
    bash "$SRCDIR/real-libs.sh" || say "real-libs.sh failed"
else
  na "real-all all bash is not installed"
fi

# ---------------------------------------------------------------------
# redis: Debian's server built plain and with the plugin, under
# redis-benchmark (redis-bench.sh).
# ---------------------------------------------------------------------

if test "${BENCH_SKIP_REAL:-0}" = 1; then
  na "real-redis all BENCH_SKIP_REAL=1"
else
  say "redis: plain and full builds under redis-benchmark"
  RAW=$raw CC=$CC ULP_SPECS=$ULP_SPECS \
    bash "$SRCDIR/redis-bench.sh" || say "redis-bench.sh failed"
fi

# ---------------------------------------------------------------------
# Apply and revert: the runtime's API in the process itself, then
# ulp-apply from outside.
# ---------------------------------------------------------------------

gen="`pwd`/gen"
say "apply: the runtime's API, $BENCH_APPLY_ROUNDS rounds"
for n in 1 4 16 512; do
  ./bench-target self $n "$BENCH_APPLY_ROUNDS" $gen/gen-patch-1.so \
    $gen/gen-patch-100.so $gen/gen-patch-1000.so >> "$raw" \
    || say "bench-target self $n failed"
done

if test -x "$TOOLS/ulp-apply"; then
  say "apply: ulp-apply, $BENCH_APPLY_ROUNDS rounds"
  ./bench-apply "$TOOLS/ulp-apply" ./bench-target $gen \
    "$BENCH_APPLY_ROUNDS" 1 4 16 512 4:4 >> "$raw" || na "apply all bench-apply failed"
  ./bench-apply --all "$TOOLS/ulp-apply" ./bench-target $gen 200 >> "$raw" \
    || na "all-ms@200 200procs bench-apply --all failed"
else
  na "apply all ulp-apply not built"
fi

# ---------------------------------------------------------------------
# ulp-mkpatch on a one-function change of SQLite.
# ---------------------------------------------------------------------

if test ! -x "$TOOLS/ulp-mkpatch"; then
  na "mkpatch-s sqlite ulp-mkpatch not built"
elif test $sqlite_ok != yes; then
  na "mkpatch-s sqlite no SQLite build"
else
  mkdir -p sqlite/patched
  sed 's/sqlite3_libversion_number(void){ return SQLITE_VERSION_NUMBER; }/sqlite3_libversion_number(void){ return SQLITE_VERSION_NUMBER + 1; }/' \
    "$sqlite_c" > sqlite/patched/sqlite3.c
  if cmp -s "$sqlite_c" sqlite/patched/sqlite3.c; then
    na "mkpatch-s sqlite could not make the one-function change"
  else
    say "mkpatch: compiling the changed SQLite"
    if (cd sqlite/patched && $CC $ULP_SPECS $SQLITE_FLAGS -c sqlite3.c -o ../patched.o); then
      : > mkpatch.samples
      for r in 1 2 3 4 5; do
        ./bench-stat --time "$TOOLS/ulp-mkpatch" -o sqlite/mk.so \
          --ldscript="$LDSCRIPT" \
          --target sqlite/ulp/libsqlite3.so sqlite/ulp.o sqlite/patched.o \
          > sqlite/t-mk 2> sqlite/mk.log \
          && $AWK -v r=$r '/^CPU/ { print r, "ulp-mkpatch", $4 }' sqlite/t-mk >> mkpatch.samples
      done
      if test -s mkpatch.samples; then
        ./bench-stat mkpatch-s ulp-mkpatch < mkpatch.samples >> "$raw"
      else
        na "mkpatch-s sqlite ulp-mkpatch failed: `head -1 sqlite/mk.log`"
      fi
    else
      na "mkpatch-s sqlite the changed SQLite did not compile"
    fi
  fi
fi

record "INFO load `cut -d' ' -f1-3 /proc/loadavg` (1, 5, 15 min) at the end"
record "INFO elapsed `expr \`date +%s\` - $start` s"
$AWK -f "$SRCDIR/report.awk" "$raw" | tee results.txt
