# ulp.real/real-lib.tcl -- procedures the ulp.real tests share.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by real-xcrypt.exp, real-sqlite.exp and real-libxml2.exp.  The
# tests build real libraries from their published sources with ulp;
# the first two each drive a program of its own (real-xcrypt.c,
# real-sqlite.c) that keeps four threads calling the library while
# ulp-apply patches and reverts it from outside.  Both programs speak the same protocol, one command a
# line under Expect: "probe" (the main thread's view: "probe old",
# "probe new" or "probe bad ..."), "workers" (what the worker threads
# saw in two whole rounds each: "workers old=N new=N bad=N rounds=N")
# and "exit" ("bye rounds=N bad=N").
#
# They take minutes, so plain `make check' reports them UNSUPPORTED;
# `make check-real' runs them (it passes ULP_CHECK_REAL=1 to runtest;
# the environment variable of that name works too).

load_lib ulp-mkpatch.exp
load_lib ulp-apply.exp
load_lib ulp-exports.exp

# Whether the ulp.real test NAME is to run; UNSUPPORTED if not.
proc ulp_real_enabled { name } {
    global ULP_CHECK_REAL env
    set on 0
    if { [info exists ULP_CHECK_REAL] && $ULP_CHECK_REAL ne ""
         && $ULP_CHECK_REAL ne "0" } {
        set on 1
    }
    if { [info exists env(ULP_CHECK_REAL)] && $env(ULP_CHECK_REAL) ne ""
         && $env(ULP_CHECK_REAL) ne "0" } {
        set on 1
    }
    if { !$on } {
        unsupported "real $name: real libraries are tested by `make check-real', not `make check'"
        return 0
    }
    if { ![ulp_mk_have] || ![ulp_ap_have] || ![ulp_have dump] } {
        unresolved "real $name: the plugin, specs file, ulp-dump, ulp-mkpatch, ulp-apply or libulp.so was not built"
        return 0
    }
    return 1
}

# Run COMMAND... in directory DIR with a long timeout; log how long it
# took under the label WHAT.  ulp_exec's result.
proc ulp_real_exec_in { what dir args } {
    set t0 [clock milliseconds]
    set r [ulp_exec -timeout 3600 -- sh -c {cd "$1" && shift && exec "$@"} \
               sh $dir {*}$args]
    verbose -log "$what took [expr {([clock milliseconds] - $t0) / 1000.0}] s" 0
    return $r
}

# Check R (ulp_exec's result); PASS or FAIL "TESTNAME"; 1 on success.
# The last lines of the output go to the log on failure.
proc ulp_real_ok { testname r } {
    if { [lindex $r 0] eq "0" } {
        pass $testname
        return 1
    }
    set text "[lindex $r 1][lindex $r 2]"
    set lines [split [string trimright $text "\n"] "\n"]
    send_log "Last lines of the output:\n[join [lrange $lines end-60 end] "\n"]\n"
    fail "$testname (exit status [lindex $r 0])"
    return 0
}

# Spawn PROG (a list: program and arguments) with libulp.so preloaded,
# so that the runtime registers the program's threads; return its pid
# or "" after a FAIL of TESTNAME.
proc ulp_real_spawn { testname prog } {
    global ulp_real_sid stty_init
    set stty_init -echo
    set pid [spawn -noecho env LD_PRELOAD=[ulp_rt_libulp] {*}$prog]
    set sid $spawn_id
    set timeout 120
    set got ""
    expect {
        -i $sid -re {ready ([0-9]+)\r?\n} { set got $expect_out(1,string) }
        -i $sid -re {error: [^\r\n]*} { send_log "$expect_out(0,string)\n" }
        -i $sid timeout { }
        -i $sid eof { }
    }
    if { $got eq "" } {
        fail "$testname: the program starts"
        catch { exec kill -KILL $pid }
        catch { close -i $sid }
        catch { wait -i $sid }
        return ""
    }
    pass "$testname: the program starts"
    set ulp_real_sid($got) $sid
    return $got
}

