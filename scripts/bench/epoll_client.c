/* The yardstick for snc load: the lab's client written in C, one epoll loop
 * keeping CONCURRENCY clients in flight until TOTAL have run. Each client
 * does what snc load's epoll engine does: a non-blocking connect, read the
 * intro line, send a generated message (a shared body, then a 20-byte stamp
 * naming the client, so every receipt proves the server hashed that client's
 * own bytes), shutdown(SHUT_WR), read the receipt to end of file, check it
 * against the SHA-256 (the hash state after the body computed once), close.
 * Edge-triggered, one epoll_ctl per connection, as snc load.
 *
 *   epoll_client HOST-IPV4 PORT CONCURRENCY TOTAL MESSAGE-BYTES TIMEOUT-SECONDS
 *
 * Prints one JSON line: completed, failed, seconds, connections_per_second.
 * Built by scripts/bench_lab.py with cc -O2 and -lcrypto. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum phase { CONNECTING, INTRO, SENDING, RECEIPT };

struct client {
    int fd;           /* -1: the slot is free */
    uint32_t serial;  /* tells a stale event for an earlier client in this slot apart */
    enum phase phase;
    long index;
    size_t sent;
    char stamp[21];
    char reply[256];
    size_t reply_length;
    uint64_t deadline;
};

static struct sockaddr_in target;
static int epoll_fd;
static char *body;
static size_t body_length, stamp_length;
static SHA256_CTX body_hash;
static long next_index, total, completed, failed, active;
static uint64_t timeout_ns;
static unsigned char scratch[65536];

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void end_client(struct client *c, int ok) {
    close(c->fd); /* also takes it out of the epoll set */
    c->fd = -1;
    active--;
    if (ok) completed++; else failed++;
}

/* Starts the next client in this slot; failures to start count as failed clients. */
static void start_client(struct client *c, int slot) {
    while (next_index < total) {
        long index = next_index++;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) { failed++; continue; }
        if (connect(fd, (struct sockaddr *)&target, sizeof target) < 0 && errno != EINPROGRESS) {
            close(fd);
            failed++;
            continue;
        }
        c->fd = fd;
        c->serial++;
        c->phase = CONNECTING;
        c->index = index;
        c->sent = 0;
        c->reply_length = 0;
        c->deadline = now_ns() + timeout_ns;
        char full[32];
        snprintf(full, sizeof full, "client %012ld\n", index % 1000000000000L);
        memcpy(c->stamp, full + 20 - stamp_length, stamp_length);
        struct epoll_event event = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
                                     .data.u64 = (uint64_t)c->serial << 32 | (uint32_t)slot };
        if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0) { close(fd); c->fd = -1; failed++; continue; }
        active++;
        return;
    }
}

