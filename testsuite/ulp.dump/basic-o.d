#name: ulp-dump table of a relocatable object
#source: dump-basic.c
#options: -O2 -fPIC -c
#output: dump-basic.o
^.*/dump-basic\.o: relocatable object, ULP metadata v1, 14 functions$
^ADDRESS +SIZE +ENTRY +KIND +LINKAGE +NAME$
^\.text\.dump_static\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90  function +local +dump_static$
^\.text\.unlikely\.dump_hotcold\.ulp_body\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90  cold +local +dump_hotcold\.ulp_body\.cold <- dump_hotcold\.ulp_body$
^\.text\.dump_hotcold\.ulp_body\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90  function +local +dump_hotcold\.ulp_body$
^\.text\.dump_excluded\.ulp_body\+0x[0-9a-f]+ +[0-9]+  -  +function,excluded  local +dump_excluded\.ulp_body$
^\.text\.dump_weak\.ulp_body\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90  function +local +dump_weak\.ulp_body$
^\.text\.dump_exported\.ulp_body\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90  function +local +dump_exported\.ulp_body$
^\.text\.dump_exported\+0x[0-9a-f]+ +[0-9]+  -  +entry +exported +dump_exported <- dump_exported\.ulp_body$
^\.text\.dump_weak\+0x[0-9a-f]+ +[0-9]+  -  +entry +exported,weak  dump_weak <- dump_weak\.ulp_body$
^\.text\.dump_hidden\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90  function +global +dump_hidden$
^\.text\.dump_excluded\+0x[0-9a-f]+ +[0-9]+  -  +entry +exported +dump_excluded <- dump_excluded\.ulp_body$
^\.text\.dump_hotcold\+0x[0-9a-f]+ +[0-9]+  -  +entry +exported +dump_hotcold <- dump_hotcold\.ulp_body$
^\.text\.__ulp_slow\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90  function +global,comdat  __ulp_slow$
^\.text\.__ulp_outer\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90  function +global,comdat  __ulp_outer$
^\.text\.__ulp_arm_at_load\+0x[0-9a-f]*[02468ace] +[0-9]+  66 90  function +global,comdat  __ulp_arm_at_load$
