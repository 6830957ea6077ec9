/* SPDX-License-Identifier: MIT */
/* Advisory lock files that give one program at a time the card (not installed). */
#ifndef ESIMLPA_CARD_LOCKFILE_H
#define ESIMLPA_CARD_LOCKFILE_H

#include <stddef.h>

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

#endif
