#name: ulp-dump --verbose of a shared library built with -fcf-protection
#source: dump-basic.c
#options: -O2 -fPIC -shared -fcf-protection=full
#output: libdump-basic.so
#dump: --verbose
^.*/libdump-basic\.so: shared object, ULP metadata v3, 10 functions, build-id [0-9a-f]+$
^ADDRESS +SIZE +ENTRY +KIND +LINKAGE +NAME$
^0x[0-9a-f]*[02468ace] +[0-9]+  66 90 +cold +local +dump_hotcold\.cold <- dump_hotcold$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: -$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]*[02468ace] +[0-9]+  [0-9a-f]{2}( [0-9a-f]{2})+ +function +local +dump_static$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: fused$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+6:[0-9a-f]{2}( [0-9a-f]{2})+ +function +exported +dump_exported$
^    unit: .*dump-basic\.c$
^    inlined: dump_inlined$
^    flags: global exported endbr boundary armable fused$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^    tracked entry: arming site at \+4, tracking code [0-9]+ bytes before the label$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+6:[0-9a-f]{2}( [0-9a-f]{2})+ +function +exported,weak +dump_weak$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global exported weak endbr boundary armable fused$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^    tracked entry: arming site at \+4, tracking code [0-9]+ bytes before the label$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:[0-9a-f]{2}( [0-9a-f]{2})+ +function +global +dump_hidden$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global endbr fused$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]*[02468ace] +[0-9]+  - +function,excluded +exported +dump_excluded$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global exported excluded boundary armable$
^    pre-entry: 0 bytes$
^    tracked entry: arming site at \+4, tracking code [0-9]+ bytes before the label$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+6:[0-9a-f]{2}( [0-9a-f]{2})+ +function +exported +dump_hotcold$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global exported endbr boundary armable fused$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^    tracked entry: arming site at \+4, tracking code [0-9]+ bytes before the label$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:66 90 +function +global,comdat +__ulp_slow$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global comdat endbr$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:66 90 +function +global,comdat +__ulp_outer$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global comdat endbr$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:66 90 +function +global,comdat +__ulp_arm_at_load$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global comdat endbr$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
