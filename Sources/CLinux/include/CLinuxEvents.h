#ifndef SNC_CLINUX_EVENTS_H
#define SNC_CLINUX_EVENTS_H

// Linux-only event and socket calls for the load tester and the lab server:
// epoll(7), signalfd(2) and IP_BIND_ADDRESS_NO_PORT.

// epoll(7), through a plain (unpacked) event struct: glibc declares
// struct epoll_event packed on x86-64, a layout Swift does not import.
struct snc_epoll_event {
    unsigned int events;
    unsigned long long data;
};
int snc_epoll_create(void);
int snc_epoll_ctl(int epfd, int op, int fd, unsigned int events, unsigned long long data);
// Waits for at most 256 events per call (the caller's array must hold max_events).
int snc_epoll_wait(int epfd, struct snc_epoll_event *events, int max_events, int timeout_ms);

extern const int snc_epoll_ctl_add;
extern const int snc_epoll_ctl_mod;
extern const int snc_epoll_ctl_del;
extern const unsigned int snc_epollin;
extern const unsigned int snc_epollout;
extern const unsigned int snc_epollerr;
extern const unsigned int snc_epollhup;
extern const unsigned int snc_epollrdhup;
extern const unsigned int snc_epollet;

// signalfd(2): blocks the given signals in the calling thread (threads it
// starts later inherit the mask) and returns a non-blocking, close-on-exec
// descriptor that reads them.
int snc_signalfd_blocking(const int *signals, int count);
// The number of the next pending signal, 0 if none is pending, -1 on error.
int snc_signalfd_next(int fd);

// IP_BIND_ADDRESS_NO_PORT (Linux 4.2): bind(2) picks the source address only
// and leaves the port to connect(2), which may then reuse a port for
// different destinations.
extern const int snc_ip_bind_address_no_port;

#endif
