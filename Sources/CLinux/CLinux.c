#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include "CLinux.h"

int snc_pipe2(int fds[2], int flags) { return pipe2(fds, flags); }

int snc_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    return accept4(fd, address, length, flags);
}

ssize_t snc_splice(int fd_in, int fd_out, size_t len, unsigned int flags) {
    return splice(fd_in, NULL, fd_out, NULL, len, flags);
}

int snc_set_pipe_size(int fd, int size) { return fcntl(fd, F_SETPIPE_SZ, size); }
int snc_get_pipe_size(int fd) { return fcntl(fd, F_GETPIPE_SZ); }

const unsigned int snc_splice_f_move = SPLICE_F_MOVE;
const unsigned int snc_splice_f_nonblock = SPLICE_F_NONBLOCK;
const unsigned int snc_splice_f_more = SPLICE_F_MORE;

int snc_unsent_bytes(int fd) {
    int count = 0;
    return ioctl(fd, SIOCOUTQ, &count) == 0 ? count : -1;
}

int snc_set_malloc_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }
