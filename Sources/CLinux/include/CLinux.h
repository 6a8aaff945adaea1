#ifndef SNC_CLINUX_H
#define SNC_CLINUX_H

// Linux calls that Glibc declares only under _GNU_SOURCE, which the Swift
// Glibc module is not built with: splice(2), pipe2(2), accept4(2), the pipe-size fcntls
//. Thin inline wrappers so Swift sees plain C functions.

#include <stddef.h>
#include <sys/types.h>

#include <sys/socket.h>

int snc_pipe2(int fds[2], int flags);
int snc_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
ssize_t snc_splice(int fd_in, int fd_out, size_t len, unsigned int flags);
int snc_set_pipe_size(int fd, int size);

/// Bytes in a socket's send queue not yet acknowledged by the peer (SIOCOUTQ), or -1.
int snc_unsent_bytes(int fd);
int snc_get_pipe_size(int fd);
// mallopt(M_TRIM_THRESHOLD, bytes): freed memory glibc keeps at the heap's
// top before giving it back; 1 on success.
int snc_set_malloc_trim_threshold(int bytes);

extern const unsigned int snc_splice_f_move;
extern const unsigned int snc_splice_f_nonblock;
extern const unsigned int snc_splice_f_more;

#include "CLinuxEvents.h"
#include "CLinuxProcess.h"
#include "CLinuxNamespace.h"
#include "CLinuxCapture.h"

#endif
