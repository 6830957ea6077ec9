/* SPDX-License-Identifier: MIT */
/* The size rule of out structs (include/esimlpa/esimlpa.h "Out structs"):
 * the caller's struct starts with size_t struct_size; the library writes at
 * most that many bytes and stores the number it wrote there. */
#ifndef ESIMLPA_OUT_STRUCT_H
#define ESIMLPA_OUT_STRUCT_H

#include <stddef.h>

/* The caller's struct_size (0 when @out is NULL). */
size_t esimlpa__out_size(const void *out);

/* Copy @src (@src_size bytes, the library's layout, starting with size_t
 * struct_size) into @dst: min(dst's struct_size, src_size) bytes, then that
 * number into dst's struct_size. Fewer than sizeof(size_t) bytes: nothing is
 * written. @dst NULL: nothing. */
void esimlpa__out_copy(void *dst, const void *src, size_t src_size);

#endif
