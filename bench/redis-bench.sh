#! /bin/bash
# redis-bench.sh -- Debian 12's redis server built plain and with ulp,
# under redis-benchmark: requests per second and the server's CPU time.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run by run-bench.sh (bash for $EPOCHREALTIME).  Fetches the redis
# source package into $ULP_CACHE_DIR/src (apt-get source -t bookworm:
# deb-src must be enabled) and builds it twice with debian/rules build,
# as Debian builds it: plain, and full (the specs file appended to every
# compile and link, DEB_CFLAGS_APPEND and DEB_LDFLAGS_APPEND; the
# plugin's defaults).  A build is redone only when the compiler, the
# plugin, the specs file or the linker script changed.  Each round
# starts each variant's server on 127.0.0.1 in turn (the order rotated
# every round), runs the plain build's redis-benchmark against it (8
# clients, $BENCH_REDIS_REQUESTS requests of each of SET, GET, INCR,
# LPUSH, LPOP, SADD, HSET, ZADD, PFADD) and takes the benchmark's wall
# time and the server's CPU time (/proc/PID/schedstat, nanoseconds),
# then stops the server.  The server is never patched: this is what a
# build with the plugin costs a server that runs as it is.  Appends to
# $RAW:
#   CELL real-redis-wall V plain ...   the benchmark's wall time, ms
#   CELL real-redis-cpu V plain ...    the server's CPU time, ms
#   INFO real-redis ...                what was run
#   INFO real-redis-check ...          whether every run succeeded
# Knobs: BENCH_REDIS_RUNS (rounds, 7), BENCH_REDIS_REQUESTS (100000).

set -u

: "${CC:=gcc}" "${APT_GET:=apt-get}"
: "${ULP_SPECS:?}" "${RAW:?}"
: "${BENCH_REDIS_RUNS:=7}" "${BENCH_REDIS_REQUESTS:=100000}"

here=`pwd`
cache=${ULP_CACHE_DIR:-$here/cache}
mkdir -p "$cache/src" "$here/real" || exit 1
cache=`cd "$cache" && pwd`
variants="plain full"
tests=set,get,incr,lpush,lpop,sadd,hset,zadd,pfadd

say () { echo "redis-bench: $*" >&2; }
record () { echo "$*" >> "$RAW"; }
na () { record "NA real-redis all $*"; }

specs_file=${ULP_SPECS#-specs=}
plugin=`sed -n 's/.*-fplugin=\([^ ]*\).*/\1/p' "$specs_file" | head -1`
ldscript=`sed -n 's/.*-T \([^ }]*\).*/\1/p' "$specs_file" | head -1`
stamp_of ()
{
  echo "tools `$CC --version 2>&1 | cksum`"
  test "$1" = plain || echo "ulp `cat "$specs_file" "$plugin" "$ldscript" 2>/dev/null | cksum`"
}

# The source package, fetched once, unpacked with its patches.
src=`ls -d "$cache"/src/redis/redis-*/debian 2>/dev/null | head -1`
if test -z "$src"; then
  rm -rf "$cache/src/redis" && mkdir -p "$cache/src/redis"
  say "fetching redis with apt-get source"
  if ! (cd "$cache/src/redis" && $APT_GET source -t bookworm redis) \
       > "$cache/src/redis.log" 2>&1; then
    na "apt-get source -t bookworm redis failed (deb-src not enabled? `tail -1 "$cache/src/redis.log"`)"
    exit 0
  fi
  src=`ls -d "$cache"/src/redis/redis-*/debian 2>/dev/null | head -1`
fi
if test -z "$src" || ! command -v dh > /dev/null; then
  na "no redis source package, or no debhelper to build it"
  exit 0
fi
src=`dirname "$src"`

for v in $variants; do
  d=$cache/redis/$v
  if test -f "$d/.bench-stamp" && test "`cat "$d/.bench-stamp"`" = "`stamp_of $v`"; then
    continue
  fi
  say "building redis ($v) with debian/rules build"
  rm -rf "$d" && mkdir -p "$cache/redis" && cp -a "$src" "$d" || exit 1
  extra=
  test $v = plain || extra=$ULP_SPECS
  if ! (cd "$d" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
          DEB_CFLAGS_APPEND="$extra" DEB_LDFLAGS_APPEND="$extra" \
          debian/rules build) > "$d.log" 2>&1; then
    na "debian/rules build ($v) failed: `tail -1 "$d.log"`"
    exit 0
  fi
  stamp_of $v > "$d/.bench-stamp"
done

client=$cache/redis/plain/src/redis-benchmark
cli=$cache/redis/plain/src/redis-cli
port=$((18000 + $$ % 1000))
record "INFO real-redis redis `basename "$src" | sed 's/^redis-//'`, Debian's debian/rules build; redis-benchmark -c 8 -n $BENCH_REDIS_REQUESTS -t $tests; $BENCH_REDIS_RUNS rounds"

# One run of variant $1 in round $2: appends to the samples.
run_one ()
{
  local v=$1 r=$2 pid i t0 t1 c0 c1
  "$cache/redis/$v/src/redis-server" --port $port --bind 127.0.0.1 \
    --save "" --appendonly no --daemonize no > "$here/real/redis-$v.log" 2>&1 &
  pid=$!
  for i in `seq 100`; do
    test "`$cli -p $port ping 2>/dev/null`" = PONG && break
    sleep 0.05
  done
  c0=`cut -d' ' -f1 /proc/$pid/schedstat 2>/dev/null`
  t0=$EPOCHREALTIME
  if ! $client -p $port -c 8 -n $BENCH_REDIS_REQUESTS -t $tests -q \
         > "$here/real/redis-out" 2>&1 \
       || grep -qi error "$here/real/redis-out"; then
    echo "FAILED $v" >> "$here/real/redis.checks"
  else
    echo ok >> "$here/real/redis.checks"
  fi
  t1=$EPOCHREALTIME
  c1=`cut -d' ' -f1 /proc/$pid/schedstat 2>/dev/null`
  $cli -p $port shutdown nosave > /dev/null 2>&1
  wait $pid 2> /dev/null
  echo "$r $v $t0 $t1" | awk '{ printf "%s %s %.3f\n", $1, $2, ($4 - $3) * 1000 }' \
    >> "$here/real/redis-wall.samples"
  if test -n "$c0" && test -n "$c1"; then
    echo "$r $v $c0 $c1" | awk '{ printf "%s %s %.3f\n", $1, $2, ($4 - $3) / 1e6 }' \
      >> "$here/real/redis-cpu.samples"
  fi
}

say "timing: $BENCH_REDIS_RUNS rounds"
: > "$here/real/redis-wall.samples"
: > "$here/real/redis-cpu.samples"
: > "$here/real/redis.checks"
order=$variants
r=0
while test $r -lt "$BENCH_REDIS_RUNS"; do
  for v in $order; do
    run_one $v $r
  done
  set -- $order
  first=$1; shift
  order="$* $first"
  r=`expr $r + 1`
done
./bench-stat real-redis-wall plain < "$here/real/redis-wall.samples" >> "$RAW"
./bench-stat real-redis-cpu plain < "$here/real/redis-cpu.samples" >> "$RAW"
if grep -q FAILED "$here/real/redis.checks"; then
  record "INFO real-redis-check SOME RUNS FAILED: `grep -c FAILED "$here/real/redis.checks"`"
else
  record "INFO real-redis-check every run of every variant succeeded"
fi
