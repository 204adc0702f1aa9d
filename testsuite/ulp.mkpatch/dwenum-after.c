/* dwenum-after.c -- ulp-mkpatch layout check: an enumeration
   renumbered by a new first enumerator (after).  A job stored as
   DWENUM_BUSY (1) before the patch would read as DWENUM_IDLE.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

enum dwenum_state
{
  DWENUM_NEW,
  DWENUM_IDLE,
  DWENUM_BUSY
};

struct dwenum_job
{
  enum dwenum_state state;
  int id;
};

int
dwenum_busy (const struct dwenum_job *j)
{
  return j->state == DWENUM_BUSY || j->state == DWENUM_NEW;
}
