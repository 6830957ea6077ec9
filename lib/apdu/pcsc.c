/* SPDX-License-Identifier: MIT */
/*
 * Built-in PC/SC (pcsc-lite) APDU transport. The card is shared with other
 * processes (SCARD_SHARE_SHARED) between operations; during one it is held
 * with a lock file (bounded wait, see card_lockfile.c) and a PC/SC
 * transaction (other PC/SC programs wait). 61xx/6Cxx from T=0 are passed
 * through for the ISO 7816 layer to handle.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <winscard.h>

#include <esimlpa/error.h>
#include <esimlpa/transport.h>

#include "card_lockfile.h"
#include "pcsc_worker.h"

#define DEFAULT_APDU_TIMEOUT_MS 30000L

struct pcsc_transport {
    struct esimlpa_apdu_transport pub;  /* first: the public handle points here */
    char *reader_opt;                   /* name or decimal index, or NULL */
    int protocol;                       /* esimlpa_pcsc_options.protocol */
    SCARDCONTEXT hctx;
    int have_ctx;
    SCARDHANDLE card;
    int have_card;
    DWORD active_protocol;
    char *reader;                       /* connected reader's name */
    int lock_fd;                        /* held lock file, -1 when not locked */
    char *lock_reader;                  /* reader chosen and locked before connect */
    int in_transaction;                 /* SCardBeginTransaction is in force */
    struct pcsc_worker *worker;         /* runs SCardTransmit under a time limit */
    long apdu_timeout_ms;
    int reset_seen;                     /* a transmit got SCARD_W_RESET_CARD */
    int stuck;                          /* a transmit timed out and is still blocked in
                                           pcsc-lite: the handle and context are unusable */
    char lock_err[600];
};

static int pcsc_connect(void *user);
static void pcsc_disconnect(void *user);
static int pcsc_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                         size_t *resp_len);
static int pcsc_lock(void *user, long wait_ms);
static void pcsc_unlock(void *user);
static int pcsc_reconnect(void *user, int power_cycle);

/* PC/SC result -> ESIMLPA_E*. @in_session: a missing card means it was removed. */
static int map_pcsc(LONG rv, int in_session)
{
    switch (rv) {
    case SCARD_S_SUCCESS:
        return ESIMLPA_OK;
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
        return ESIMLPA_ENOSERVICE;
    case SCARD_E_NO_READERS_AVAILABLE:
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_READER_UNAVAILABLE:
        return ESIMLPA_ENOREADER;
    case SCARD_E_NO_SMARTCARD:
    case SCARD_W_REMOVED_CARD:
        return in_session ? ESIMLPA_ECARDREMOVED : ESIMLPA_ENOCARD;
    case SCARD_W_RESET_CARD:
        return ESIMLPA_ECARDREMOVED;
    case SCARD_E_SHARING_VIOLATION:
        return ESIMLPA_EBUSY;
    case SCARD_E_TIMEOUT:
        return ESIMLPA_ETIMEOUT;
    case SCARD_E_NO_MEMORY:
        return ESIMLPA_ENOMEM;
    case SCARD_E_PROTO_MISMATCH:    /* the card does not offer the protocol asked for */
        return ESIMLPA_EUNSUPPORTED;
    default:
        return ESIMLPA_ETRANSPORT;
    }
}

/* The readers as one multi-string (malloc'd), *len its size. */
static int list_readers(SCARDCONTEXT hctx, char **multi, DWORD *len)
{
    DWORD n = 0;
    LONG rv = SCardListReaders(hctx, NULL, NULL, &n);
    if (rv != SCARD_S_SUCCESS)
        return map_pcsc(rv, 0);
    if (n <= 1)
        return ESIMLPA_ENOREADER;
    char *buf = calloc(1, (size_t)n + 1);
    if (!buf)
        return ESIMLPA_ENOMEM;
    rv = SCardListReaders(hctx, NULL, buf, &n);
    if (rv != SCARD_S_SUCCESS) {
        free(buf);
        return map_pcsc(rv, 0);
    }
    *multi = buf;
    *len = n;
    return ESIMLPA_OK;
}

