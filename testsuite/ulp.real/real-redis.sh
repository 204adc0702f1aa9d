#!/bin/sh
# real-redis.sh -- build Debian 12's redis twice with ulp, as Debian
# builds it: before and after its fix of CVE-2025-32023.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: real-redis.sh CACHE WORK SPECS [PATCH]
#
# Fetches the redis source package into CACHE once (apt-get source,
# deb-src must be enabled) and unpacks it twice: WORK/orig with its
# patch series pushed up to the patch before PATCH
# (0006-CVE-2025-32023.patch unless given), WORK/patched with PATCH
# too.  Builds both with debian/rules build, Debian's own build flags
# and make variables (system jemalloc, systemd, TLS; the bundled
# hiredis, Lua, linenoise and hdr_histogram), with the ulp specs file
# SPECS appended to every compile and link (DEB_CFLAGS_APPEND,
# DEB_LDFLAGS_APPEND) and without running the test suite.  Both trees
# are built in place, from the same relative paths, so that unchanged
# objects are the same bytes (Debian's -ffile-prefix-map).  Logs are in
# WORK/logs.  Exits non-zero when a step fails, naming it.

set -eu

cache=$1 work=$2 specs=$3
fix=${4:-0006-CVE-2025-32023.patch}
jobs=${ULP_REAL_JOBS:-2}

mkdir -p "$cache" "$work"
work=$(cd "$work" && pwd)
cache=$(cd "$cache" && pwd)
logs=$work/logs
rm -rf "$logs" "$work/orig" "$work/patched" "$work/src"
mkdir -p "$logs" "$work/src"

step () { echo "real-redis: $*"; }
die () { echo "real-redis: $*" >&2; exit 1; }

if ! ls "$cache"/redis_*.dsc > /dev/null 2>&1; then
  step "fetching redis's source package"
  (cd "$cache" && apt-get source -q -t bookworm --download-only redis) \
    > "$logs/fetch" 2>&1 \
    || die "apt-get source redis failed (deb-src enabled?): $(tail -1 "$logs/fetch")"
fi
dsc=$(ls "$cache"/redis_*.dsc | sort | tail -1)
export QUILT_PATCHES=debian/patches QUILT_PC=.pc

step "unpacking $(basename "$dsc")"
dpkg-source --skip-patches -x "$dsc" "$work/src/tree" > "$logs/unpack" 2>&1 \
  || die "dpkg-source -x failed: $(tail -1 "$logs/unpack")"
series=$work/src/tree/debian/patches/series
grep -qx "$fix" "$series" || die "$fix is not in the series"
before=$(grep -v '^#' "$series" | grep -B1 -x "$fix" | head -1)
[ "$before" != "$fix" ] || die "$fix is the first patch of the series"

for t in orig patched; do
  cp -a "$work/src/tree" "$work/$t"
  if [ $t = orig ]; then upto=$before; else upto=$fix; fi
  (cd "$work/$t" && quilt push -q "$upto") > "$logs/quilt-$t" 2>&1 \
    || die "quilt push $upto in $t failed: $(tail -1 "$logs/quilt-$t")"
done

for t in orig patched; do
  step "building $t (debian/rules build)"
  (cd "$work/$t" \
   && DEB_BUILD_OPTIONS="nocheck parallel=$jobs" \
      DEB_CFLAGS_APPEND="-specs=$specs" DEB_LDFLAGS_APPEND="-specs=$specs" \
      debian/rules build) > "$logs/build-$t" 2>&1 \
    || die "debian/rules build of $t failed: $(tail -1 "$logs/build-$t")"
  [ -x "$work/$t/src/redis-server" ] || die "$t built no src/redis-server"
done
step "built $work/orig and $work/patched"
