# ulp-xcrypt.m4 -- Autoconf macros libxcrypt's configure.ac calls, as
# ulp writes them.
#
# Debian's libxcrypt-source package ships no build-aux directory (see
# zw_automodern.m4), so `autoreconf' on it fails for want of the zw_*
# macros.  These are ulp's own, small versions: each one defines what
# libxcrypt's configure.ac, Makefile.am and lib/crypt-port.h test, and
# nothing more.  The AX_* macros come from the autoconf-archive package.
#
# Copyright (C) 2026 The ulp authors.
# SPDX-License-Identifier: GPL-3.0-or-later

# zw_PROG_PERL(MIN-VERSION): find a perl at least MIN-VERSION into PERL;
# the generator scripts and three tests are Perl.
AC_DEFUN([zw_PROG_PERL],
[AC_PATH_PROG([PERL], [perl], [no])
AS_IF([test "x$PERL" = xno],
  [AC_MSG_ERROR([perl $1 or later is needed])])
AC_MSG_CHECKING([whether $PERL is at least version $1])
AS_IF(["$PERL" -e 'use v$1;' >/dev/null 2>&1],
  [AC_MSG_RESULT([yes])],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([perl $1 or later is needed])])
AC_SUBST([PERL])])

# zw_SIMPLE_ENABLE_WARNINGS: WARN_CFLAGS, with -Werror unless
# --disable-werror.  ulp builds libxcrypt with -Werror so that a
# warning the plugin's options provoke fails the build.
AC_DEFUN([zw_SIMPLE_ENABLE_WARNINGS],
[AC_ARG_ENABLE([werror],
  [AS_HELP_STRING([--disable-werror], [do not make warnings errors])],
  [], [enable_werror=yes])
WARN_CFLAGS="-Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes"
AS_IF([test "x$enable_werror" = xyes],
  [WARN_CFLAGS="$WARN_CFLAGS -Werror"])
AC_SUBST([WARN_CFLAGS])])

# zw_ASAN_IFELSE(IF-ASAN, IF-NOT): whether CFLAGS turn on AddressSanitizer.
AC_DEFUN([zw_ASAN_IFELSE],
[AC_COMPILE_IFELSE([AC_LANG_SOURCE([[
#if !defined __SANITIZE_ADDRESS__
# if defined __has_feature
#  if !__has_feature (address_sanitizer)
#   error no asan
#  endif
# else
#  error no asan
# endif
#endif
]])], [$1], [$2])])

