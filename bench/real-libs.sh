#! /bin/bash
# real-libs.sh -- real libraries built plain, with ulp's entries only,
# and with ulp's defaults: instructions, run time, exports and .text.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run by run-bench.sh (bash for $EPOCHREALTIME: the leveldb workload
# takes 70 ms, so time is taken to the microsecond).  Appends the
# machine-readable lines of bench-util.h to $RAW:
#   IR real-W V TOTAL           callgrind's total Ir of one run of
#                               workload W with variant V
#   CELL real-W-ms V BASE ...   wall time per run, from bench-stat, with
#                               BASE plain and never
#   SIZE real-text-L V BYTES    .text of library L
#   SIZE real-dynfunc-L V N     exported dynamic function symbols
#                               (nm -D --defined-only, types T, W, i)
#   INFO real-symdiff-L-V ...   how many names differ from plain
#   INFO real-symadded-L-V ...  the first of them (and -symmissing-)
#   INFO real-check-W ...       whether every run printed the same
# Variants: plain (no plugin), never (the specs file and
# -fplugin-arg-ulp-boundary=never: patchable entries, no boundary
# tracking), full (the specs file alone, the plugin's defaults: tracked
# entries armed lazily, so unarmed here, as in a process never
# patched), eager (the specs file and -fplugin-arg-ulp-arming=eager:
# entries tracking from the start, as in a patched process; not for
# SQLite).
#
# libxml2 and leveldb are Debian 12's source packages, fetched with
# `apt-get source -t bookworm' (deb-src must be enabled; see the
# manual's "Benchmarks") into $ULP_CACHE_DIR/src, by default
# bench/cache/src in the build tree; the builds stay in the cache too
# and are redone only when the compiler, the plugin, the specs file or
# the linker script changed.  Every variant runs the same program: the
# plain build's xmllint, and one db_bench linked against the plain
# libleveldb.so, with LD_LIBRARY_PATH naming the variant's library.
# libxml2 is built the way upstream builds on Linux (its configure and
# libtool, Debian's patches applied, `autoreconf -fi', --without-python),
# leveldb with its CMake as a shared library (-DBUILD_SHARED_LIBS=ON,
# as Debian's second build); upstream's CMake builds db_bench only
# against the static library, so db_bench.cc and the helpers it needs
# are compiled here and linked with -lleveldb.  SQLite's figures come
# from run-bench.sh's own SQLite section (its "entries" and "ulp"
# builds are this table's never and full).
#
# Knobs: BENCH_REAL_RUNS (timed runs per variant and workload, 11),
# BENCH_SKIP_REAL=1, BENCH_REAL_LIBS ("libxml2 leveldb"),
# BENCH_XML_ITEMS (items in the generated document, 20000).

set -u

: "${CC:=gcc}" "${CXX:=g++}" "${NM:=nm}" "${SIZE:=size}" "${AWK:=awk}"
: "${VALGRIND:=valgrind}" "${APT_GET:=apt-get}"
: "${ULP_SPECS:?}" "${SRCDIR:?}" "${RAW:?}"
: "${BENCH_REAL_RUNS:=11}" "${BENCH_XML_ITEMS:=20000}"
: "${BENCH_REAL_LIBS:=sqlite libxml2 leveldb}"

here=`pwd`
cache=${ULP_CACHE_DIR:-$here/cache}
mkdir -p "$cache/src" || exit 1
cache=`cd "$cache" && pwd`
variants="plain never full eager"

say () { echo "real-libs: $*" >&2; }
record () { echo "$*" >> "$RAW"; }
na () { record "NA $*"; }

flags ()
{
  case $1 in
    plain) echo "" ;;
    never) echo "$ULP_SPECS -fplugin-arg-ulp-boundary=never" ;;
    full) echo "$ULP_SPECS" ;;
    eager) echo "$ULP_SPECS -fplugin-arg-ulp-arming=eager" ;;
  esac
}