int esimlpa_pcsc_readers_list(char ***names)
{
    if (!names)
        return ESIMLPA_EINVAL;
    *names = NULL;
    SCARDCONTEXT hctx;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &hctx);
    if (rv != SCARD_S_SUCCESS)
        return map_pcsc(rv, 0);
    char *multi = NULL;
    DWORD len = 0;
    int rc = list_readers(hctx, &multi, &len);
    SCardReleaseContext(hctx);
    if (rc != ESIMLPA_OK)
        return rc;

    size_t count = 0;
    for (const char *p = multi; *p; p += strlen(p) + 1)
        count++;
    if (count == 0) {
        free(multi);
        return ESIMLPA_ENOREADER;
    }
    char **out = calloc(count + 1, sizeof *out);
    if (!out) {
        free(multi);
        return ESIMLPA_ENOMEM;
    }
    size_t i = 0;
    for (const char *p = multi; *p; p += strlen(p) + 1) {
        out[i] = strdup(p);
        if (!out[i]) {
            free(multi);
            esimlpa_pcsc_readers_free(out);
            return ESIMLPA_ENOMEM;
        }
        i++;
    }
    free(multi);
    *names = out;
    return ESIMLPA_OK;
}

void esimlpa_pcsc_readers_free(char **names)
{
    if (!names)
        return;
    for (size_t i = 0; names[i]; i++)
        free(names[i]);
    free(names);
}

int esimlpa_pcsc_transport_new(const struct esimlpa_pcsc_options *opts,
                               struct esimlpa_apdu_transport **out)
{
    if (!out)
        return ESIMLPA_EINVAL;
    *out = NULL;
    if (opts && (opts->version != ESIMLPA_PCSC_OPTIONS_VERSION || opts->protocol < 0 ||
                 opts->protocol > 2))
        return ESIMLPA_EINVAL;
    if (opts && opts->reader && opts->reader[0] == '\0')
        return ESIMLPA_EINVAL;

    struct pcsc_transport *t = calloc(1, sizeof *t);
    if (!t)
        return ESIMLPA_ENOMEM;
    if (opts && opts->reader) {
        t->reader_opt = strdup(opts->reader);
        if (!t->reader_opt) {
            free(t);
            return ESIMLPA_ENOMEM;
        }
    }
    t->protocol = opts ? opts->protocol : 0;
    t->pub.version = ESIMLPA_APDU_TRANSPORT_VERSION;
    t->pub.user = t;
    t->pub.connect = pcsc_connect;
    t->pub.disconnect = pcsc_disconnect;
    t->pub.transmit = pcsc_transmit;
    t->pub.lock = pcsc_lock;
    t->pub.unlock = pcsc_unlock;
    t->pub.reconnect = pcsc_reconnect;
    t->lock_fd = -1;
    t->apdu_timeout_ms = DEFAULT_APDU_TIMEOUT_MS;
    *out = &t->pub;
    return ESIMLPA_OK;
}

static struct pcsc_transport *as_pcsc(const struct esimlpa_apdu_transport *t)
{
    if (!t || t->connect != pcsc_connect)
        return NULL;
    return (struct pcsc_transport *)t->user;
}

void esimlpa_pcsc_transport_free(struct esimlpa_apdu_transport *tr)
{
    struct pcsc_transport *t = as_pcsc(tr);
    if (!t)
        return;
    pcsc_disconnect(t);
    pcsc_unlock(t);
    free(t->reader_opt);
    free(t);
}

const char *esimlpa_pcsc_transport_reader(const struct esimlpa_apdu_transport *tr)
{
    const struct pcsc_transport *t = as_pcsc(tr);
    return (t && t->have_card) ? t->reader : NULL;
}

