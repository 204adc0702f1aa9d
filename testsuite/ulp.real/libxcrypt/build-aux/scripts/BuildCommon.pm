# BuildCommon.pm -- what ulp's libxcrypt generator scripts share.
#
# Debian's libxcrypt-source leaves out libxcrypt's build-aux directory,
# so ulp's `make check-real' supplies its own generator scripts under
# the names libxcrypt's Makefile.am uses.  This module reads the two
# tables they work from: lib/hashes.conf (one hash method a line:
# name, prefix, random bytes, flags) and lib/libcrypt.map.in (one
# public symbol a line: name, default version or "-", then compatibility
# versions, each optionally restricted with ":abi" tags to some
# --enable-obsolete-api settings; "%chain" lines order the versions).
# libxcrypt's test/TestCommon.pm also takes its subprocess helpers
# (popen, which, sh_split ...) from here.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later

package BuildCommon;

use v5.14;
use warnings FATAL => 'all';
use Exporter qw(import);
use Text::ParseWords qw(shellwords);
use File::Spec ();

our @EXPORT_OK = qw(
    die_usage
    ensure_C_locale
    error
    popen
    sh_quote
    sh_split
    subprocess_error
    which
    parse_assignments
    read_hashes_conf
    read_symbol_map
    symbol_versions
);

# Print "SCRIPT: MESSAGE" and exit 1.
sub die_usage {
    my ($message) = @_;
    (my $me = $0) =~ s{.*/}{};
    print {*STDERR} "$me: $message\n";
    exit 1;
}

# Report a hard error (exit status 99, which Automake's test driver
# counts as ERROR rather than FAIL).
sub error {
    (my $me = $0) =~ s{.*/}{};
    print {*STDERR} "$me: ERROR: ", join(q{ }, @_), "\n";
    exit 99;
}

# Make subprocesses speak the C locale, whose output the tests parse.
sub ensure_C_locale {
    delete @ENV{grep { /^LC_/ } keys %ENV};
    $ENV{LC_ALL} = 'C';
    $ENV{LANG} = 'C';
    return;
}

# A file handle on COMMAND... (a list, no shell) opened with MODE ("-|"
# to read its output, "|-" to write its input).
sub popen {
    my ($mode, @command) = @_;
    my $pid = open(my $fh, $mode, @command);
    error("cannot run $command[0]: $!") unless defined $pid;
    return $fh;
}

# Why the subprocess NAME, just closed, failed.
sub subprocess_error {
    my ($name) = @_;
    error("$name: $!") if $! != 0;
    error("$name: killed by signal " . ($? & 127)) if $? & 127;
    error("$name: exit status " . ($? >> 8));
    return;
}

# STRING split into words as the shell would (quotes honoured).
sub sh_split {
    my ($string) = @_;
    return shellwords($string);
}

# WORDS quoted for the shell, joined by spaces.
sub sh_quote {
    return join q{ }, map {
        m{^[\w@%+=:,./-]+$} ? $_ : do { (my $w = $_) =~ s/'/'\\''/g; "'$w'" }
    } @_;
}

# COMMAND (a string, perhaps with arguments) as a list whose first
# element is the program's full path; the empty list when the program
# is not found.
sub which {
    my ($program, @args) = sh_split($_[0]);
    return () unless defined $program;
    if ($program =~ m{/}) {
        return -x $program ? ($program, @args) : ();
    }
    for my $dir (File::Spec->path()) {
        my $path = File::Spec->catfile($dir eq q{} ? q{.} : $dir, $program);
        return ($path, @args) if -f $path && -x _;
    }
    return ();
}

# The lines of FILE without comments and blank lines, each split on
# white space.
sub _table_rows {
    my ($file) = @_;
    open my $fh, '<', $file or die_usage("$file: $!");
    my @rows;
    while (my $line = <$fh>) {
        next if $line =~ /^\s*(?:#|$)/;
        $line =~ s/\s+$//;
        push @rows, [split q{ }, $line];
    }
    close $fh;
    return @rows;
}

# Hash methods of hashes.conf in file order: hashes of name, prefix
# ("" for ":"), nrbytes and a hash of lower-cased flags.
sub read_hashes_conf {
    my ($file) = @_;
    my @methods;
    for my $row (_table_rows($file)) {
        my ($name, $prefix, $nrbytes, $flags) = @{$row};
        die_usage("$file: short line for '$name'") unless defined $flags;
        $prefix = q{} if $prefix eq ':';
        my %flags = map { lc($_) => 1 } grep { $_ ne ':' } split /,/, $flags;
        push @methods, { name => $name, prefix => $prefix,
                         nrbytes => $nrbytes, flags => \%flags };
    }
    return @methods;
}

# The symbols of libcrypt.map.in and the version chain: a reference to
# a list of { name, default, compat => [[version, @abis], ...] } and a
# reference to the list of versions in chain order.
sub read_symbol_map {
    my ($file) = @_;
    my (@symbols, @chain);
    for my $row (_table_rows($file)) {
        my ($first, @rest) = @{$row};
        if ($first eq '%chain') {
            push @chain, @rest;
            next;
        }
        my ($default, @compat) = @rest;
        die_usage("$file: no version for '$first'") unless defined $default;
        push @symbols, { name => $first, default => $default,
                         compat => [map { [split /:/] } @compat] };
    }
    return (\@symbols, \@chain);
}

# KEY=VALUE arguments into a hash; dies on anything else.
sub parse_assignments {
    my %values;
    for my $arg (@_) {
        die_usage("expected KEY=VALUE, got '$arg'") unless $arg =~ /^(\w+)=(.*)$/;
        $values{$1} = $2;
    }
    return %values;
}

# The versions SYMBOL gets for COMPAT_ABI with the oldest compatibility
# version FLOOR: (default or undef, list of compatibility versions).
# Compatibility versions exist only when COMPAT_ABI is not "no"; one
# restricted to some ABIs counts when COMPAT_ABI is "yes" or one of
# them; one older than FLOOR becomes FLOOR, the oldest version the
# system library it replaces ever had.
sub symbol_versions {
    my ($symbol, $chain, $compat_abi, $floor) = @_;
    my %rank;
    @rank{@{$chain}} = 0 .. $#{$chain};
    die_usage("symbol version floor '$floor' is not in the chain")
        unless exists $rank{$floor};
    my $default = $symbol->{default} eq '-' ? undef : $symbol->{default};
    my (@compat, %seen);
    if ($compat_abi ne 'no') {
        for my $entry (@{$symbol->{compat}}) {
            my ($version, @abis) = @{$entry};
            next if @abis && $compat_abi ne 'yes'
                && !grep { $_ eq $compat_abi } @abis;
            die_usage("version '$version' is not in the chain")
                unless exists $rank{$version};
            $version = $floor if $rank{$version} < $rank{$floor};
            next if $seen{$version}++;
            next if defined $default && $version eq $default;
            push @compat, $version;
        }
    }
    return ($default, @compat);
}

1;
