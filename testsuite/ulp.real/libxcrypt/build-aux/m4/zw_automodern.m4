# zw_automodern.m4 -- ulp's stand-in for a file libxcrypt's configure.ac
# includes by name before AC_INIT.
#
# Debian's libxcrypt-source package leaves out libxcrypt's whole
# build-aux directory (its packaging filters out every path that starts
# with "build-"), so the Autoconf macros and generator scripts the
# tarball's configure.ac and Makefile.am name are missing.  ulp's
# `make check-real' supplies its own small replacements, written for
# ulp from what configure.ac and the sources expect; this file only has
# to exist, because the Autoconf and Automake versions on the build
# machines need no modernising.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later
