/* idiom.h -- the API of the export-idiom libraries (idiom.exp).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Every idiom library exports an entry that records, in OUT, five
   values computed by the library's code: an internal helper, a second
   public function reached through the library's internal name, then
   (after calling CB, a callback into the program) another helper, the
   second function again and the first helper again.  The library's
   idiom-values.h (old or patched) decides the values; a live patch
   changes all three functions.  */

#ifndef IDIOM_H
#define IDIOM_H

#define IDIOM_NVALS 5

/* What the entry returns in OUT before and after the patch.  */
#define IDIOM_OLD { 1, 2, 3, 2, 1 }
#define IDIOM_NEW { 101, 102, 103, 102, 101 }

typedef void (*idiom_cb) (void *arg);

#ifdef __cplusplus
class idiom_engine
{
public:
  int run (idiom_cb cb, void *arg, int *out);
  int second ();

private:
  int helper_a () const;
  int calls_ = 0;
};
#else
int api_run (idiom_cb cb, void *arg, int *out);
int api_second (void);
#endif

#endif /* IDIOM_H */