# zw_C_ALIGNAS, zw_C_ALIGNOF: the sources use the C11 spellings alignas
# and alignof without including <stdalign.h>; config.h provides them.
AC_DEFUN([zw_C_ALIGNAS],
[AC_CHECK_HEADERS_ONCE([stdalign.h])
AH_VERBATIM([zz_ulp_alignas],
[/* C11 alignas and alignof, for sources that do not include <stdalign.h>.  */
#if !defined __cplusplus && defined HAVE_STDALIGN_H
# include <stdalign.h>
#endif
#ifndef alignas
# define alignas(x) __attribute__ ((__aligned__ (x)))
#endif])])
AC_DEFUN([zw_C_ALIGNOF],
[AC_REQUIRE([zw_C_ALIGNAS])
AH_VERBATIM([zz_ulp_alignof],
[#ifndef alignof
# define alignof(x) __alignof__ (x)
#endif])])

# zw_C_MAX_ALIGN_T: HAVE_MAX_ALIGN_T when <stddef.h> has max_align_t.
AC_DEFUN([zw_C_MAX_ALIGN_T],
[AC_CHECK_TYPE([max_align_t],
  [AC_DEFINE([HAVE_MAX_ALIGN_T], [1],
     [Define if <stddef.h> defines max_align_t.])], [],
  [[#include <stddef.h>]])])

# zw_C_ENDIANNESS: ENDIANNESS_IS_BIG, ENDIANNESS_IS_LITTLE and
# ENDIANNESS_IS_PDP, each 0 or 1, which lib/crypt-port.h tests.  It
# also includes the system's byte-order headers when they exist, so
# HAVE_ENDIAN_H, HAVE_SYS_ENDIAN_H and HAVE_SYS_PARAM_H are checked
# here (on glibc <sys/param.h> brings <signal.h>, whose SIGSTKSZ
# test/explicit-bzero.c uses).
AC_DEFUN([zw_C_ENDIANNESS],
[AC_CHECK_HEADERS_ONCE([endian.h sys/endian.h sys/param.h])
AC_C_BIGENDIAN(
  [ulp_big=1 ulp_little=0],
  [ulp_big=0 ulp_little=1],
  [AC_MSG_ERROR([cannot tell the byte order])],
  [AC_MSG_ERROR([universal binaries are not supported])])
AC_DEFINE_UNQUOTED([ENDIANNESS_IS_BIG], [$ulp_big],
  [Define to 1 on big-endian hosts, 0 otherwise.])
AC_DEFINE_UNQUOTED([ENDIANNESS_IS_LITTLE], [$ulp_little],
  [Define to 1 on little-endian hosts, 0 otherwise.])
AC_DEFINE([ENDIANNESS_IS_PDP], [0],
  [Define to 1 on PDP-endian hosts, 0 otherwise.])])

# zw_C_STATIC_ASSERT: HAVE_STATIC_ASSERT_IN_ASSERT_H when <assert.h>
# gives static_assert, else HAVE__STATIC_ASSERT when the compiler knows
# _Static_assert.
AC_DEFUN([zw_C_STATIC_ASSERT],
[AC_CACHE_CHECK([for static_assert in assert.h], [ulp_cv_static_assert_h],
  [AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <assert.h>
static_assert (1 + 1 == 2, "arithmetic");]], [])],
    [ulp_cv_static_assert_h=yes], [ulp_cv_static_assert_h=no])])
AS_IF([test $ulp_cv_static_assert_h = yes],
  [AC_DEFINE([HAVE_STATIC_ASSERT_IN_ASSERT_H], [1],
     [Define if <assert.h> defines static_assert.])],
  [AC_CACHE_CHECK([for _Static_assert], [ulp_cv__static_assert],
    [AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[
_Static_assert (1 + 1 == 2, "arithmetic");]], [])],
      [ulp_cv__static_assert=yes], [ulp_cv__static_assert=no])])
   AS_IF([test $ulp_cv__static_assert = yes],
     [AC_DEFINE([HAVE__STATIC_ASSERT], [1],
        [Define if the compiler knows _Static_assert.])])])])

# zw_PROG_LD_WRAP: the HAVE_LD_WRAP conditional and config.h macro,
# true when the linker takes --wrap (one test wraps the system calls get_random_bytes uses).
AC_DEFUN([zw_PROG_LD_WRAP],
[AC_CACHE_CHECK([whether the linker takes --wrap], [ulp_cv_ld_wrap],
  [ulp_save_LDFLAGS=$LDFLAGS
   LDFLAGS="$LDFLAGS -Wl,--wrap,ulp_wrapped"
   AC_LINK_IFELSE([AC_LANG_PROGRAM([[
extern int __real_ulp_wrapped (void);
int __wrap_ulp_wrapped (void) { return 1; }
int ulp_wrapped (void) { return 0; }]], [[return ulp_wrapped ();]])],
     [ulp_cv_ld_wrap=yes], [ulp_cv_ld_wrap=no])
   LDFLAGS=$ulp_save_LDFLAGS])
AS_IF([test $ulp_cv_ld_wrap = yes],
  [AC_DEFINE([HAVE_LD_WRAP], [1],
     [Define if the linker takes --wrap.])])
AM_CONDITIONAL([HAVE_LD_WRAP], [test $ulp_cv_ld_wrap = yes])])

# PKG_INSTALLDIR_COMPAT: only for pkg-config older than 0.27, which the
# build machines do not have; pkgconfigdir as PKG_INSTALLDIR sets it.
AC_DEFUN([PKG_INSTALLDIR_COMPAT],
[AC_SUBST([pkgconfigdir], ['${libdir}/pkgconfig'])])
