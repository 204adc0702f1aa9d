/* rt-wx.c -- patching a process that refuses writable code.

   Copyright (C) 2026 The ulp authors.
   SPDX-License-Identifier: GPL-3.0-or-later

   Arguments: patches 1 and 2 of rt-lib.c and a mode.  The process
   refuses writable code, so that mprotect can no longer make code
   writable; the runtime must then write through /proc/self/mem and
   switch entries with a page swap, while four threads keep calling the
   library and checking their results.  Modes:
     mdwe     PR_SET_MDWE (what systemd's MemoryDenyWriteExecute does on
              Linux 6.3 and later; UNSUPPORTED on older kernels);
     seccomp  a seccomp filter on every thread that refuses mmap,
              mprotect and pkey_mprotect asking for PROT_WRITE with
              PROT_EXEC (EACCES), as systemd's MemoryDenyWriteExecute
              does on older kernels such as Debian 12's 6.1.  */

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt-lib.h"
#include "rt-test.h"

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

/* Refuse PROT_WRITE|PROT_EXEC in mmap, mprotect and pkey_mprotect on
   every thread of the process.  0 or -1.  */
static int
refuse_wx_seccomp (void)
{
  struct sock_filter f[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_mmap, 3, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 2, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_pkey_mprotect, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    /* The low 32 bits of the third argument, the protection.  */
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
              offsetof (struct seccomp_data, args[2])),
    BPF_STMT (BPF_ALU | BPF_AND | BPF_K, PROT_WRITE | PROT_EXEC),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, PROT_WRITE | PROT_EXEC, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof f / sizeof f[0], f };
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return -1;
  /* TSYNC: the runtime's worker thread, already running, too.  */
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                  SECCOMP_FILTER_FLAG_TSYNC, &prog) == 0 ? 0 : -1;
}

static volatile int stop;
static long wrong, calls;

static void *
worker (void *arg)
{
  (void) arg;
  while (!stop)
    {
      int v = rt_pair ();
      if (v != 110 && v != 220 && v != 330)
        __atomic_add_fetch (&wrong, 1, __ATOMIC_RELAXED);
      __atomic_add_fetch (&calls, 1, __ATOMIC_RELAXED);
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc != 4)
    return 2;
  if (strcmp (argv[3], "seccomp") == 0)
    {
      if (!rt_check (refuse_wx_seccomp () == 0, "W^X: seccomp filter "
                     "installed", "%s", strerror (errno)))
        return 0;
    }
  else if (prctl (PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0)
    {
      rt_unsupported ("W^X", "the kernel has no PR_SET_MDWE (Linux 6.3)");
      return 0;
    }
  void *page = mmap (NULL, 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  rt_check (mprotect (page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) != 0,
            "W^X: mprotect refuses writable code", "accepted");

  pthread_t th[4];
  for (int i = 0; i < 4; i++)
    pthread_create (&th[i], NULL, worker, NULL);
  for (int c = 0; c < 50; c++)
    {
      long id1 = rt_apply (argv[1], "W^X: apply p1");
      long id2 = rt_apply (argv[2], "W^X: apply p2");
      if (c == 0)
        {
          rt_check (rt_pair () == 330, "W^X: patched", "%d", rt_pair ());
          rt_check (rt_status_count ("\"code_writes\": \"proc-mem\"") == 1,
                    "W^X: code written through /proc/self/mem", "no");
        }
      rt_revert (id2, "W^X: revert p2");
      rt_revert (id1, "W^X: revert p1");
    }
  stop = 1;
  for (int i = 0; i < 4; i++)
    pthread_join (th[i], NULL);
  rt_check (rt_pair () == 110, "W^X: reverted", "%d", rt_pair ());
  rt_check (wrong == 0 && calls > 0, "W^X: no wrong result under load",
            "%ld wrong of %ld", wrong, calls);
  rt_check (ulp_patches (NULL, 0) == 0
            && rt_status_count ("\"state\": \"reverted\"") == 0,
            "W^X: everything unloaded", "");
  return 0;
}
