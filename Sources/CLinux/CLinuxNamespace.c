#define _GNU_SOURCE
#include "CLinuxNamespace.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

const char *const snc_namespace_environment_key = "SNC_ISOLATED_NAMESPACE";

static int namespace_state = 0;
static const char *failed_call = "";
static int failed_errno = 0;

int snc_namespace_state(void) { return namespace_state; }
const char *snc_namespace_failed_call(void) { return failed_call; }
int snc_namespace_failed_errno(void) { return failed_errno; }

static void fail(const char *call, int code) {
    namespace_state = -1;
    failed_call = call;
    failed_errno = code;
}

// One write(2) of the whole text: uid_map and gid_map accept a map only in a single write.
static int write_whole(const char *path, const char *text) {
    int fd;
    do { fd = open(path, O_WRONLY | O_CLOEXEC); } while (fd == -1 && errno == EINTR);
    if (fd == -1) return -1;
    size_t length = strlen(text);
    ssize_t written;
    do { written = write(fd, text, length); } while (written == -1 && errno == EINTR);
    int code = errno;
    close(fd);
    if (written != (ssize_t)length) { errno = written == -1 ? code : EIO; return -1; }
    return 0;
}

// A fresh network namespace has only lo, and it is down (ip link: state DOWN).
static int loopback_up(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd == -1) return -1;
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    int result = ioctl(fd, SIOCGIFFLAGS, &request);
    if (result == 0) {
        request.ifr_flags |= IFF_UP | IFF_RUNNING;
        result = ioctl(fd, SIOCSIFFLAGS, &request);
    }
    int code = errno;
    close(fd);
    errno = code;
    return result;
}

__attribute__((constructor)) static void snc_namespace_enter_if_asked(void) {
    const char *asked = getenv(snc_namespace_environment_key);
    if (asked == NULL || strcmp(asked, "1") != 0) return;
    // Programs this process starts (the server) stay in this namespace: they must not enter another.
    unsetenv(snc_namespace_environment_key);

    // Read before unshare: inside, before the map is written, both are the overflow id.
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) { fail("unshare", errno); return; }

    char map[64];
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
    if (write_whole("/proc/self/uid_map", map) != 0) { fail("write /proc/self/uid_map", errno); return; }
    // An unprivileged process may write gid_map only after denying setgroups(2) (user_namespaces(7)).
    if (write_whole("/proc/self/setgroups", "deny") != 0 && errno != ENOENT) { fail("write /proc/self/setgroups", errno); return; }
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
    if (write_whole("/proc/self/gid_map", map) != 0) { fail("write /proc/self/gid_map", errno); return; }
    if (loopback_up() != 0) { fail("ioctl SIOCSIFFLAGS lo", errno); return; }
    namespace_state = 1;
}
