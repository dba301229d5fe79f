/* The function table every storage backend implements (internal to store/). */
#ifndef PP_STORE_BACKEND_H
#define PP_STORE_BACKEND_H

#include "store/store.h"

typedef struct store__conn store__conn_t; /* backend-defined */

typedef struct {
  const char *name;
  /* Opens one connection; err gets a message on failure. */
  int (*open)(const char *url, store__conn_t **out, char *err, size_t errsz);
  void (*close)(store__conn_t *c);
  int (*migrate)(store__conn_t *c, char *err, size_t errsz);
  int (*create_session)(store__conn_t *c, const store_session_t *s);
  int (*get_session)(store__conn_t *c, const char *id, store_session_t *out);
  int (*update_session)(store__conn_t *c, const store_session_t *s);
  int (*delete_session)(store__conn_t *c, const char *id);
  int (*purge_expired)(store__conn_t *c, int64_t now_ms, long *purged);
  int (*append_updates)(store__conn_t *c, const store_update_t *u, size_t n,
                        const store_code_t *codes, size_t ncodes);
  int (*load_doc)(store__conn_t *c, const char *session_id, store_doc_t *out);
  int (*save_snapshot)(store__conn_t *c, const char *session_id,
                       pp_bytes_t state);
  int (*stale_codes)(store__conn_t *c, char (*ids)[PP_UUID_LEN + 1], size_t max,
                     size_t *n);
  int (*set_code)(store__conn_t *c, const char *session_id, pp_bytes_t code);
  int (*append_run)(store__conn_t *c, const store_run_t *run);
  int (*list_runs)(store__conn_t *c, const char *session_id, size_t limit,
                   store_runs_t *out);
} store__backend_t;

/* Appends a copy of bytes to r->items (store.c). */
int store__runs_push(store_runs_t *r, const void *bytes, size_t len);
/* Appends a copy of bytes to d->updates (store.c). */
int store__doc_push(store_doc_t *d, const void *bytes, size_t len);

extern const store__backend_t store__sqlite_backend;
extern const store__backend_t store__postgres_backend;

#endif