# What a build depends on besides the sources: the compilers and, for
# the ulp variants, the plugin, the specs file and the linker script
# (read from the specs file).  A build whose stamp differs is redone.
specs_file=${ULP_SPECS#-specs=}
plugin=`sed -n 's/.*-fplugin=\([^ ]*\).*/\1/p' "$specs_file" | head -1`
ldscript=`sed -n 's/.*-T \([^ }]*\).*/\1/p' "$specs_file" | head -1`
tools_id=`{ $CC --version; $CXX --version; } 2>&1 | cksum`
ulp_id=`cat "$specs_file" "$plugin" "$ldscript" 2>/dev/null | cksum`
stamp_of ()
{
  if test "$1" = plain; then
    echo "tools $tools_id"
  else
    echo "tools $tools_id flags `flags $1` ulp $ulp_id"
  fi
}
# Whether directory $1 holds a finished build for variant $2.
fresh ()
{
  test -f "$1/.bench-stamp" && test "`cat "$1/.bench-stamp"`" = "`stamp_of $2`"
}

# Debian 12's source package $1, unpacked with its patches applied
# (apt-get source does both); prints its directory, or nothing after
# an NA line.
fetch ()
{
  local d=$cache/src/$1 got
  got=`ls -d "$d"/$1-*/debian 2>/dev/null | head -1`
  if test -z "$got"; then
    rm -rf "$d" && mkdir -p "$d"
    say "fetching $1 with apt-get source"
    if ! (cd "$d" && $APT_GET source -t bookworm "$1") > "$d.log" 2>&1; then
      na "real-$1 all apt-get source -t bookworm $1 failed (deb-src not enabled? `tail -1 "$d.log"`)"
      return 1
    fi
    got=`ls -d "$d"/$1-*/debian 2>/dev/null | head -1`
    if test -z "$got"; then
      na "real-$1 all apt-get source -t bookworm $1 unpacked nothing"
      return 1
    fi
  fi
  dirname "$got"
}

nm_funcs ()
{
  $NM -D --defined-only "$1" | $AWK '$2 ~ /^[TWi]$/ { print $3 }' | sort -u
}

# Sizes and exports of library $2 (file $3) for variant $1.
lib_facts ()
{
  local v=$1 lib=$2 file=$3
  $SIZE -A "$file" | $AWK -v v=$v -v l=$lib '$1 == ".text" { print "SIZE real-text-" l, v, $2 }' >> "$RAW"
  nm_funcs "$file" > "$here/real/$lib-$v.syms"
  record "SIZE real-dynfunc-$lib $v `wc -l < "$here/real/$lib-$v.syms"`"
  if test $v != plain; then
    local plus minus
    plus=`comm -13 "$here/real/$lib-plain.syms" "$here/real/$lib-$v.syms"`
    minus=`comm -23 "$here/real/$lib-plain.syms" "$here/real/$lib-$v.syms"`
    local np nm
    np=$(echo "$plus" | grep -c .)
    nm=$(echo "$minus" | grep -c .)
    record "INFO real-symdiff-$lib-$v $np added, $nm missing against plain"
    if test -n "$plus$minus"; then
      # The first few names; the full lists stay in real/.
      test -n "$plus" && record "INFO real-symadded-$lib-$v $(echo "$plus" | head -8 | tr '\n' ' ')$(test $np -gt 8 && echo ...)"
      test -n "$minus" && record "INFO real-symmissing-$lib-$v $(echo "$minus" | head -8 | tr '\n' ' ')$(test $nm -gt 8 && echo ...)"
      { echo "added:"; echo "$plus"; echo "missing:"; echo "$minus"; } > "$here/real/$lib-$v.symdiff"
    fi
  fi
}

mkdir -p "$here/real"

# ---------------------------------------------------------------------
# libxml2
# ---------------------------------------------------------------------

build_libxml2 ()
{
  local src base v b
  src=`fetch libxml2` || return 1
  base=$cache/libxml2
  mkdir -p "$base"
  # One autoreconf'ed copy of the source; every variant builds out of
  # it in a directory of its own.
  if ! test -f "$base/src/.bench-autoreconf" \
     || test "`cat "$base/src/.bench-autoreconf"`" != "$src"; then
    rm -rf "$base/src"
    cp -a "$src" "$base/src" || return 1
    say "libxml2: autoreconf -fi"
    if ! (cd "$base/src" && autoreconf -fi) > "$base/autoreconf.log" 2>&1; then
      na "real-libxml2 all autoreconf -fi failed ($base/autoreconf.log)"
      return 1
    fi
    echo "$src" > "$base/src/.bench-autoreconf"
    rm -rf "$base/plain" "$base/never" "$base/full" "$base/eager"
  fi
  for v in $variants; do
    b=$base/$v
    fresh "$b" $v && continue
    say "libxml2: building the $v variant"
    rm -rf "$b" && mkdir -p "$b"
    if ! (cd "$b" && ../src/configure --without-python --disable-static \
            CC="$CC `flags $v`" CFLAGS="-O2 -g" \
          && nice -n 10 make -j2 libxml2.la xmllint) > "$b.log" 2>&1; then
      na "real-libxml2 all the $v build failed ($b.log: `tail -1 "$b.log"`)"
      return 1
    fi
    stamp_of $v > "$b/.bench-stamp"
  done
  record "INFO real-libxml2 `basename "$src"` (Debian 12 source package), configure --without-python --disable-static, CFLAGS=-O2 -g"
  return 0
}

# ---------------------------------------------------------------------
# leveldb
# ---------------------------------------------------------------------

build_leveldb ()
{
  local src base v b so
  src=`fetch leveldb` || return 1
  base=$cache/leveldb
  mkdir -p "$base"
  for v in $variants; do
    b=$base/$v
    fresh "$b" $v && test -f "$b/.bench-src" \
      && test "`cat "$b/.bench-src"`" = "$src" && continue
    say "leveldb: building the $v variant"
    rm -rf "$b" && mkdir -p "$b"
    if ! (cd "$b" && CC="$CC `flags $v`" CXX="$CXX `flags $v`" \
            cmake -S "$src" -B . -DBUILD_SHARED_LIBS=ON \
              -DLEVELDB_BUILD_TESTS=OFF -DLEVELDB_BUILD_BENCHMARKS=OFF \
              -DLEVELDB_INSTALL=OFF -DCMAKE_BUILD_TYPE=None \
              "-DCMAKE_CXX_FLAGS=-O2 -g -DNDEBUG" "-DCMAKE_C_FLAGS=-O2 -g -DNDEBUG" \
          && nice -n 10 make -j2 leveldb) > "$b.log" 2>&1; then
      na "real-leveldb all the $v build failed ($b.log: `tail -1 "$b.log"`)"
      return 1
    fi
    echo "$src" > "$b/.bench-src"
    stamp_of $v > "$b/.bench-stamp"
  done
  # db_bench, against the shared library (the plain build's headers and
  # port_config.h; every variant has the same).  Its helpers that the
  # shared library keeps hidden (crc32c, used only by the crc32c
  # benchmark) are compiled in, as upstream's static db_bench has them.
  b=$base/db_bench
  if ! test -x "$b" || test "$base/plain/.bench-stamp" -nt "$b"; then
    if ! $CXX -O2 -g -DNDEBUG -DLEVELDB_PLATFORM_POSIX=1 \
           -DLEVELDB_SHARED_LIBRARY -I"$src/include" -I"$src" \
           -I"$base/plain/include" -o "$b" "$src/benchmarks/db_bench.cc" \
           "$src/util/histogram.cc" "$src/util/testutil.cc" \
           "$src/util/crc32c.cc" -L"$base/plain" -lleveldb -pthread \
           > "$base/db_bench.log" 2>&1; then
      na "real-leveldb all db_bench did not build ($base/db_bench.log)"
      return 1
    fi
  fi
  snappy=`sed -n 's/^HAVE_SNAPPY:INTERNAL=\(.*\)/\1/p' "$base/plain/CMakeCache.txt"`
  record "INFO real-leveldb `basename "$src"` (Debian 12 source package), CMake -DBUILD_SHARED_LIBS=ON, -O2 -g -DNDEBUG, snappy ${snappy:-not found (no compression)}"
  return 0
}

# ---------------------------------------------------------------------
# The workloads.
# ---------------------------------------------------------------------

# Workload W's command for variant V: sets `libdir' and `cmd'.
xml_file=$here/real/bench.xml
xpath_query="count(//*[local-name()='item'][@type='red']/*[local-name()='tags']/*)"
workload ()
{
  case $1 in
    xml-*)
      libdir=$cache/libxml2/$2/.libs
      local x=$cache/libxml2/plain/.libs/xmllint
      case $1 in
        xml-stream) cmd=("$x" --stream --noout "$xml_file") ;;
        xml-dom) cmd=("$x" --noout "$xml_file") ;;
        xml-xpath) cmd=("$x" --xpath "$xpath_query" "$xml_file") ;;
      esac ;;
    leveldb)
      libdir=$cache/leveldb/$2
      rm -rf "$here/real/db-$2"
      cmd=("$cache/leveldb/db_bench" --benchmarks=fillseq,fillrandom,readrandom,readseq
           --num=20000 --db="$here/real/db-$2") ;;
  esac
}

