/* SPDX-License-Identifier: MIT */
/*
 * Lock files that serialise programs using the same card (issue "one owner
 * per card"): an flock(2) per reader or device for libesimlpa users, and the
 * UUCP lock file that serial tools honour for modems.
 */
#include "card_lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <esimlpa/error.h>

#define POLL_MS 20

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Sleep one poll interval unless the deadline passed; 0 when it did. */
static int wait_more(long wait_ms, long long deadline)
{
    if (wait_ms < 0)
        return 0;
    long long left = deadline - esimlpa__mono_ms();
    if (left <= 0)
        return 0;
    sleep_ms(left < POLL_MS ? (long)left : POLL_MS);
    return 1;
}

const char *esimlpa__lock_dir(void)
{
    const char *d = getenv("ESIMLPA_LOCK_DIR");
    if (d && d[0] == '/')
        return d;
    if (access("/run/lock", W_OK | X_OK) == 0)
        return "/run/lock";
    return "/tmp";
}

/* @in with every byte outside [A-Za-z0-9._-] replaced by '_'. */
static void safe_name(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++) {
        char c = *in;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_';
        out[n++] = ok ? c : '_';
    }
    out[n] = '\0';
}

int esimlpa__flock_acquire(const char *kind, const char *id, long wait_ms, char *err,
                           size_t err_len)
{
    char name[128], path[512];
    safe_name(id ? id : "", name, sizeof name);
    if (snprintf(path, sizeof path, "%s/esimlpa-%s-%s.lock", esimlpa__lock_dir(), kind, name) >=
        (int)sizeof path) {
        snprintf(err, err_len, "lock file path too long");
        return ESIMLPA_EINVAL;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0) {
        snprintf(err, err_len, "cannot open the lock file %s: %s", path, strerror(errno));
        return ESIMLPA_ETRANSPORT;
    }
    (void)fchmod(fd, 0666);   /* other users' programs share the lock (umask) */
    long long deadline = esimlpa__mono_ms() + (wait_ms > 0 ? wait_ms : 0);
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            snprintf(err, err_len, "cannot lock %s: %s", path, strerror(errno));
            close(fd);
            return ESIMLPA_ETRANSPORT;
        }
        if (!wait_more(wait_ms, deadline))
            break;
    }
    close(fd);
    snprintf(err, err_len, "another program holds %s", path);
    return ESIMLPA_EBUSY;
}

/* PID recorded in a UUCP lock file (HDB ASCII or the old binary int); 0 if none. */
static long read_lock_pid(const char *path)
{
    char buf[32];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    if (n == (ssize_t)sizeof(int) && (buf[0] < ' ' || buf[0] > '9')) {
        int bin;
        memcpy(&bin, buf, sizeof bin);
        return bin;
    }
    return strtol(buf, NULL, 10);
}

static int pid_alive(long pid)
{
    if (pid <= 0)
        return 0;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int esimlpa__uucp_lock(const char *device, long wait_ms, char *path, size_t path_len,
                       char *err, size_t err_len)
{
    const char *rel = strncmp(device, "/dev/", 5) == 0 ? device + 5 : device;
    char name[128];
    safe_name(rel, name, sizeof name);
    if (snprintf(path, path_len, "%s/LCK..%s", esimlpa__lock_dir(), name) >= (int)path_len) {
        snprintf(err, err_len, "lock file path too long");
        return ESIMLPA_EINVAL;
    }
    char content[16];
    snprintf(content, sizeof content, "%10ld\n", (long)getpid());
    long long deadline = esimlpa__mono_ms() + (wait_ms > 0 ? wait_ms : 0);
    long holder = 0;
    for (;;) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd >= 0) {
            ssize_t w = write(fd, content, strlen(content));
            close(fd);
            if (w == (ssize_t)strlen(content))
                return ESIMLPA_OK;
            unlink(path);
            snprintf(err, err_len, "cannot write the lock file %s", path);
            return ESIMLPA_ETRANSPORT;
        }
        if (errno != EEXIST) {
            snprintf(err, err_len, "cannot create the lock file %s: %s", path, strerror(errno));
            return ESIMLPA_ETRANSPORT;
        }
        holder = read_lock_pid(path);
        if (holder == (long)getpid())
            return ESIMLPA_OK;          /* ours already (nested use in one process) */
        struct stat st;
        int old_empty = holder <= 0 && stat(path, &st) == 0 && time(NULL) - st.st_mtime > 5;
        if ((holder > 0 && !pid_alive(holder)) || old_empty) {
            unlink(path);               /* stale: its owner is gone */
            continue;
        }
        if (!wait_more(wait_ms, deadline))
            break;
    }
    snprintf(err, err_len, "%s is locked by process %ld (%s)", device, holder, path);
    return ESIMLPA_EBUSY;
}

void esimlpa__uucp_unlock(const char *path)
{
    if (path && path[0] && read_lock_pid(path) == (long)getpid())
        unlink(path);
}

int esimlpa__flock_fd_until(int fd, long long deadline_ms)
{
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 1;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return 0;   /* a node that cannot be flocked: the lock file stands alone */
        if (esimlpa__mono_ms() >= deadline_ms)
            return ESIMLPA_EBUSY;
        struct timespec ts = { 0, POLL_MS * 1000000L };
        nanosleep(&ts, NULL);
    }
}

void esimlpa__dev_lock_init(struct esimlpa__dev_lock *l)
{
    l->lock_fd = -1;
    l->node_locked = 0;
    l->wait_ms = 0;
}

int esimlpa__dev_lock_node(struct esimlpa__dev_lock *l, int node_fd, const char *device,
                           char *err, size_t err_len)
{
    if (l->lock_fd < 0 || node_fd < 0 || l->node_locked)
        return ESIMLPA_OK;
    int r = esimlpa__flock_fd_until(node_fd, esimlpa__mono_ms() + (l->wait_ms > 0 ? l->wait_ms : 0));
    if (r == ESIMLPA_EBUSY) {
        snprintf(err, err_len, "%s is locked (flock) by another program", device);
        return r;
    }
    l->node_locked = r;
    return ESIMLPA_OK;
}

int esimlpa__dev_lock_take(struct esimlpa__dev_lock *l, const char *kind, const char *device,
                           long wait_ms, int node_fd, char *err, size_t err_len)
{
    if (l->lock_fd >= 0)
        return ESIMLPA_OK;
    int fd = esimlpa__flock_acquire(kind, device, wait_ms, err, err_len);
    if (fd < 0)
        return fd;
    l->lock_fd = fd;
    l->wait_ms = wait_ms;
    int rc = esimlpa__dev_lock_node(l, node_fd, device, err, err_len);
    if (rc != ESIMLPA_OK) {
        close(l->lock_fd);
        l->lock_fd = -1;
    }
    return rc;
}

void esimlpa__dev_lock_node_release(struct esimlpa__dev_lock *l, int node_fd)
{
    if (l->node_locked && node_fd >= 0)
        flock(node_fd, LOCK_UN);
    l->node_locked = 0;
}

void esimlpa__dev_lock_release(struct esimlpa__dev_lock *l, int node_fd)
{
    esimlpa__dev_lock_node_release(l, node_fd);
    if (l->lock_fd >= 0)
        close(l->lock_fd);
    l->lock_fd = -1;
}
