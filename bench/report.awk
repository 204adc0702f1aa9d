# report.awk -- turn results.raw into the benchmark table.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Input lines (bench-util.h, run-bench.sh):
#   CELL KEY VARIANT BASE N MEDIAN Q1 Q3 RATIO RQ1 RQ3 DELTA DQ1 DQ3
#   IR KEY VARIANT INSTRUCTIONS     (per call, or per run)
#   SIZE KEY VARIANT BYTES
#   NA KEY VARIANT REASON...        (a figure that could not be measured)
#   INFO KEY TEXT...
# Every figure is a median; [a, b] are the quartiles over the rounds.
# Targets are those of issue 6; "used" says how much of the allowance
# a met target takes.

$1 == "CELL" {
  k = $2 SUBSEP $3 SUBSEP $4
  have[k] = 1
  n[k] = $5; med[k] = $6; q1[k] = $7; q3[k] = $8
  rat[k] = $9; rq1[k] = $10; rq3[k] = $11
  del[k] = $12; dq1[k] = $13; dq3[k] = $14
  next
}
$1 == "IR" { ir[$2 SUBSEP $3] = $4; next }
$1 == "SIZE" { sz[$2 SUBSEP $3] = $4; next }
$1 == "NA" {
  r = $0; sub (/^NA [^ ]+ [^ ]+ /, "", r)
  na[$2 SUBSEP $3] = r
  if ($3 == "all")
    na_all[$2] = r
  next
}
$1 == "INFO" {
  r = $0; sub (/^INFO [^ ]+ /, "", r)
  # Test before assigning: some awks create info[$2] first.
  old = ($2 in info) ? info[$2] "; " : ""
  info[$2] = old r
  if ($2 == "patched") {
    sel[$3] = $4 " " $5
    if ($8 ~ /^tls=/) { patched_tls = $8; sub (/^tls=/, "", patched_tls) }
  }
  next
}

function c (key, var, base) { return key SUBSEP var SUBSEP base }

function f (x, d) { return sprintf ("%." d "f", x) }

# "MEDIAN [Q1, Q3]".
function mq (k, d) { return f(med[k], d) " [" f(q1[k], d) ", " f(q3[k], d) "]" }
function rq (k) { return f(rat[k], 3) " [" f(rq1[k], 3) ", " f(rq3[k], 3) "]" }
function dq (k, d) {
  return sprintf ("%+." d "f [%+." d "f, %+." d "f]", del[k], dq1[k], dq3[k])
}

# Verdict for VALUE against an upper LIMIT (same unit).
function verdict (value, limit) {
  if (value == "" || limit == "")
    return ""
  if (value <= limit) {
    if (limit > 0)
      return sprintf ("met (uses %d%%)", value > 0 ? 100 * value / limit + 0.5 : 0)
    return "met"
  }
  return sprintf ("MISSED (%s, limit %s)", f(value, 2), f(limit, 2))
}

# The same for a ratio to a baseline of 1: the allowance is LIMIT - 1.
function verdict_ratio (value, limit) {
  if (value == "")
    return ""
  if (value <= limit)
    return sprintf ("met (uses %d%%)", value > 1 ? 100 * (value - 1) / (limit - 1) + 0.5 : 0)
  return sprintf ("MISSED (%s, limit %g)", f(value, 3), limit)
}

function header (title) {
  printf "\n== %s\n", title
}

function na_line (key, var) {
  if ((key SUBSEP var) in na)
    return na[key, var]
  if ((key SUBSEP "all") in na)
    return na[key, "all"]
  return ""
}

