#name: ulp-dump --verbose of a shared library built with -fcf-protection
#source: dump-basic.c
#options: -O2 -fPIC -shared -fcf-protection=full
#output: libdump-basic.so
#dump: --verbose
^.*/libdump-basic\.so: shared object, ULP metadata v1, 14 functions, build-id [0-9a-f]+$
^ADDRESS +SIZE +ENTRY +KIND +LINKAGE +NAME$
^0x[0-9a-f]*[02468ace] +[0-9]+  66 90 +cold +local +dump_hotcold\.ulp_body\.cold <- dump_hotcold\.ulp_body$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: -$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]*[02468ace] +[0-9]+  66 90 +function +local +dump_static$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: -$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:66 90  function +local +dump_hotcold\.ulp_body$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: endbr$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]+ +[0-9]+  - +function,excluded  local +dump_excluded\.ulp_body$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: excluded$
^    pre-entry: 0 bytes$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:66 90  function +local +dump_weak\.ulp_body$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: endbr$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:66 90  function +local +dump_exported\.ulp_body$
^    unit: .*dump-basic\.c$
^    inlined: dump_inlined$
^    flags: endbr$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]+ +[0-9]+  - +entry +exported +dump_exported <- dump_exported\.ulp_body$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global exported boundary armable$
^    pre-entry: 0 bytes$
^0x[0-9a-f]+ +[0-9]+  - +entry +exported,weak  dump_weak <- dump_weak\.ulp_body$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global exported weak boundary armable$
^    pre-entry: 0 bytes$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:66 90  function +global +dump_hidden$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global endbr$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]+ +[0-9]+  - +entry +exported +dump_excluded <- dump_excluded\.ulp_body$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global exported boundary armable$
^    pre-entry: 0 bytes$
^0x[0-9a-f]+ +[0-9]+  - +entry +exported +dump_hotcold <- dump_hotcold\.ulp_body$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global exported boundary armable$
^    pre-entry: 0 bytes$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:66 90  function +global,comdat  __ulp_slow$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global comdat endbr$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:66 90  function +global,comdat  __ulp_outer$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global comdat endbr$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
^0x[0-9a-f]*[02468ace] +[0-9]+  \+4:66 90  function +global,comdat  __ulp_arm_at_load$
^    unit: .*dump-basic\.c$
^    inlined: -$
^    flags: global comdat endbr$
^    pre-entry: 6 bytes: 90 90 90 90 90 90$
