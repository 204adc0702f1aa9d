#name: ulp-dump table of a relocatable object
#source: dump-basic.c
#options: -O2 -fPIC -c
#output: dump-basic.o
^.*/dump-basic\.o: relocatable object, ULP metadata v3, 10 functions$
^ADDRESS +SIZE +ENTRY +KIND +LINKAGE +NAME$
^\.text\.dump_static\+0x[0-9a-f]*[02468ace] +[0-9]+  [0-9a-f]{2}( [0-9a-f]{2})+ +function +local +dump_static$
^\.text\.dump_exported\+0x[0-9a-f]*[02468ace] +[0-9]+  \+2:[0-9a-f]{2}( [0-9a-f]{2})+ +function +exported +dump_exported$
^\.text\.dump_weak\+0x[0-9a-f]*[02468ace] +[0-9]+  \+2:[0-9a-f]{2}( [0-9a-f]{2})+ +function +exported,weak  dump_weak$
^\.text\.dump_hidden\+0x[0-9a-f]*[02468ace] +[0-9]+  [0-9a-f]{2}( [0-9a-f]{2})+ +function +global +dump_hidden$
^\.text\.dump_excluded\+0x[0-9a-f]*[02468ace] +[0-9]+  - +function,excluded  exported +dump_excluded$
^\.text\.unlikely\.dump_hotcold\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90 +cold +local +dump_hotcold\.cold <- dump_hotcold$
^\.text\.dump_hotcold\+0x[0-9a-f]*[02468ace] +[0-9]+  \+2:[0-9a-f]{2}( [0-9a-f]{2})+ +function +exported +dump_hotcold$
^\.text\.__ulp_slow\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90 +function +global,comdat  __ulp_slow$
^\.text\.__ulp_outer\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90 +function +global,comdat  __ulp_outer$
^\.text\.__ulp_arm_at_load\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90 +function +global,comdat  __ulp_arm_at_load$
