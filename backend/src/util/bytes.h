/* Bytes are {ptr, len}; never assume NUL termination. */
#ifndef PP_BYTES_H
#define PP_BYTES_H

#include <stddef.h>
#include <string.h>

typedef struct {
  const char *ptr;
  size_t len;
} pp_bytes_t;

static inline pp_bytes_t pp_bytes(const char *ptr, size_t len) {
  pp_bytes_t b = {ptr, len};
  return b;
}

static inline pp_bytes_t pp_bytes_str(const char *s) {
  return pp_bytes(s, s ? strlen(s) : 0);
}

static inline int pp_bytes_eq(pp_bytes_t a, const char *lit) {
  size_t n = strlen(lit);
  return a.len == n && (n == 0 || memcmp(a.ptr, lit, n) == 0);
}

#endif
