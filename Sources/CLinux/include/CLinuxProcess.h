#ifndef SNC_CLINUX_PROCESS_H
#define SNC_CLINUX_PROCESS_H

// What --exec and --pty need from glibc that Swift's Glibc module does not
// show: POSIX_SPAWN_SETSID is declared only under _GNU_SOURCE, the wait(2)
// status macros are expressions, and ptsname_r(3) is a GNU extension.

#include <stddef.h>

// POSIX_SPAWN_SETSID (glibc 2.26): the child calls setsid(2) before its file
// actions run, so the terminal it then opens becomes its controlling tty.
extern const short snc_posix_spawn_setsid;

// A new pseudo-terminal: the master, opened read-write, close-on-exec and
// without becoming snc's controlling terminal, unlocked, with a window of
// `rows` x `columns`; the slave's path is written to `path`. -1 and errno on failure.
int snc_open_pseudo_terminal(char *path, size_t path_size, unsigned short rows, unsigned short columns);

// The terminal's end-of-file character (VEOF, usually ^D) if the line
// discipline is in canonical mode, else -1: in raw mode no byte means end of input.
int snc_terminal_eof_character(int fd);

// The WIFEXITED/WEXITSTATUS/WIFSIGNALED/WTERMSIG macros of <sys/wait.h>.
int snc_wait_exited(int status);
int snc_wait_exit_status(int status);
int snc_wait_signaled(int status);
int snc_wait_signal(int status);

#endif
