#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "CLinuxEvents.h"

int snc_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int snc_epoll_ctl(int epfd, int op, int fd, unsigned int events, unsigned long long data) {
    struct epoll_event event = { .events = events, .data = { .u64 = data } };
    return epoll_ctl(epfd, op, fd, &event);
}

int snc_epoll_wait(int epfd, struct snc_epoll_event *events, int max_events, int timeout_ms) {
    struct epoll_event ready[256];
    if (max_events > 256) max_events = 256;
    int count = epoll_wait(epfd, ready, max_events, timeout_ms);
    for (int i = 0; i < count; i++) {
        events[i].events = ready[i].events;
        events[i].data = ready[i].data.u64;
    }
    return count;
}

const int snc_epoll_ctl_add = EPOLL_CTL_ADD;
const int snc_epoll_ctl_mod = EPOLL_CTL_MOD;
const int snc_epoll_ctl_del = EPOLL_CTL_DEL;
const unsigned int snc_epollin = EPOLLIN;
const unsigned int snc_epollout = EPOLLOUT;
const unsigned int snc_epollerr = EPOLLERR;
const unsigned int snc_epollhup = EPOLLHUP;
const unsigned int snc_epollrdhup = EPOLLRDHUP;
const unsigned int snc_epollet = EPOLLET;

int snc_signalfd_blocking(const int *signals, int count) {
    sigset_t mask;
    sigemptyset(&mask);
    for (int i = 0; i < count; i++) sigaddset(&mask, signals[i]);
    int status = pthread_sigmask(SIG_BLOCK, &mask, NULL);
    if (status != 0) {
        errno = status;
        return -1;
    }
    return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

int snc_signalfd_next(int fd) {
    struct signalfd_siginfo info;
    for (;;) {
        ssize_t got = read(fd, &info, sizeof info);
        if (got == (ssize_t)sizeof info) return (int)info.ssi_signo;
        if (got == -1 && errno == EINTR) continue;
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        return -1;
    }
}

const int snc_ip_bind_address_no_port = IP_BIND_ADDRESS_NO_PORT;
