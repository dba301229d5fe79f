/* A growable byte buffer with a hard maximum (every buffer has a maximum). */
#ifndef PP_BUF_H
#define PP_BUF_H

#include <stddef.h>

typedef struct {
  char *data; /* owned; NUL-terminated for convenience, len excludes the NUL */
  size_t len;
  size_t cap;
  size_t max; /* appends beyond max fail with PP_ETOOLARGE */
} pp_buf_t;

void pp_buf_init(pp_buf_t *b, size_t max);
/* Returns 0, PP_ETOOLARGE or PP_ENOMEM; on error b is unchanged. */
int pp_buf_append(pp_buf_t *b, const void *p, size_t n);
int pp_buf_appends(pp_buf_t *b, const char *s);
/* printf-style append, bounded by max. */
int pp_buf_appendf(pp_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void pp_buf_reset(pp_buf_t *b);
void pp_buf_free(pp_buf_t *b);
/* Returns the data and leaves b empty; caller owns the result (free()). */
char *pp_buf_steal(pp_buf_t *b, size_t *len);

#endif
