/* sha256.h: SHA-256 (FIPS 180-4), to recognise a file imported before. */
#ifndef VISTA_SHA256_H
#define VISTA_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct vista_sha256 {
  uint32_t h[8];
  uint64_t bytes;
  unsigned char block[64];
  size_t used;
} vista_sha256;

void vista_sha256_init(vista_sha256 *c);
void vista_sha256_update(vista_sha256 *c, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into hex. */
void vista_sha256_hex(vista_sha256 *c, char hex[65]);

#endif
