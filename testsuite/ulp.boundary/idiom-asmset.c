/* idiom-asmset.c -- exports made in top-level assembly.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   The functions are defined hidden, under internal names the library's
   own callers use, and exported by aliases that top-level asm
   statements make (.set and =), as libraries do that predate the alias
   attribute or keep their export lists in assembly.  The compiler never
   sees the aliases as declarations: the plugin reads them from the
   unit's top-level asm.  */

#include "idiom.h"
#include "idiom-values.h"

int idiom_calls __attribute__ ((visibility ("hidden")));
int api_run_impl (idiom_cb cb, void *arg, int *out)
    __attribute__ ((visibility ("hidden")));
int api_second_impl (void) __attribute__ ((visibility ("hidden")));

__asm__ (".globl api_run\n\t.type api_run, @function\n"
         "\t.set api_run, api_run_impl");
__asm__ ("\t.global api_second; .type api_second, @function; "
         "api_second = api_second_impl");

#define IDIOM_RUN api_run_impl
#define IDIOM_SECOND api_second_impl
#include "idiom-body.h"