static int is_index(const char *s)
{
    if (!s || !*s || strlen(s) > 4)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static DWORD wanted_protocols(int protocol)
{
    switch (protocol) {
    case 1: return SCARD_PROTOCOL_T0;
    case 2: return SCARD_PROTOCOL_T1;
    default: return SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;
    }
}

/* Exclusive use for one operation. pcsc-lite has no timeout of its own: its
 * SCardBeginTransaction (and, inside pcscd, SCardConnect) wait as long as
 * another client's transaction lasts. So libesimlpa programs first take a
 * lock file per reader with a bounded wait; the transaction then keeps other
 * PC/SC programs out (they wait in pcsc-lite until it ends). */
static int begin_transaction(struct pcsc_transport *t)
{
    LONG rv = SCardBeginTransaction(t->card);
    if (rv == SCARD_W_RESET_CARD) {
        /* Reset by another program since our last operation: take the card
         * back as it is now; the library reopens its channel (reset_seen). */
        DWORD active = 0;
        rv = SCardReconnect(t->card, SCARD_SHARE_SHARED, wanted_protocols(t->protocol),
                            SCARD_LEAVE_CARD, &active);
        if (rv == SCARD_S_SUCCESS) {
            t->active_protocol = active;
            t->reset_seen = 1;
            rv = SCardBeginTransaction(t->card);
        }
    }
    if (rv != SCARD_S_SUCCESS)
        return map_pcsc(rv, 1);
    t->in_transaction = 1;
    return ESIMLPA_OK;
}

/* Before connect: the reader connect() will use (named, by index, or the first
 * one with a card present), as a malloc'd name in t->lock_reader. */
static int choose_reader(struct pcsc_transport *t)
{
    if (!t->have_ctx) {
        LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &t->hctx);
        if (rv != SCARD_S_SUCCESS)
            return map_pcsc(rv, 0);
        t->have_ctx = 1;
    }
    char *multi = NULL;
    DWORD len = 0;
    int rc = list_readers(t->hctx, &multi, &len);
    if (rc != ESIMLPA_OK)
        return rc;
    const char *match = NULL;
    if (t->reader_opt) {
        for (const char *p = multi; *p && !match; p += strlen(p) + 1)
            if (strcmp(p, t->reader_opt) == 0)
                match = p;
        if (!match && is_index(t->reader_opt)) {
            long want = strtol(t->reader_opt, NULL, 10), i = 0;
            for (const char *p = multi; *p && !match; p += strlen(p) + 1, i++)
                if (i == want)
                    match = p;
        }
        rc = match ? ESIMLPA_OK : ESIMLPA_ENOREADER;
    } else {
        /* The first reader with a card present (pcscd's state, no card I/O). */
        rc = ESIMLPA_ENOCARD;
        for (const char *p = multi; *p && !match; p += strlen(p) + 1) {
            SCARD_READERSTATE rs;
            memset(&rs, 0, sizeof rs);
            rs.szReader = p;
            rs.dwCurrentState = SCARD_STATE_UNAWARE;
            if (SCardGetStatusChange(t->hctx, 0, &rs, 1) == SCARD_S_SUCCESS &&
                (rs.dwEventState & SCARD_STATE_PRESENT) && !(rs.dwEventState & SCARD_STATE_MUTE))
                match = p;
        }
        if (match)
            rc = ESIMLPA_OK;
    }
    if (match) {
        free(t->lock_reader);
        t->lock_reader = strdup(match);
        if (!t->lock_reader)
            rc = ESIMLPA_ENOMEM;
    }
    free(multi);
    return rc;
}

static int pcsc_lock(void *user, long wait_ms)
{
    struct pcsc_transport *t = user;
    if (t->stuck)
        return ESIMLPA_ETIMEOUT;   /* pcsc-lite is blocked in the timed-out transmit */
    if (t->lock_fd >= 0)
        return ESIMLPA_OK;
    if (!t->have_card) {
        int rc = choose_reader(t);
        if (rc != ESIMLPA_OK)
            return rc;
    }
    const char *name = t->have_card ? t->reader : t->lock_reader;
    int fd = esimlpa__flock_acquire("pcsc", name, wait_ms, t->lock_err, sizeof t->lock_err);
    if (fd < 0)
        return fd;
    t->lock_fd = fd;
    if (t->have_card) {
        int rc = begin_transaction(t);
        if (rc != ESIMLPA_OK) {
            close(t->lock_fd);
            t->lock_fd = -1;
            return rc;
        }
    }
    return ESIMLPA_OK;
}

static void pcsc_unlock(void *user)
{
    struct pcsc_transport *t = user;
    if (t->in_transaction && t->have_card && !t->stuck)
        SCardEndTransaction(t->card, SCARD_LEAVE_CARD);
    t->in_transaction = 0;
    if (t->lock_fd >= 0)
        close(t->lock_fd);
    t->lock_fd = -1;
    free(t->lock_reader);
    t->lock_reader = NULL;
}

static int connect_reader(struct pcsc_transport *t, const char *name)
{
    SCARDHANDLE card;
    DWORD active = 0;
    LONG rv = SCardConnect(t->hctx, name, SCARD_SHARE_SHARED, wanted_protocols(t->protocol),
                           &card, &active);
    if (rv != SCARD_S_SUCCESS)
        return map_pcsc(rv, 0);
    char *copy = strdup(name);
    if (!copy) {
        SCardDisconnect(card, SCARD_LEAVE_CARD);
        return ESIMLPA_ENOMEM;
    }
    t->card = card;
    t->have_card = 1;
    t->active_protocol = active;
    t->reader = copy;
    return ESIMLPA_OK;
}