# Send CMD to program PID and return the submatches of the reply RE
# (whole match first), or "" on timeout or end of file.
proc ulp_real_ask { pid cmd re {secs 180} } {
    global ulp_real_sid
    set sid $ulp_real_sid($pid)
    send -i $sid -- "$cmd\r"
    set timeout $secs
    set result ""
    expect {
        -i $sid -re "(?:^|\n)(?:$re)\r?\n" {
            set result [list $expect_out(0,string)]
            for { set i 1 } { $i < 10 } { incr i } {
                if { [info exists expect_out($i,string)] } {
                    lappend result $expect_out($i,string)
                }
            }
        }
        -i $sid timeout { send_log "timed out waiting for /$re/\n" }
        -i $sid eof { send_log "end of file waiting for /$re/\n" }
    }
    return $result
}

# Ask program PID which behaviour its main thread and its workers see;
# STATE is "old" or "new".  Three tests named "TESTNAME: WHEN: ...".
proc ulp_real_expect_state { testname pid when state } {
    set r [ulp_real_ask $pid probe {probe (old|new|bad[^\r\n]*)}]
    if { [lindex $r 1] eq $state } {
        pass "$testname: $when: the main thread sees the $state code"
    } else {
        fail "$testname: $when: the main thread sees the $state code (got [lindex $r 1])"
    }
    set r [ulp_real_ask $pid workers \
               {workers old=([0-9]+) new=([0-9]+) bad=([0-9]+) rounds=([0-9]+)}]
    if { $r eq "" } {
        fail "$testname: $when: the worker threads answer"
        return
    }
    lassign $r -> old new bad rounds
    verbose -log "$when: worker rounds $rounds: old $old, new $new, bad $bad" 0
    set other [expr {$state eq "old" ? $new : $old}]
    set same [expr {$state eq "old" ? $old : $new}]
    if { $same == $rounds && $other == 0 && $rounds >= 8 } {
        pass "$testname: $when: all four worker threads see the $state code"
    } else {
        fail "$testname: $when: all four worker threads see the $state code (old $old, new $new of $rounds rounds)"
    }
    if { $bad == 0 } {
        pass "$testname: $when: the worker threads' other results stay right"
    } else {
        fail "$testname: $when: the worker threads' other results stay right ($bad wrong)"
    }
}

# Stop program PID; check that it exits cleanly and that no worker saw
# a wrong result over the whole run.
proc ulp_real_stop { testname pid } {
    global ulp_real_sid
    set r [ulp_real_ask $pid exit {bye rounds=([0-9]+) bad=([0-9]+)}]
    if { $r ne "" && [lindex $r 2] == 0 } {
        pass "$testname: the program ends; no wrong result in [lindex $r 1] rounds"
    } else {
        fail "$testname: the program ends; no wrong result ([lindex $r 0])"
    }
    set sid $ulp_real_sid($pid)
    for { set i 0 } { $i < 100 && [ulp_ap_alive $pid] } { incr i } {
        after 50
    }
    catch { exec kill -KILL $pid }
    catch { close -i $sid }
    catch { wait -i $sid }
    unset ulp_real_sid($pid)
}

# The live part both tests share: start PROG, see the old behaviour,
# apply PATCH (named NAME) with ulp-apply while the workers run, see the
# new behaviour, revert it, see the old one again.
proc ulp_real_live { testname prog patch name } {
    set pid [ulp_real_spawn $testname $prog]
    if { $pid eq "" } {
        return
    }
    ulp_real_expect_state $testname $pid "before the patch" old

    set t0 [clock milliseconds]
    set r [ulp_ap_apply -v $pid $patch]
    set ms [expr {[clock milliseconds] - $t0}]
    send_log "ulp-apply:\n[lindex $r 1][lindex $r 2]"
    verbose -log "ulp-apply under load took $ms ms" 0
    if { [lindex $r 0] eq "0" } {
        pass "$testname: ulp-apply patches the process under load"
        ulp_real_expect_state $testname $pid "patched" new

        set r [ulp_ap_apply --revert $pid $name]
        send_log "ulp-apply --revert:\n[lindex $r 1][lindex $r 2]"
        if { [lindex $r 0] eq "0" } {
            pass "$testname: ulp-apply --revert reverts the patch under load"
            ulp_real_expect_state $testname $pid "reverted" old
        } else {
            fail "$testname: ulp-apply --revert reverts the patch under load (exit status [lindex $r 0]: [ulp_first_line [lindex $r 2]])"
        }
    } else {
        fail "$testname: ulp-apply patches the process under load (exit status [lindex $r 0]: [ulp_first_line [lindex $r 2]])"
    }
    ulp_real_stop $testname $pid
}