# What a run printed that must not differ between runs and variants.
check_output ()
{
  case $1 in
    leveldb) grep -o '([0-9]* of [0-9]* found)' ;;
    *) cat ;;
  esac
}

workloads=
for lib in $BENCH_REAL_LIBS; do
  case $lib in
    sqlite)
      # run-bench.sh built and timed SQLite already (plain, entries,
      # ulp: this table's plain, never, full) and left its samples and
      # callgrind totals behind; they are only renamed here.
      sq=
      for v in plain entries ulp; do
        test -f "$here/sqlite/$v/libsqlite3.so" && test -f "$here/sqlite/ir-$v" || sq=no
      done
      if test "${BENCH_SQLITE_DONE:-no}" = yes && test -z "$sq" \
         && test -s "$here/sql.samples"; then
        for v in $variants; do
          case $v in never) s=entries ;; full) s=ulp ;; eager) continue ;; *) s=$v ;; esac
          lib_facts $v sqlite "$here/sqlite/$s/libsqlite3.so"
          $AWK -v v=$v '{ print "IR real-sqlite", v, $4 }' "$here/sqlite/ir-$s" >> "$RAW"
        done
        $AWK '$2 == "entries" { $2 = "never" } $2 == "ulp" { $2 = "full" }
              $2 ~ /^(plain|never|full)$/' "$here/sql.samples" > "$here/real/sqlite.samples"
        ./bench-stat real-sqlite-ms plain < "$here/real/sqlite.samples" >> "$RAW"
        ./bench-stat real-sqlite-ms never < "$here/real/sqlite.samples" >> "$RAW"
        if grep -q "^INFO sqlite-check every run" "$RAW"; then
          record "INFO real-check-sqlite every run of every variant printed the same"
        fi
      else
        na "real-sqlite all no SQLite builds with entries (run-bench.sh's SQLite section did not run)"
      fi ;;
    libxml2)
      if build_libxml2; then
        for v in $variants; do
          lib_facts $v libxml2 "$cache/libxml2/$v/.libs/libxml2.so.2"
        done
        sh "$SRCDIR/gen-xml.sh" "$BENCH_XML_ITEMS" > "$xml_file"
        record "INFO real-xml-file `wc -c < "$xml_file"` bytes, $BENCH_XML_ITEMS items (gen-xml.sh); XPath $xpath_query"
        workloads="$workloads xml-stream xml-dom xml-xpath"
      fi ;;
    leveldb)
      if build_leveldb; then
        for v in $variants; do
          lib_facts $v leveldb "`ls "$cache/leveldb/$v"/libleveldb.so.*.*.* | head -1`"
        done
        workloads="$workloads leveldb"
      fi ;;
    *) say "unknown library $lib" ;;
  esac
