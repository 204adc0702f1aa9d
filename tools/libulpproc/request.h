/* request.h -- the request lines the tools send to the runtime.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   One builder per kind of request of ulp-protocol.h, so that no tool
   spells a request by hand.  Each writes its line into BUF (SIZE
   bytes) and returns true.  When the line fits neither BUF nor the
   mailbox (ULP_CONTROL_REQUEST_SIZE), it leaves BUF empty and returns
   false: a request is never sent cut short, and mailbox_send refuses
   the empty line as too long.  The requests that take no argument are
   constant strings.

   migrate-held and migrate-register carry a list: start the line with
   request_migrate_held or request_migrate_register, then add entries
   one at a time; an entry that does not fit leaves the line as it was
   and returns false, and the caller stops there (the runtime hears of
   the rest at the next request).  */

#ifndef ULP_REQUEST_H
#define ULP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* "apply PATH".  */
bool request_apply (char *buf, size_t size, const char *path);

/* "apply-flags FLAGS KEY PATH": KEY is NULL or "-" for none, else the
   64 lower-case hex digits of an Ed25519 public key (false for
   anything else).  */
bool request_apply_flags (char *buf, size_t size, unsigned flags,
                          const char *key_hex, const char *path);

/* "revert ID" (0: the newest patch).  */
bool request_revert (char *buf, size_t size, long id);

/* "revert-name NAME".  */
bool request_revert_name (char *buf, size_t size, const char *name);

/* "arm SONAME", "disarm SONAME".  */
bool request_arm (char *buf, size_t size, const char *soname);
bool request_disarm (char *buf, size_t size, const char *soname);

/* "status", "migrate-info".  */
const char *request_status (void);
const char *request_migrate_info (void);

/* "migrate-held SONAME NEWEST", then one " TID FRAME WHAT" per
   request_add_held (WHAT one word: a function's name or a reason).  */
bool request_migrate_held (char *buf, size_t size, const char *soname,
                           uint64_t newest);
bool request_add_held (char *buf, size_t size, pid_t tid, int frame,
                       const char *what);

/* "migrate-register SONAME", then one " TID ADDRESS" per
   request_add_registered.  */
bool request_migrate_register (char *buf, size_t size, const char *soname);
bool request_add_registered (char *buf, size_t size, pid_t tid,
                             uint64_t addr);

#endif /* ULP_REQUEST_H */