END {
  print "ulp benchmarks"
  printf "  date:     %s\n", info["date"]
  printf "  machine:  %s\n", info["cpu"]
  printf "  system:   %s; %s\n", info["system"], info["compiler"]
  printf "  load:     %s\n", info["load"]
  printf "  elapsed:  %s\n", info["elapsed"]
  print "Figures are medians over rounds with [first, third quartile]; ratios and"
  print "differences are taken per round between variants run side by side, then"
  print "the median is taken.  Ir: instructions per call counted by callgrind."

  # ----------------------------------------------------------------- Calls
  header("Calls: ns per call; ratio and difference to the plain build (no plugin)")
  printf "%-16s %-8s %-22s %-24s %-26s %6s %5s  %s\n", "call", "build", \
    "ns", "ratio to plain", "delta ns", "Ir", "dIr", "target: verdict"
  nrows = split ("internal-direct internal-ptr internal-export internal-plt " \
                 "export-direct export-ptr dlopen-ptr", rows, " ")
  nb = split ("plain entries ie desc dynamic", builds, " ")
  for (i = 1; i <= nrows; i++) {
    row = rows[i]
    for (j = 1; j <= nb; j++) {
      b = builds[j]
      k = c(row, b, "plain")
      if (!(k in have)) {
        printf "%-16s %-8s not measured\n", row, b
        continue
      }
      irv = ((row SUBSEP b) in ir) ? ir[row, b] : ""
      irp = ((row SUBSEP "plain") in ir) ? ir[row, "plain"] : ""
      # Whole instructions: the loop's one-off instructions add a few
      # thousandths per call.
      dirn = (irv != "" && irp != "") ? int (irv - irp + (irv >= irp ? 0.5 : -0.5)) : ""
      dir = dirn != "" ? sprintf ("%+d", dirn) : "-"
      t = ""
      if (b != "plain") {
        if (row == "internal-plt" && dirn != "" && b != "entries")
          t = "<= +5 Ir over entries: " verdict(irv - ir[row, "entries"], 5)
        else if (row ~ /^internal/ && dirn != "")
          t = "<= +1 Ir: " verdict(dirn, 1)
        else if (row ~ /^export/ && b != "entries")
          t = "<= +0.5 ns: " verdict(del[k], 0.5)
        else if (row == "dlopen-ptr" && b != "entries")
          t = "<= +1.5 ns: " verdict(del[k], 1.5)
      }
      printf "%-16s %-8s %-22s %-24s %-26s %6s %5s  %s\n", row, b, mq(k, 2), \
        (b == "plain" ? "1" : rq(k)), (b == "plain" ? "0" : dq(k, 2)), \
        (irv == "" ? "-" : f(irv, 1)), (b == "plain" ? "" : dir), t
    }
  }
  print "  builds: plain = no plugin; entries = plugin, -fplugin-arg-ulp-boundary=never"
  print "  (patchable entries, no boundary tracking); ie, desc, dynamic = boundary tracking"
  print "  with -fplugin-arg-ulp-tls=initial-exec, =desc (TLS descriptors), =dynamic"
  print "  (__tls_get_addr).  internal-export: the library calls its own exported function"
  print "  (same unit); internal-plt: one of another unit, through the PLT (the nested"
  print "  entry's cost, target <= 5 instructions over entries only).  export-* call the library linked at start from the"
  print "  application; dlopen-ptr calls its dlopen'ed copy through the dlsym pointer."

  # -------------------------------------------------------- Patched calls
  header("Patched calls (plugin defaults" (patched_tls != "" ? ", TLS " patched_tls : "") \
         "; linked at start; libulp.so loaded): ns per call")
  printf "%-22s %-12s %-22s %-26s %-26s %6s %6s  %-13s %s\n", "call", "state", \
    "ns patched", "delta to unpatched twin", "delta to plain", "dIr tw", \
    "dIr pl", "selection", "target: verdict"
  split ("patched-internal patched-export-ptr patched-export-direct", prow, " ")
  split ("unpatched 1-migrating 3-migrating 3-migrated 1-migrated", st, " ")
  for (i = 1; i <= 3; i++)
    for (j = 1; j <= 5; j++) {
      key = prow[i] "@" st[j]
      kc = c(key, "patched", "control")
      kp = c(key, "patched", "plain")
      if (!(kc in have)) {
        printf "%-22s %-12s not measured\n", prow[i], st[j]
        continue
      }
      irt = ""; irl = ""
      if ((key SUBSEP "patched") in ir) {
        irt = sprintf ("%+d", ir[key, "patched"] - ir[key, "control"] + 0.5)
        irl = sprintf ("%+d", ir[key, "patched"] - ir[key, "plain"] + 0.5)
      }
      t = ""
      if (st[j] ~ /migrating/)
        t = "<= +1 ns: " verdict(del[kc], 1)
      else if (st[j] ~ /migrated/)
        t = "<= +0.5 ns: " verdict(del[kc], 0.5)
      # How the runtime reached the patched function (ulp_status_json).
      s = (st[j] in sel) ? sel[st[j]] : ""
      split (s, sw, " ")
      sub (/^[^=]*=/, "", sw[1]); sub (/^[^=]*=/, "", sw[2])
      s = sw[1] == sw[2] ? sw[1] : sw[1] "/" sw[2]
      if (s == "unknown") s = "(not patched)"
      printf "%-22s %-12s %-22s %-26s %-26s %6s %6s  %-13s %s\n", prow[i], st[j], \
        mq(kc, 2), dq(kc, 2), dq(kp, 2), irt, irl, s, t
    }
  print "  unpatched twin: the same build's identical function that no patch replaces."
  print "  -migrating: another thread stays inside the library in the old universe,"
  print "  so the runtime selects the version per thread; -migrated: no thread is left"
  print "  in an older universe.  3 = three stacked patches.  Targets judged on the"
  print "  delta to the unpatched twin (the cost of being patched)."

  # -------------------------------------------------------------- malloc
  header("malloc/free pair: ns, with libulp.so preloaded against without")
  printf "%-8s %-22s %-22s %-24s %-24s %7s %7s  %s\n", "threads", "without", \
    "with libulp", "ratio", "delta ns", "Ir w/o", "Ir with", "target: verdict"
  for (t = 1; t <= 2; t++) {
    kw = c("malloc-ns@" t, "with", "without")
    ko = c("malloc-ns@" t, "without", "without")
    if (!(kw in have)) { printf "%-8s not measured\n", t; continue }
    a = (("malloc@" t SUBSEP "without") in ir) ? ir["malloc@" t, "without"] : ""
    b = (("malloc@" t SUBSEP "with") in ir) ? ir["malloc@" t, "with"] : ""
    v = ""
    if (a != "" && b != "")
      v = (b - a < 0.01) ? "0 ns: met (no extra instruction)" : "0 ns: MISSED (" f(b - a, 2) " more Ir)"
    printf "%-8s %-22s %-22s %-24s %-24s %7s %7s  %s\n", t, mq(ko, 2), mq(kw, 2), \
      rq(kw), dq(kw, 2), (a == "" ? "-" : f(a, 1)), (b == "" ? "-" : f(b, 1)), v
  }

  # -------------------------------------------------------------- SQLite
  header("SQLite amalgamation as a shared library, -O2 -fPIC, with ulp (-specs) against plain")
  if (("sqlite" SUBSEP "all") in na)
    printf "  not available: %s\n", na["sqlite", "all"]
  else {
    if ("sqlite" in info) printf "  SQLite %s\n", info["sqlite"]
    if ("sqlite-check" in info) printf "  %s\n", info["sqlite-check"]
    printf "%-22s %-22s %-24s %-30s %-10s %-10s %s\n", "build", "workload ms", \
      "ratio to plain", "Ir (callgrind, one run)", "Ir ratio", ".text", "read-only"
    nsv = split ("plain ulp ie desc dynamic entries noipa noipa-ra noipa-icf " \
                 "noipa-modref noipa-pure-const noipa-sra noipa-stack-alignment " \
                 "noipa-vrp noipa-bit-cp noipa-reference", sv, " ")
    for (i = 1; i <= nsv; i++) {
      v = sv[i]
      k = c("sqlite-run-ms", v, "plain")
      if (!(k in have))
        continue
      irr = (("sqlite-run" SUBSEP v) in ir && ("sqlite-run" SUBSEP "plain") in ir) \
            ? f(ir["sqlite-run", v] / ir["sqlite-run", "plain"], 4) : "-"
      tr = (("sqlite-text" SUBSEP v) in sz) ? f(sz["sqlite-text", v] / sz["sqlite-text", "plain"], 4) : "-"
      tsr = (("sqlite-textseg" SUBSEP v) in sz) ? f(sz["sqlite-textseg", v] / sz["sqlite-textseg", "plain"], 4) : "-"
      printf "%-22s %-22s %-24s %-30s %-10s %-10s %s\n", v, mq(k, 1), \
        (v == "plain" ? "1" : rq(k)), (("sqlite-run" SUBSEP v) in ir) ? ir["sqlite-run", v] : "-", \
        irr, tr, tsr
    }
    printf "  (%d runs of each build, rotated; .text and read-only: size ratios to plain)\n", n[c("sqlite-run-ms", "plain", "plain")]
    k = c("sqlite-run-ms", "ulp", "plain")
    if (k in have)
      printf "  run time, ulp/plain: target <= 1.01: %s\n", verdict_ratio(rat[k], 1.01)
    if (("sqlite-run" SUBSEP "ulp") in ir && ("sqlite-run" SUBSEP "plain") in ir)
      printf "  instructions, ulp/plain (the noise-free figure): target <= 1.01: %s\n", \
        verdict_ratio(ir["sqlite-run", "ulp"] / ir["sqlite-run", "plain"], 1.01)
    k = c("sqlite-compile-s", "ulp", "plain"); kp = c("sqlite-compile-s", "plain", "plain")
    if (k in have) {
      printf "  compile CPU s (user+sys of cc1): plain %s, ulp %s (%d pairs, both at once)\n", mq(kp, 1), mq(k, 1), n[k]
      printf "  compile, ulp/plain %s; target <= 1.05: %s\n", rq(k), verdict_ratio(rat[k], 1.05)
    }
    if (("sqlite-text" SUBSEP "plain") in sz && ("sqlite-text" SUBSEP "ulp") in sz)
      printf "  .text bytes: plain %d, ulp %d; read-only bytes (code, rodata, ulp metadata): plain %d, ulp %d\n", \
        sz["sqlite-text", "plain"], sz["sqlite-text", "ulp"], sz["sqlite-textseg", "plain"], sz["sqlite-textseg", "ulp"]
    print "  builds: ulp = -specs alone (the plugin's defaults, as users build); the others add"
    print "  -fplugin-arg-ulp-tls=initial-exec (ie), =desc, =dynamic, or"
    print "  -fplugin-arg-ulp-boundary=never (entries: patchable entries, no boundary tracking)."
  }

  # ------------------------------------------------------ Real libraries
  header("Real libraries: plain, entries only (boundary=never), full (plugin defaults)")
  if (("real-all" SUBSEP "all") in na)
    printf "  not available: %s\n", na["real-all", "all"]
  else {
    nrl = split ("sqlite libxml2 leveldb", rl, " ")
    for (i = 1; i <= nrl; i++)
      if (("real-" rl[i] SUBSEP "all") in na)
        printf "  %s not available: %s\n", rl[i], na["real-" rl[i], "all"]
    for (i = 1; i <= nrl; i++)
      if (("real-" rl[i]) in info)
        printf "  %s: %s\n", rl[i], info["real-" rl[i]]
    if ("real-xml-file" in info)
      printf "  libxml2 workloads: xmllint --stream --noout, --noout (DOM), --xpath; %s\n", info["real-xml-file"]
    if (("real-leveldb" SUBSEP "plain") in ir || ("real-leveldb-ms" SUBSEP "plain" SUBSEP "plain") in have)
      print "  leveldb workload: db_bench --benchmarks=fillseq,fillrandom,readrandom,readseq --num=20000"
    printf "%-11s %-11s %-8s %-8s %-8s  %-20s %-22s %-22s %s\n", "workload", "Ir plain", \
      "Ir never", "Ir full", "Ir full", "wall ms plain", "wall never/plain", \
      "wall full/plain", "wall full/never"
    printf "%-11s %-11s %-8s %-8s %-8s\n", "", "", "/plain", "/plain", "/never"
    nrw = split ("sqlite xml-stream xml-dom xml-xpath leveldb", rw, " ")
    for (i = 1; i <= nrw; i++) {
      w = "real-" rw[i]
      kp = c(w "-ms", "plain", "plain")
      if (!((w SUBSEP "plain") in ir) && !(kp in have))
        continue
      ip = ((w SUBSEP "plain") in ir) ? ir[w, "plain"] : ""
      in_ = ((w SUBSEP "never") in ir) ? ir[w, "never"] : ""
      if_ = ((w SUBSEP "full") in ir) ? ir[w, "full"] : ""
      kn = c(w "-ms", "never", "plain"); kf = c(w "-ms", "full", "plain")
      kfn = c(w "-ms", "full", "never")
      printf "%-11s %-11s %-8s %-8s %-8s  %-20s %-22s %-22s %s\n", rw[i], \
        (ip == "" ? "-" : ip), \
        (ip != "" && in_ != "" ? f(in_ / ip, 4) : "-"), \
        (ip != "" && if_ != "" ? f(if_ / ip, 4) : "-"), \
        (in_ != "" && if_ != "" ? f(if_ / in_, 4) : "-"), \
        (kp in have ? mq(kp, 1) : "-"), (kn in have ? rq(kn) : "-"), \
        (kf in have ? rq(kf) : "-"), (kfn in have ? rq(kfn) : "-")
      if (("real-check-" rw[i]) in info)
        checks = checks sprintf ("  %s: %s\n", rw[i], info["real-check-" rw[i]])
    }
    if (kp in have)
      printf "  (wall: %d timed runs of each, variants rotated; Ir: one run each under callgrind)\n", n[kp]
    printf "%s", checks
    printf "%-9s %-8s %-11s %-11s %-10s %s\n", "library", "variant", ".text", ".text/plain", \
      "dyn funcs", "exported functions against plain"
    for (i = 1; i <= nrl; i++) {
      l = rl[i]
      for (j = 1; j <= 4; j++) {
        v = (j == 1 ? "plain" : j == 2 ? "never" : j == 3 ? "full" : "eager")
        if (!(("real-text-" l SUBSEP v) in sz))
          continue
        printf "%-9s %-8s %-11d %-11s %-10d %s\n", l, v, sz["real-text-" l, v], \
          (v == "plain" ? "1" : f(sz["real-text-" l, v] / sz["real-text-" l, "plain"], 4)), \
          sz["real-dynfunc-" l, v], \
          (v == "plain" ? "" : info["real-symdiff-" l "-" v])
      }
    }
    for (i = 1; i <= nrl; i++)
      for (j = 2; j <= 4; j++) {
        v = (j == 2 ? "never" : j == 3 ? "full" : "eager")
        if (("real-symadded-" rl[i] "-" v) in info)
          printf "  %s %s adds: %s\n", rl[i], v, info["real-symadded-" rl[i] "-" v]
        if (("real-symmissing-" rl[i] "-" v) in info)
          printf "  %s %s lacks: %s\n", rl[i], v, info["real-symmissing-" rl[i] "-" v]
      }
    print "  targets (issue 14), in instructions: full/never <= 1.003, full/plain <= 1.01;"
    print "  the same exported functions as plain; .text at most 10% over plain:"
    for (i = 1; i <= nrw; i++) {
      w = "real-" rw[i]
      if (!((w SUBSEP "plain") in ir) || !((w SUBSEP "never") in ir) || !((w SUBSEP "full") in ir))
        continue
      printf "  %-11s full/never %s; full/plain %s\n", rw[i], \
        verdict_ratio(ir[w, "full"] / ir[w, "never"], 1.003), \
        verdict_ratio(ir[w, "full"] / ir[w, "plain"], 1.01)
    }
    for (i = 1; i <= nrl; i++) {
      l = rl[i]
      if (!(("real-text-" l SUBSEP "full") in sz))
        continue
      same = (info["real-symdiff-" l "-full"] ~ /^0 added, 0 missing/) ? "met" : "MISSED (" info["real-symdiff-" l "-full"] ")"
      printf "  %-11s exports (full) %s; .text (full) %s\n", l, same, \
        verdict_ratio(sz["real-text-" l, "full"] / sz["real-text-" l, "plain"], 1.10)
    }
    eagerrows = ""
    for (i = 1; i <= nrw; i++) {
      w = "real-" rw[i]
      if (!((w SUBSEP "plain") in ir) || !((w SUBSEP "never") in ir) || !((w SUBSEP "eager") in ir))
        continue
      kl = c(w "-ms", "eager", "plain"); kln = c(w "-ms", "eager", "never")
      eagerrows = eagerrows sprintf ("  %-11s Ir eager/plain %s, eager/never %s; wall eager/plain %s, eager/never %s\n", \
        rw[i], f(ir[w, "eager"] / ir[w, "plain"], 4), f(ir[w, "eager"] / ir[w, "never"], 4), \
        (kl in have ? rq(kl) : "-"), (kln in have ? rq(kln) : "-"))
      eagerrows = eagerrows sprintf ("  %-11s eager/never %s; eager/plain %s\n", rw[i], \
        verdict_ratio(ir[w, "eager"] / ir[w, "never"], 1.003), \
        verdict_ratio(ir[w, "eager"] / ir[w, "plain"], 1.01))
    }
    for (i = 1; i <= nrl; i++) {
      l = rl[i]
      if (!(("real-text-" l SUBSEP "eager") in sz))
        continue
      same = (info["real-symdiff-" l "-eager"] ~ /^0 added, 0 missing/) ? "met" : "MISSED (" info["real-symdiff-" l "-eager"] ")"
      eagerrows = eagerrows sprintf ("  %-11s exports (eager) %s; .text (eager) %s\n", l, same, \
        verdict_ratio(sz["real-text-" l, "eager"] / sz["real-text-" l, "plain"], 1.10))
    }
    if (eagerrows != "") {
      print "  eager = -specs=ulp.specs -fplugin-arg-ulp-arming=eager (tracked entries armed from the"
      print "  start, as in a process once patched; measured against the same targets):"
      printf "%s", eagerrows
    }
    print "  variants: plain = no plugin; never = -specs=ulp.specs -fplugin-arg-ulp-boundary=never"
    print "  (patchable entries, no boundary tracking); full = -specs=ulp.specs alone (lazy arming:"
    print "  the entries unarmed, as in a process never patched).  For SQLite"
    print "  these are the builds entries and ulp of the table above.  Every workload runs one"
    print "  program (xmllint, db_bench, bench-sql) built plain against each variant's library."
  }

  # --------------------------------------------------------------- redis
  header("redis server (Debian 12, debian/rules build): full (plugin defaults) against plain")
  if (("real-redis" SUBSEP "all") in na)
    printf "  not available: %s\n", na["real-redis", "all"]
  else if (c("real-redis-wall", "plain", "plain") in have) {
    if ("real-redis" in info)
      printf "  %s\n", info["real-redis"]
    printf "%-22s %-26s %-26s %s\n", "measure", "plain (ms)", "full (ms)", "full/plain"
    for (i = 1; i <= 2; i++) {
      w = (i == 1 ? "real-redis-wall" : "real-redis-cpu")
      kp = c(w, "plain", "plain"); kf = c(w, "full", "plain")
      if (!(kp in have) || !(kf in have))
        continue
      printf "%-22s %-26s %-26s %s\n", \
        (i == 1 ? "benchmark wall time" : "server CPU time"), mq(kp, 1), mq(kf, 1), rq(kf)
    }
    if ("real-redis-check" in info)
      printf "  %s\n", info["real-redis-check"]
    kf = c("real-redis-wall", "full", "plain")
    if (kf in have)
      printf "  benchmark wall time, full/plain: target <= 1.01: %s\n", verdict_ratio(rat[kf], 1.01)
    kf = c("real-redis-cpu", "full", "plain")
    if (kf in have)
      printf "  server CPU time, full/plain: target <= 1.01: %s\n", verdict_ratio(rat[kf], 1.01)
    print "  the server is never patched (unarmed, no runtime): what the build alone costs;"
    print "  variants alternate in every round, the order rotated."
  }

  # --------------------------------------------------------------- Apply
  header("Apply and revert with the runtime's API, in the process (ms; no thread is stopped)")
  printf "%-8s %-28s %-28s %-28s\n", "threads", "1 function", "100 functions", "1000 functions"
  split ("1 4 16 512", thr, " ")
  for (what = 1; what <= 2; what++) {
    wn = what == 1 ? "apply" : "revert"
    printf "%s\n", wn
    for (i = 1; i <= 4; i++) {
      line = sprintf ("%-8s", thr[i])
      for (s = 1; s <= 3; s++) {
        size = s == 1 ? "1" : s == 2 ? "100" : "1000"
        k = c("rt-" wn "-ms@" size, thr[i] "threads", thr[i] "threads")
        line = line " " sprintf ("%-28s", (k in have) ? mq(k, 2) : "-")
      }
      print line
    }
  }

  header("ulp-apply from outside (ms)")
  if (("apply" SUBSEP "all") in na)
    printf "  not available: %s\n", na["apply", "all"]
  else {
    printf "%-7s %-8s %-5s %-22s %-22s %-22s %-34s %s\n", "", "threads", "fns", "end to end", \
      "own (-v total)", "pause (-v)", "target stall [quiet window]", "target: verdict"
    nap = split ("1 4 16 512 4:4", ath, " ")
    for (what = 1; what <= 2; what++) {
      wn = what == 1 ? "apply" : "revert"
      for (i = 1; i <= nap; i++)
        for (s = 1; s <= 3; s++) {
          size = s == 1 ? "1" : s == 2 ? "100" : "1000"
          split (ath[i], tb, ":")
          nt = tb[1]
          busy = (2 in tb) ? tb[2] : 1
          v = nt "threads" (busy > 1 ? "-" busy "busy" : "")
          kt = c(wn "-total-ms@" size, v, v)
          kp = c(wn "-pause-ms@" size, v, v)
          ks = c(wn "-stall-ms@" size, v, v "-quiet")
          if (!(kt in have)) {
            if (wn == "apply" && (("apply-total-ms@" size SUBSEP v) in na))
              printf "%-7s %-8s %-5s failed: %s\n", wn, ath[i], size, na["apply-total-ms@" size, v]
            continue
          }
          p = (kp in have) ? mq(kp, 3) : "not reported"
          ko = c(wn "-own-ms@" size, v, v)
          own = (ko in have) ? mq(ko, 2) : "not reported"
          st2 = (ks in have) ? f(med[ks], 3) " [" f(med[ks] - del[ks], 3) "]" : "-"
          # The pause is judged on what the target's own threads saw;
          # a saturated target's threads stall anyway (its quiet
          # window shows how long), so only its end to end is judged.
          t = ""
          stallv = (ks in have) ? med[ks] : ""
          if (busy == 1) {
            if (size == "1" && nt == 4) t = "stall <= 0.2: " verdict(stallv, 0.2)
            else if (size == "1000" && nt != 512) t = "stall <= 1: " verdict(stallv, 1)
            else if (nt == 512) t = "stall <= 2: " verdict(stallv, 2)
          }
          if (size == "1" && busy > 1) t = "total <= 5: " verdict(med[kt], 5)
          else if (size == "1" && nt != 512) t = t (t == "" ? "" : "; ") "total <= 2: " verdict(med[kt], 2)
          if (size == "1" && nt == 512) t = t (t == "" ? "" : "; ") "total <= 10: " verdict(med[kt], 10)
          printf "%-7s %-8s %-5s %-22s %-22s %-22s %-34s %s\n", wn, ath[i], size, mq(kt, 2), own, p, st2, t
        }
    }
    print "  threads N:B = B of the N threads busy (a saturated target when B exceeds the"
    print "  cores); otherwise one busy thread, the others waking every 20 ms.  stall: the"
    print "  longest gap the target's busy threads saw while ulp-apply ran (median over"
    print "  rounds); quiet window: the same, in a window of the same length right after,"
    print "  with nothing applied (what the machine gives anyway).  own: ulp-apply's own"
    print "  time, from its main to the reply (-v total), without starting and ending the"
    print "  process, which on a saturated machine wait on the scheduler at the priority"
    print "  of whatever launches ulp-apply.  Targets are judged end to end."
    k = c("all-ms@200", "200procs", "200procs")
    if (k in have)
      printf "  --all over 200 processes: %s ms; target <= 100: %s\n", mq(k, 1), verdict(med[k], 100)
    else if (("all-ms@200" SUBSEP "200procs") in na)
      printf "  --all over 200 processes: %s\n", na["all-ms@200", "200procs"]
  }

  header("ulp-mkpatch, one-function change of the SQLite amalgamation (s, wall)")
  k = c("mkpatch-s", "ulp-mkpatch", "ulp-mkpatch")
  if (k in have)
    printf "  %s (%d runs); target <= 2 s: %s\n", mq(k, 3), n[k], verdict(med[k], 2)
  else
    printf "  not available: %s\n", na_line("mkpatch-s", "sqlite")
}