# The dynamic symbol names of FILE (nm -D, defined ones, no versions).
proc ulp_real_dynamic_names { file } {
    global NM
    set r [ulp_exec $NM -D --defined-only $file]
    set names {}
    foreach line [split [lindex $r 1] "\n"] {
        if { [regexp {^[0-9a-f]+ \S (\S+?)(@.*)?$} $line -> name] } {
            lappend names $name
        }
    }
    return $names
}

# ulp_check_linked's checks of the shared library FILE (entry layout,
# records, variable records, nm functions have records), for a library
# linked with a version script.  A version script's "local: *" makes
# global, default-visibility functions local at link time, after the
# plugin recorded them as exported: ulp_check_records reports such a
# record as "flag exported, but the symbol is local".  That is right
# when the symbol is local with default visibility and absent from the
# dynamic symbol table, as only a version script leaves it.  And a
# function given versions with .symver (libxcrypt's crypt,
# crypt@GLIBC_2.2.5 and crypt@@XCRYPT_2.0) may keep no symbol of its
# plain name: its record "names none of the symbols there", yet one of
# them is NAME@VERSION.  Those two problems are counted in the log and
# dropped, all others stay.  Returns the records.
proc ulp_real_check_metadata { testname file } {
    set crt [ulp_crt_functions shared c]
    set syms [ulp_func_symbols $file]
    set cet [ulp_cet_p c -O2]
    set r [ulp_check_entries $file -skip $crt -syms $syms -rel 0 -cet $cet]
    ulp_report "$testname: entry layout" [lindex $r 1] [lindex $r 0]
    set d [ulp_dump_json $file]
    if { [lindex $d 0] ne "0" } {
        fail "$testname: records ([lindex $d 2])"
        return {}
    }
    set funcs [lindex $d 1]
    set r [ulp_check_records $file $funcs -skip $crt -syms $syms -cet $cet]
    set vis [dict create]
    foreach s $syms {
        dict set vis [dict get $s name] [dict get $s vis]
    }
    set dynamic [ulp_real_dynamic_names $file]
    set problems {}
    set demoted 0
    set versioned 0
    foreach p [lindex $r 1] {
        if { [regexp {^(\S+): flag exported, but the symbol is local$} $p \
                  -> name]
             && [dict exists $vis $name] && [dict get $vis $name] eq "default"
             && [lsearch -exact $dynamic $name] < 0 } {
            incr demoted
            continue
        }
        if { [regexp {^record (\S+) at \S+ names none of the symbols there: (.*)$} \
                  $p -> name there]
             && [lsearch -regexp $there "^[regsub -all {\W} $name {\\&}]@"] >= 0 } {
            incr versioned
            continue
        }
        lappend problems $p
    }
    verbose -log "$testname: $demoted exported functions made local by the version script, $versioned named only with a version" 0
    ulp_report "$testname: records" $problems [lindex $r 0]
    if { [llength [lindex $d 3]] > 0 } {
        set r [ulp_check_variables $file [lindex $d 3]]
        ulp_report "$testname: variable records" [lindex $r 1] [lindex $r 0]
    }
    set r [ulp_check_nm_records $file $funcs $crt]
    ulp_report "$testname: nm functions have records" [lindex $r 1] [lindex $r 0]
    verbose -log "$testname: [lindex $r 0] functions nm shows, [llength $funcs] records" 0
    return $funcs
}
