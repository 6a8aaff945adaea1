#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "CLinuxProcess.h"

const short snc_posix_spawn_setsid = POSIX_SPAWN_SETSID;

int snc_open_pseudo_terminal(char *path, size_t path_size, unsigned short rows, unsigned short columns) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master == -1) return -1;
    struct winsize size = { .ws_row = rows, .ws_col = columns };
    if (grantpt(master) == -1 || unlockpt(master) == -1 || ptsname_r(master, path, path_size) != 0
        || ioctl(master, TIOCSWINSZ, &size) == -1) {
        int saved = errno;
        close(master);
        errno = saved;
        return -1;
    }
    return master;
}

int snc_terminal_eof_character(int fd) {
    struct termios settings;
    if (tcgetattr(fd, &settings) == -1 || !(settings.c_lflag & ICANON)) return -1;
    return settings.c_cc[VEOF];
}

int snc_wait_exited(int status) { return WIFEXITED(status); }
int snc_wait_exit_status(int status) { return WEXITSTATUS(status); }
int snc_wait_signaled(int status) { return WIFSIGNALED(status); }
int snc_wait_signal(int status) { return WTERMSIG(status); }
