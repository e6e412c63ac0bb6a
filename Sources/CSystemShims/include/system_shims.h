// The C library calls Swift cannot reach through the Glibc module: GNU extensions and a raw
// system call. Kept apart from the ncurses shim (one concern a target).
#pragma once
#include <sys/types.h>

/// pipe(2) with both ends close-on-exec from the start (pipe2 on Linux), so that no child spawned
/// at the same moment on another thread inherits a write end. 0, or -1 with errno.
int devtui_pipe_cloexec(int fds[2]);

/// pidfd_open(2): a descriptor that turns readable when `pid` exits (Linux 5.3+).
/// -1 with errno (ENOSYS on older kernels and other systems).
int devtui_pidfd_open(pid_t pid);

/// mallopt(M_ARENA_MAX, count) on glibc; nothing elsewhere.
void devtui_limit_malloc_arenas(int count);
