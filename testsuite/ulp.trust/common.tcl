# ulp.trust/common.tcl -- what the ulp.trust tests share (sourced, not
# run by runtest: its name does not end in .exp).
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The tests patch ap-target (ulp.apply's target and patches: ap_value
# gives 1, patch p1 makes it 2, p2 3) with copies of the patches whose
# owner, mode, directory or signature each test sets, and check the
# refusal's exact message and exit status, and that the target is
# unchanged and alive.

load_lib ulp-apply.exp

# The scratch directory of the ulp.trust tests (mode 0755, owned by
# whoever runs the tests, as the runtime wants), or "" after a FAIL.
proc tr_setup { } {
    global tr_dir
    if { [info exists tr_dir] } {
        return $tr_dir
    }
    if { [ulp_ap_setup] eq "" } {
        return ""
    }
    set tr_dir [ulp_scratch trust]
    file attributes $tr_dir -permissions 0755
    return $tr_dir
}

# A fresh directory SUB of the scratch directory with MODE.
proc tr_dir { sub {mode 0755} } {
    global tr_dir
    set d [file join $tr_dir $sub]
    file delete -force $d
    file mkdir $d
    file attributes $d -permissions $mode
    return $d
}

# Copy ulp.apply's patch NAME (p1, p2) to DEST with MODE; return DEST.
proc tr_patch { name dest {mode 0644} } {
    global ulp_ap
    file delete -force $dest
    file copy $ulp_ap(dir)/ap-$name.so $dest
    file attributes $dest -permissions $mode
    return $dest
}

# Ed25519 key pair NAME in DIR: DIR/NAME.pem (private), DIR/NAME-pub.pem.
# 1 when made.
proc tr_key { dir name } {
    set r [ulp_exec openssl genpkey -algorithm ed25519 -out $dir/$name.pem]
    if { [lindex $r 0] != 0 } {
        send_log "openssl genpkey: [lindex $r 2]\n"
        return 0
    }
    set r [ulp_exec openssl pkey -in $dir/$name.pem -pubout \
               -out $dir/$name-pub.pem]
    file attributes $dir/$name-pub.pem -permissions 0644
    return [expr {[lindex $r 0] == 0}]
}

# Sign FILE with KEY through ulp-mkpatch; {STATUS STDOUT STDERR}.
proc tr_sign { key file } {
    return [ulp_exec -timeout 60 [ulp_ap_tool ulp-mkpatch] --sign=$key $file]
}

# Run ulp-apply ARGS against target PID; check STATUS, the one-line
# stderr MESSAGE (exactly), nothing on stdout, and that the target is
# unchanged and alive.
proc tr_refused { t pid status message args } {
    set before [ulp_ap_snapshot $pid]
    set r [ulp_ap_apply {*}$args]
    ulp_ap_check "$t: exit status $status" {[lindex $r 0] == $status} \
        "exit [lindex $r 0]: [lindex $r 2]"
    ulp_ap_check "$t: message" {[lindex $r 2] eq "$message\n"} \
        "got: [lindex $r 2]want: $message"
    ulp_ap_check "$t: nothing on stdout" {[lindex $r 1] eq ""} [lindex $r 1]
    set after [ulp_ap_snapshot $pid]
    ulp_ap_check "$t: the target is unchanged" {$before eq $after} \
        "before: $before\nafter:  $after"
    ulp_ap_check "$t: the target is alive and unpatched" \
        {[ulp_ap_alive $pid] && [ulp_ap_value $pid] == 1}
}

# Apply ARGS (the last one the patch) to PID: it must succeed and give
# VALUE; then revert it, back to 1.
proc tr_accepted { t pid value args } {
    set r [ulp_ap_apply {*}$args]
    ulp_ap_check "$t: applied" {[lindex $r 0] == 0} \
        "exit [lindex $r 0]: [lindex $r 2]"
    ulp_ap_check "$t: the target gives $value" \
        {[ulp_ap_value $pid] == $value}
    set r [ulp_ap_apply --revert $pid]
    ulp_ap_check "$t: reverted" \
        {[lindex $r 0] == 0 && [ulp_ap_value $pid] == 1} \
        "exit [lindex $r 0]: [lindex $r 2]"
}

# Flip every bit of the byte at OFFSET of FILE (a negative OFFSET counts
# from the end).
proc tr_flip { file offset } {
    set f [open $file r+b]
    if { $offset < 0 } {
        seek $f $offset end
    } else {
        seek $f $offset
    }
    set pos [tell $f]
    binary scan [read $f 1] cu b
    seek $f $pos
    puts -nonewline $f [binary format c [expr {$b ^ 0xff}]]
    close $f
}

# Overwrite LEN bytes of FILE at OFFSET (negative: from the end) with
# those of FROM at the same offset.
proc tr_copy_bytes { from file offset len } {
    set f [open $from rb]
    seek $f $offset [expr {$offset < 0 ? "end" : "start"}]
    set bytes [read $f $len]
    close $f
    set f [open $file r+b]
    seek $f $offset [expr {$offset < 0 ? "end" : "start"}]
    puts -nonewline $f $bytes
    close $f
}

# The file offset of section NAME of the ELF file FILE, or -1.
proc tr_section_offset { file name } {
    set r [ulp_exec readelf -SW $file]
    foreach line [split [lindex $r 1] "\n"] {
        if { [regexp {\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)} \
                  $line -> sec off size]
             && $sec eq $name && "0x$size" > 0 } {
            return [expr {"0x$off"}]
        }
    }
    return -1
}
