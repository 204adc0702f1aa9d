/* dwenum-before.c -- ulp-mkpatch layout check: an enumeration
   renumbered by a new first enumerator (before).

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later  */

enum dwenum_state
{
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
  return j->state == DWENUM_BUSY;
}
