/* SPDX-License-Identifier: MIT */
/* Advisory lock files that give one program at a time the card (not installed). */
#ifndef ESIMLPA_CARD_LOCKFILE_H
#define ESIMLPA_CARD_LOCKFILE_H

#include <stddef.h>

#include "util/util_internal.h"   /* esimlpa__mono_ms */

/* Directory of the lock files: $ESIMLPA_LOCK_DIR, else /run/lock (the FHS
 * /var/lock) when writable, else /tmp. */
const char *esimlpa__lock_dir(void);

/*
 * Take an exclusive flock(2) on "<lock dir>/esimlpa-<kind>-<id>.lock" (id made
 * file-name safe), polling until @wait_ms ran out (< 0: one try). Returns the
 * open descriptor (>= 0), ESIMLPA_EBUSY when another holder kept it, or
 * another ESIMLPA_E* code (detail in err). The lock goes with close(fd).
 */
int esimlpa__flock_acquire(const char *kind, const char *id, long wait_ms, char *err,
                           size_t err_len);

/*
 * UUCP-style lock of a serial device, honoured by cu, minicom, ModemManager's
 * neighbours: "<lock dir>/LCK..<device without /dev/, '/' as '_'>" holding the
 * owner's PID as ten digits and a newline (HDB UUCP format). A file whose PID
 * is gone is stale and taken over. Returns 0, ESIMLPA_EBUSY (another live
 * process holds it after @wait_ms) or another ESIMLPA_E* code. @path receives
 * the lock file's path for esimlpa__uucp_unlock().
 */
int esimlpa__uucp_lock(const char *device, long wait_ms, char *path, size_t path_len,
                       char *err, size_t err_len);
/* Remove the UUCP lock at @path if it is still ours. */
void esimlpa__uucp_unlock(const char *path);


/*
 * flock(2) an open device node, polling until @deadline_ms (esimlpa__mono_ms):
 * other programs that lock the node itself keep out while we hold it.
 * Returns 1 (held), 0 (the node cannot be flocked: nothing to release) or
 * ESIMLPA_EBUSY (another holder kept it until the deadline).
 */
int esimlpa__flock_fd_until(int fd, long long deadline_ms);

/*
 * One owner per modem for the QMI and MBIM transports: our lock file
 * ("<lock dir>/esimlpa-<kind>-<device>.lock") for the whole operation, and
 * flock(2) on the device node whenever it is open while the lock is held.
 */
struct esimlpa__dev_lock {
    int lock_fd;        /* our lock file; -1: not held */
    int node_locked;    /* flock(2) on the device node held */
    long wait_ms;       /* the operation's wait, also for a node opened later */
};
void esimlpa__dev_lock_init(struct esimlpa__dev_lock *l);
/* Take the lock file (waiting @wait_ms), then the node if @node_fd >= 0.
 * 0, ESIMLPA_EBUSY or another ESIMLPA_E* code (detail in @err); nothing is
 * held after a failure. */
int esimlpa__dev_lock_take(struct esimlpa__dev_lock *l, const char *kind, const char *device,
                           long wait_ms, int node_fd, char *err, size_t err_len);
/* flock the node just opened (@node_fd < 0: a proxy socket, nothing to do)
 * if the lock file is held; 0 or ESIMLPA_EBUSY naming @device in @err. */
int esimlpa__dev_lock_node(struct esimlpa__dev_lock *l, int node_fd, const char *device,
                           char *err, size_t err_len);
/* Before the node is closed: drop its flock (the lock file stays). */
void esimlpa__dev_lock_node_release(struct esimlpa__dev_lock *l, int node_fd);
/* End of the operation: the node's flock and the lock file. */
void esimlpa__dev_lock_release(struct esimlpa__dev_lock *l, int node_fd);

#endif
