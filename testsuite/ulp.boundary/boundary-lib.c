/* boundary-lib.c -- a library whose exported functions are
   boundary-tracked, for boundary.exp.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

typedef void (*callback) (void *);

int
lib_leaf (int x)
{
  return x + 1;
}

/* Call back into the application, which may call back in.  */
void
lib_call (callback cb, void *arg)
{
  cb (arg);
}

/* Recursion through the exported interface.  */
int
lib_recurse (int n, callback cb, void *arg)
{
  if (n == 0)
    {
      cb (arg);
      return 0;
    }
  return 1 + lib_recurse (n - 1, cb, arg);
}

/* Functions that are not boundaries: a static one, reached through a
   pointer, and a hidden one.  */
static void
lib_static_callee (callback cb, void *arg)
{
  cb (arg);
}

__attribute__ ((visibility ("hidden"))) void
lib_hidden_callee (callback cb, void *arg)
{
  cb (arg);
}

typedef void (*caller) (callback, void *);

caller
lib_static_pointer (void)
{
  return lib_static_callee;
}
