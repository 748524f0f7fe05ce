/* sha256.h: SHA-256, to recognise a file imported before. libcrypto does
 * the hashing (with the CPU's SHA instructions where it has them); this is
 * the small interface the importer needs over it. */
#ifndef VISTA_SHA256_H
#define VISTA_SHA256_H

#include <stddef.h>

struct evp_md_ctx_st;

typedef struct vista_sha256 {
  struct evp_md_ctx_st *ctx; /* NULL: not started, finished or failed */
} vista_sha256;

/* 0, or -1 when libcrypto cannot start a hash (out of memory). */
int vista_sha256_init(vista_sha256 *c);
void vista_sha256_update(vista_sha256 *c, const void *data, size_t len);
/* Finishes the hash and writes 64 lowercase hex digits and a NUL into hex;
 * 0, or -1 (hex empty) when the hash could not be made. Frees c. */
int vista_sha256_hex(vista_sha256 *c, char hex[65]);
/* Frees a hash that will not be finished; safe on a finished one. */
void vista_sha256_free(vista_sha256 *c);

#endif