/* Moves a client on as far as its socket allows; returns 1 when it has ended. */
static int advance(struct client *c, uint32_t events) {
    if (c->phase == CONNECTING) {
        if (events & (EPOLLERR | EPOLLHUP)) {
            int error = 0;
            socklen_t length = sizeof error;
            getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &length);
            if (error) { end_client(c, 0); return 1; }
        }
        if (!(events & EPOLLOUT)) return 0;
        c->phase = INTRO;
        c->deadline = now_ns() + timeout_ns;
        if (!(events & EPOLLIN)) return 0;
    }
    if (c->phase == INTRO) {
        for (;;) {
            ssize_t n = read(c->fd, scratch, sizeof scratch);
            if (n > 0) {
                c->reply_length += (size_t)n;
                if (memchr(scratch, '\n', (size_t)n)) break;
                if (c->reply_length > 4096) { end_client(c, 0); return 1; }
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return 0;
            end_client(c, 0);
            return 1;
        }
        c->reply_length = 0;
        c->phase = SENDING;
        c->deadline = now_ns() + timeout_ns;
    }
    if (c->phase == SENDING) {
        size_t message = body_length + stamp_length;
        while (c->sent < message) {
            struct iovec parts[2];
            int count = 0;
            if (c->sent < body_length) parts[count++] = (struct iovec){ body + c->sent, body_length - c->sent };
            size_t stamp_sent = c->sent > body_length ? c->sent - body_length : 0;
            parts[count++] = (struct iovec){ c->stamp + stamp_sent, stamp_length - stamp_sent };
            ssize_t n = writev(c->fd, parts, count);
            if (n > 0) { c->sent += (size_t)n; c->deadline = now_ns() + timeout_ns; continue; }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return 0;
            end_client(c, 0);
            return 1;
        }
        if (shutdown(c->fd, SHUT_WR) < 0) { end_client(c, 0); return 1; }
        c->phase = RECEIPT;
        c->deadline = now_ns() + timeout_ns;
        return 0; /* the receipt answers our end of file: wait for its edge */
    }
    for (;;) { /* RECEIPT */
        ssize_t n = read(c->fd, scratch, sizeof scratch);
        if (n > 0) {
            size_t room = sizeof c->reply - c->reply_length;
            size_t keep = (size_t)n < room ? (size_t)n : room;
            memcpy(c->reply + c->reply_length, scratch, keep);
            c->reply_length += keep;
            if ((size_t)n < sizeof scratch && !(events & EPOLLRDHUP)) return 0;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0;
        if (n < 0) { end_client(c, 0); return 1; }
        break; /* end of file */
    }
    SHA256_CTX hash = body_hash;
    unsigned char digest[32];
    SHA256_Update(&hash, c->stamp, stamp_length);
    SHA256_Final(digest, &hash);
    char expected[128];
    int length = snprintf(expected, sizeof expected, "received %zu bytes sha256=", body_length + stamp_length);
    for (int i = 0; i < 32; i++) length += snprintf(expected + length, sizeof expected - (size_t)length, "%02x", digest[i]);
    expected[length++] = '\n';
    end_client(c, c->reply_length == (size_t)length && memcmp(c->reply, expected, (size_t)length) == 0);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: epoll_client HOST-IPV4 PORT CONCURRENCY TOTAL MESSAGE-BYTES TIMEOUT-SECONDS\n");
        return 64;
    }
    signal(SIGPIPE, SIG_IGN);
    target.sin_family = AF_INET;
    target.sin_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &target.sin_addr) != 1) { fprintf(stderr, "epoll_client: not an IPv4 address: %s\n", argv[1]); return 64; }
    int concurrency = atoi(argv[3]);
    total = atol(argv[4]);
    long size = atol(argv[5]);
    timeout_ns = (uint64_t)(atof(argv[6]) * 1e9);
    if (concurrency < 1 || total < 1 || size < 1) { fprintf(stderr, "epoll_client: concurrency, total and size must be positive\n"); return 64; }

    /* The same generated message as snc load: filler lines, then the stamp. */
    static const char filler[] = "abcdefghijklmnopqrstuvwxyz0123456789 the quick brown fox jumps over the lazy dog\n";
    stamp_length = size < 20 ? (size_t)size : 20;
    body_length = (size_t)size - stamp_length;
    body = malloc(body_length + 1);
    for (size_t i = 0; i < body_length; i++) body[i] = filler[i % (sizeof filler - 1)];
    SHA256_Init(&body_hash);
    SHA256_Update(&body_hash, body, body_length);

    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct client *clients = calloc((size_t)concurrency, sizeof *clients);
    if (epoll_fd < 0 || !clients || !body) { perror("epoll_client"); return 1; }
    uint64_t started = now_ns();
    for (int slot = 0; slot < concurrency; slot++) { clients[slot].fd = -1; start_client(&clients[slot], slot); }
    struct epoll_event events[256];
    uint64_t last_scan = started;
    while (active > 0) {
        int ready = epoll_wait(epoll_fd, events, 256, 50);
        if (ready < 0 && errno != EINTR) { perror("epoll_wait"); return 1; }
        for (int i = 0; i < ready; i++) {
            uint32_t slot = (uint32_t)events[i].data.u64;
            struct client *c = &clients[slot];
            if (c->fd < 0 || c->serial != (uint32_t)(events[i].data.u64 >> 32)) continue;
            if (advance(c, events[i].events)) start_client(c, (int)slot);
        }
        uint64_t now = now_ns();
        if (now - last_scan >= 50000000u) { /* every 50 ms: time out what waits too long */
            last_scan = now;
            for (int slot = 0; slot < concurrency; slot++) {
                struct client *c = &clients[slot];
                if (c->fd >= 0 && now > c->deadline) { end_client(c, 0); start_client(c, slot); }
            }
        }
    }
    double seconds = (double)(now_ns() - started) / 1e9;
    printf("{\"completed\": %ld, \"failed\": %ld, \"seconds\": %.6f, \"connections_per_second\": %.1f}\n",
           completed, failed, seconds, seconds > 0 ? (double)completed / seconds : 0.0);
    return completed > 0 ? 0 : 1;
}