static int pcsc_connect(void *user)
{
    struct pcsc_transport *t = user;
    if (t->stuck)
        return ESIMLPA_ETIMEOUT;
    if (t->have_card)
        return ESIMLPA_OK;
    if (!t->have_ctx) {
        LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &t->hctx);
        if (rv != SCARD_S_SUCCESS)
            return map_pcsc(rv, 0);
        t->have_ctx = 1;
    }
    char *multi = NULL;
    DWORD len = 0;
    int rc = list_readers(t->hctx, &multi, &len);
    if (rc != ESIMLPA_OK)
        return rc;

    if (t->lock_reader) {
        /* lock() chose (and locked) the reader already. */
        rc = ESIMLPA_ENOREADER;
        for (const char *p = multi; *p; p += strlen(p) + 1)
            if (strcmp(p, t->lock_reader) == 0) {
                rc = connect_reader(t, p);
                break;
            }
    } else if (t->reader_opt) {
        /* An exact reader name wins over an index ("0" could be a name too). */
        const char *match = NULL;
        for (const char *p = multi; *p && !match; p += strlen(p) + 1)
            if (strcmp(p, t->reader_opt) == 0)
                match = p;
        if (!match && is_index(t->reader_opt)) {
            long want = strtol(t->reader_opt, NULL, 10), i = 0;
            for (const char *p = multi; *p && !match; p += strlen(p) + 1, i++)
                if (i == want)
                    match = p;
        }
        rc = match ? connect_reader(t, match) : ESIMLPA_ENOREADER;
    } else {
        /* First reader with a card we can share. */
        rc = ESIMLPA_ENOCARD;
        for (const char *p = multi; *p; p += strlen(p) + 1) {
            int r = connect_reader(t, p);
            if (r == ESIMLPA_OK) {
                rc = ESIMLPA_OK;
                break;
            }
            /* Report why a reader with a card could not be used. */
            if (r != ESIMLPA_ENOCARD && r != ESIMLPA_ENOREADER)
                rc = r;
        }
    }
    free(multi);
    if (rc == ESIMLPA_OK && t->lock_fd >= 0)
        rc = begin_transaction(t);
    return rc;
}

static void pcsc_disconnect(void *user)
{
    struct pcsc_transport *t = user;
    if (!t)
        return;
    if (t->stuck) {
        /* A transmit is still blocked in pcsc-lite holding the context's lock:
         * any SCard call would block too. Leave the handle and the context to
         * the abandoned worker (they go with the process). */
        t->have_card = t->have_ctx = t->in_transaction = 0;
        t->worker = NULL;
    }
    esimlpa__pcsc_worker_stop(t->worker);
    t->worker = NULL;
    if (t->have_card) {
        if (t->in_transaction)
            SCardEndTransaction(t->card, SCARD_LEAVE_CARD);
        t->in_transaction = 0;
        SCardDisconnect(t->card, SCARD_LEAVE_CARD);
        t->have_card = 0;
    }
    free(t->reader);
    t->reader = NULL;
    if (t->have_ctx) {
        SCardReleaseContext(t->hctx);
        t->have_ctx = 0;
    }
}

/*
 * After a failed transmit: was the card pulled? pcscd notices a removal on its
 * next presence poll (vpcd: ~400 ms), so wait for a state change up to 1 s.
 */
static int card_was_removed(struct pcsc_transport *t)
{
    SCARD_READERSTATE rs;
    memset(&rs, 0, sizeof rs);
    rs.szReader = t->reader;
    rs.dwCurrentState = SCARD_STATE_UNAWARE;
    if (!t->reader || SCardGetStatusChange(t->hctx, 0, &rs, 1) != SCARD_S_SUCCESS)
        return 0;
    if (!(rs.dwEventState & SCARD_STATE_EMPTY)) {
        rs.dwCurrentState = rs.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
        if (SCardGetStatusChange(t->hctx, 1000, &rs, 1) != SCARD_S_SUCCESS)
            return 0;
    }
    return (rs.dwEventState & SCARD_STATE_EMPTY) != 0;
}

