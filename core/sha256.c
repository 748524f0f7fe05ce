/* sha256.c: SHA-256 through libcrypto's EVP interface. An update after a
 * failure is ignored, and the failure is reported once, by the hex. */
#include <openssl/evp.h>

#include "sha256.h"

int vista_sha256_init(vista_sha256 *c) {
  c->ctx = EVP_MD_CTX_new();
  if (c->ctx && EVP_DigestInit_ex(c->ctx, EVP_sha256(), NULL) == 1)
    return 0;
  vista_sha256_free(c);
  return -1;
}

void vista_sha256_update(vista_sha256 *c, const void *data, size_t len) {
  if (c->ctx && EVP_DigestUpdate(c->ctx, data, len) != 1)
    vista_sha256_free(c);
}

int vista_sha256_hex(vista_sha256 *c, char hex[65]) {
  static const char digits[] = "0123456789abcdef";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  hex[0] = '\0';
  if (!c->ctx || EVP_DigestFinal_ex(c->ctx, md, &n) != 1 || n != 32) {
    vista_sha256_free(c);
    return -1;
  }
  vista_sha256_free(c);
  for (unsigned i = 0; i < n; i++) {
    hex[2 * i] = digits[md[i] >> 4];
    hex[2 * i + 1] = digits[md[i] & 15];
  }
  hex[64] = '\0';
  return 0;
}

void vista_sha256_free(vista_sha256 *c) {
  EVP_MD_CTX_free(c->ctx);
  c->ctx = NULL;
}
