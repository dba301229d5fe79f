#define _POSIX_C_SOURCE 200809L
#include "http/cors.h"

#include <stdlib.h>
#include <string.h>

#define CORS_MAX_ORIGINS 32

struct http_cors {
  char *origins[CORS_MAX_ORIGINS];
  int n;
};

http_cors_t *http_cors_new(const char *list) {
  http_cors_t *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  const char *p = list ? list : "";
  while (*p && c->n < CORS_MAX_ORIGINS) {
    while (*p == ' ' || *p == ',')
      p++;
    const char *start = p;
    while (*p && *p != ',')
      p++;
    const char *end = p;
    while (end > start && (end[-1] == ' ' || end[-1] == '/'))
      end--;
    if (end > start) {
      c->origins[c->n] = strndup(start, (size_t)(end - start));
      if (!c->origins[c->n]) {
        http_cors_free(c);
        return NULL;
      }
      c->n++;
    }
  }
  return c;
}

void http_cors_free(http_cors_t *c) {
  if (!c)
    return;
  for (int i = 0; i < c->n; i++)
    free(c->origins[i]);
  free(c);
}

bool http_cors_allowed(const http_cors_t *c, pp_bytes_t origin) {
  for (int i = 0; i < c->n; i++) {
    if (pp_bytes_eq(origin, c->origins[i]))
      return true;
  }
  return false;
}

bool http_cors_same_origin(pp_bytes_t origin, pp_bytes_t host) {
  static const char *const schemes[] = {"http://", "https://"};
  for (int i = 0; i < 2; i++) {
    size_t n = strlen(schemes[i]);
    if (origin.len == n + host.len && host.len &&
        memcmp(origin.ptr, schemes[i], n) == 0 &&
        memcmp(origin.ptr + n, host.ptr, host.len) == 0)
      return true;
  }
  return false;
}
