/* SPDX-License-Identifier: MIT */
/* Growable byte buffer used for all variable-size outputs. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "rspcrypto.h"

int rspc_buf_append(struct rspc_buf *b, const void *p, size_t n)
{
    if (!b || (!p && n))
        return RSPC_EINVAL;
    if (n > SIZE_MAX - b->len)
        return RSPC_ENOMEM;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n)
            cap = cap > SIZE_MAX / 2 ? b->len + n : cap * 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d)
            return RSPC_ENOMEM;
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return RSPC_OK;
}

int rspc_buf_append_byte(struct rspc_buf *b, uint8_t v)
{
    return rspc_buf_append(b, &v, 1);
}

void rspc_buf_free(struct rspc_buf *b)
{
    if (!b)
        return;
    if (b->data)
        OPENSSL_cleanse(b->data, b->cap);
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