done

# Timed runs: every round runs every workload with every variant, the
# variants' order rotated each round so that each runs in each place.
say "timing$workloads: $BENCH_REAL_RUNS rounds"
for w in $workloads; do : > "$here/real/$w.samples"; : > "$here/real/$w.checks"; done
r=0
order=$variants
while test $r -lt "$BENCH_REAL_RUNS"; do
  for w in $workloads; do
    for v in $order; do
      workload $w $v
      t0=$EPOCHREALTIME
      LD_LIBRARY_PATH=$libdir "${cmd[@]}" > "$here/real/out" 2> "$here/real/err"
      st=$?
      t1=$EPOCHREALTIME
      if test $st != 0; then
        say "$w ($v) failed: `tail -1 "$here/real/err"`"
        echo "FAILED $v" >> "$here/real/$w.checks"
        continue
      fi
      echo "$r $v $t0 $t1" | $AWK '{ printf "%s %s %.3f\n", $1, $2, ($4 - $3) * 1000 }' \
        >> "$here/real/$w.samples"
      check_output $w < "$here/real/out" | cksum >> "$here/real/$w.checks"
    done
  done
  set -- $order
  first=$1; shift
  order="$* $first"
  r=`expr $r + 1`
done
for w in $workloads; do
  ./bench-stat real-$w-ms plain < "$here/real/$w.samples" >> "$RAW"
  ./bench-stat real-$w-ms never < "$here/real/$w.samples" >> "$RAW"
  if test `sort -u "$here/real/$w.checks" | wc -l` = 1; then
    record "INFO real-check-$w every run of every variant printed the same"
  else
    record "INFO real-check-$w OUTPUTS DIFFER between runs or variants"
  fi
done

# Instructions: one run of each under callgrind, two at a time.
if "$VALGRIND" --version > /dev/null 2>&1; then
  jobs=
  for w in $workloads; do
    for v in $variants; do jobs="$jobs $w/$v"; done
  done
  say "callgrind:$jobs"
  set -- $jobs
  while test $# -gt 0; do
    for j in $1 ${2:-}; do
      w=${j%/*} v=${j#*/}
      (
        workload $w $v
        o=$here/real/cg-$w-$v
        if LD_LIBRARY_PATH=$libdir $VALGRIND --tool=callgrind \
             --callgrind-out-file=$o.out "${cmd[@]}" > /dev/null 2> $o.log; then
          $AWK -v w=$w -v v=$v '/^totals:/ { print "IR real-" w, v, $2 }' $o.out > $o.ir
        else
          echo "NA real-$w $v callgrind failed ($o.log)" > $o.ir
        fi
      ) &
    done
    wait
    shift; test $# -gt 0 && shift
  done
  for w in $workloads; do
    for v in $variants; do cat "$here/real/cg-$w-$v.ir" >> "$RAW"; done
  done
else
  na "real-all all valgrind is not installed: no instruction counts"
fi
exit 0
