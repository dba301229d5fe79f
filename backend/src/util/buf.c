#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

void pp_buf_init(pp_buf_t *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

static int buf__reserve(pp_buf_t *b, size_t extra) {
  if (extra > b->max || b->len > b->max - extra)
    return PP_ETOOLARGE;
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p)
    return PP_ENOMEM;
  b->data = p;
  b->cap = cap;
  return 0;
}

int pp_buf_append(pp_buf_t *b, const void *p, size_t n) {
  int rc = buf__reserve(b, n);
  if (rc)
    return rc;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int pp_buf_appends(pp_buf_t *b, const char *s) {
  return pp_buf_append(b, s, strlen(s));
}

int pp_buf_appendf(pp_buf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return PP_EINVAL;
  int rc = buf__reserve(b, (size_t)n);
  if (rc)
    return rc;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

void pp_buf_reset(pp_buf_t *b) {
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

void pp_buf_free(pp_buf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

char *pp_buf_steal(pp_buf_t *b, size_t *len) {
  char *d = b->data;
  if (len)
    *len = b->len;
  if (!d) {
    d = calloc(1, 1);
    if (len)
      *len = 0;
  }
  b->data = NULL;
  b->len = b->cap = 0;
  return d;
}