static int pcsc_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                         size_t *resp_len)
{
    struct pcsc_transport *t = user;
    if (!t || !cmd || !resp || !resp_len)
        return ESIMLPA_EINVAL;
    if (t->stuck)
        return ESIMLPA_ETIMEOUT;
    if (!t->have_card)
        return ESIMLPA_ENOCARD;
    const SCARD_IO_REQUEST *pci =
        (t->active_protocol == SCARD_PROTOCOL_T1) ? SCARD_PCI_T1 : SCARD_PCI_T0;
    if (!t->worker) {
        int wrc = esimlpa__pcsc_worker_start(&t->worker);
        if (wrc != ESIMLPA_OK)
            return wrc;
    }
    size_t n = *resp_len;
    LONG rv = SCARD_S_SUCCESS;
    int wrc = esimlpa__pcsc_worker_transmit(t->worker, t->card, pci, cmd, cmd_len, resp, &n,
                                            t->apdu_timeout_ms, &rv);
    if (wrc == ESIMLPA_ETIMEOUT) {
        t->stuck = 1;
        t->worker = NULL;    /* abandoned: it frees itself */
        return ESIMLPA_ETIMEOUT;
    }
    if (wrc != ESIMLPA_OK)
        return wrc;
    DWORD rlen = (DWORD)n;
    if (rv != SCARD_S_SUCCESS) {
        int rc = map_pcsc(rv, 1);
        if (rv == SCARD_W_RESET_CARD)
            t->reset_seen = 1;   /* nothing was sent: the library reopens and resends */
        if (rc == ESIMLPA_ETRANSPORT && card_was_removed(t))
            rc = ESIMLPA_ECARDREMOVED;
        return rc;
    }
    /* vpcd (and some readers) answer a card pulled mid-command with success and
     * no bytes: report that as the removal it is, not as a malformed answer. */
    if (rlen < 2 && card_was_removed(t))
        return ESIMLPA_ECARDREMOVED;
    *resp_len = rlen;
    return ESIMLPA_OK;
}

/*
 * After a reset (ours or another program's): SCardReconnect. With
 * @power_cycle, reset the card first: a cold reset (SCARD_UNPOWER_CARD) where
 * the reader can, else a warm one (SCARD_RESET_CARD). A reset ends a PC/SC
 * transaction, so one held for the running operation is taken again.
 */
static int pcsc_reconnect(void *user, int power_cycle)
{
    struct pcsc_transport *t = user;
    if (t->stuck)
        return ESIMLPA_ETIMEOUT;
    if (!t->have_card)
        return ESIMLPA_ENOCARD;
    if (t->in_transaction)
        SCardEndTransaction(t->card, SCARD_LEAVE_CARD);
    t->in_transaction = 0;
    DWORD active = 0, protocols = wanted_protocols(t->protocol);
    LONG rv;
    if (power_cycle) {
        rv = SCardReconnect(t->card, SCARD_SHARE_SHARED, protocols, SCARD_UNPOWER_CARD, &active);
        if (rv != SCARD_S_SUCCESS && rv != SCARD_E_NO_SMARTCARD && rv != SCARD_W_REMOVED_CARD)
            rv = SCardReconnect(t->card, SCARD_SHARE_SHARED, protocols, SCARD_RESET_CARD,
                                &active);
    } else {
        rv = SCardReconnect(t->card, SCARD_SHARE_SHARED, protocols, SCARD_LEAVE_CARD, &active);
    }
    if (rv != SCARD_S_SUCCESS)
        return map_pcsc(rv, 1);
    t->active_protocol = active;
    t->reset_seen = 0;
    return t->lock_fd >= 0 ? begin_transaction(t) : ESIMLPA_OK;
}

void esimlpa__pcsc_set_apdu_timeout(struct esimlpa_apdu_transport *tr, long ms)
{
    struct pcsc_transport *t = as_pcsc(tr);
    if (t && ms > 0)
        t->apdu_timeout_ms = ms;
}

int esimlpa__transport_is_pcsc(const struct esimlpa_apdu_transport *tr)
{
    return as_pcsc(tr) != NULL;
}

int esimlpa__pcsc_take_reset(struct esimlpa_apdu_transport *tr)
{
    struct pcsc_transport *t = as_pcsc(tr);
    if (!t || !t->reset_seen)
        return 0;
    t->reset_seen = 0;
    return 1;
}
