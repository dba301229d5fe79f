#define _POSIX_C_SOURCE 200809L
#include "store/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "util/error.h"

struct store {
  const store__backend_t *backend;
  store__conn_t **conns;
  bool *busy;
  int n;
  pthread_mutex_t mu;
  pthread_cond_t cv;
};

void store_session_clear(store_session_t *s) {
  free(s->title);
  free(s->code);
  free(s->password_hash);
  free(s->run_settings);
  memset(s, 0, sizeof *s);
}

int store_session_copy(store_session_t *dst, const store_session_t *src) {
  memset(dst, 0, sizeof *dst);
  *dst = *src;
  dst->title = src->title ? strdup(src->title) : NULL;
  dst->code = src->code ? malloc(src->code_len + 1) : NULL;
  if (dst->code) {
    memcpy(dst->code, src->code, src->code_len);
    dst->code[src->code_len] = '\0';
  }
  dst->password_hash = src->password_hash ? strdup(src->password_hash) : NULL;
  dst->run_settings = src->run_settings ? strdup(src->run_settings) : NULL;
  if ((src->title && !dst->title) || (src->code && !dst->code) ||
      (src->password_hash && !dst->password_hash) ||
      (src->run_settings && !dst->run_settings)) {
    store_session_clear(dst);
    return PP_ENOMEM;
  }
  return 0;
}

static const store__backend_t *store__pick(const char *url) {
  if (strncmp(url, "sqlite:", 7) == 0)
    return &store__sqlite_backend;
  if (strncmp(url, "postgres://", 11) == 0 ||
      strncmp(url, "postgresql://", 13) == 0)
    return &store__postgres_backend;
  return NULL;
}

int store_open(const char *url, int pool_size, store_t **out, char *err,
               size_t errsz) {
  *out = NULL;
  const store__backend_t *be = store__pick(url);
  if (!be) {
    snprintf(err, errsz,
             "unsupported database URL (use sqlite:PATH or postgres://...)");
    return PP_ECONFIG;
  }
  if (pool_size < 1)
    pool_size = 1;
  store_t *st = calloc(1, sizeof *st);
  if (!st)
    return PP_ENOMEM;
  st->backend = be;
  st->conns = calloc((size_t)pool_size, sizeof *st->conns);
  st->busy = calloc((size_t)pool_size, sizeof *st->busy);
  if (!st->conns || !st->busy) {
    store_free(st);
    return PP_ENOMEM;
  }
  pthread_mutex_init(&st->mu, NULL);
  pthread_cond_init(&st->cv, NULL);
  for (int i = 0; i < pool_size; i++) {
    int rc = be->open(url, &st->conns[i], err, errsz);
    if (rc) {
      store_free(st);
      return rc;
    }
    st->n++;
    if (i == 0 && (rc = be->migrate(st->conns[0], err, errsz))) {
      store_free(st);
      return rc;
    }
  }
  *out = st;
  return 0;
}

void store_free(store_t *st) {
  if (!st)
    return;
  for (int i = 0; i < st->n; i++)
    st->backend->close(st->conns[i]);
  if (st->conns) {
    pthread_mutex_destroy(&st->mu);
    pthread_cond_destroy(&st->cv);
  }
  free(st->conns);
  free(st->busy);
  free(st);
}

const char *store_backend_name(const store_t *st) { return st->backend->name; }

static int store__acquire(store_t *st) {
  pthread_mutex_lock(&st->mu);
  for (;;) {
    for (int i = 0; i < st->n; i++) {
      if (!st->busy[i]) {
        st->busy[i] = true;
        pthread_mutex_unlock(&st->mu);
        return i;
      }
    }
    pthread_cond_wait(&st->cv, &st->mu);
  }
}

static void store__release(store_t *st, int i) {
  pthread_mutex_lock(&st->mu);
  st->busy[i] = false;
  pthread_cond_signal(&st->cv);
  pthread_mutex_unlock(&st->mu);
}

#define STORE__CALL(st, method, ...)                                           \
  do {                                                                         \
    int slot_ = store__acquire(st);                                            \
    int rc_ = (st)->backend->method((st)->conns[slot_], __VA_ARGS__);          \
    store__release(st, slot_);                                                 \
    return rc_;                                                                \
  } while (0)

int store_create_session(store_t *st, const store_session_t *s) {
  STORE__CALL(st, create_session, s);
}
int store_get_session(store_t *st, const char *id, store_session_t *out) {
  STORE__CALL(st, get_session, id, out);
}
int store_update_session(store_t *st, const store_session_t *s) {
  STORE__CALL(st, update_session, s);
}
int store_delete_session(store_t *st, const char *id) {
  STORE__CALL(st, delete_session, id);
}
int store_purge_expired(store_t *st, int64_t now_ms, long *purged) {
  STORE__CALL(st, purge_expired, now_ms, purged);
}

int store_append_updates(store_t *st, const store_update_t *updates, size_t n,
                         const store_code_t *codes, size_t ncodes) {
  STORE__CALL(st, append_updates, updates, n, codes, ncodes);
}
int store_load_doc(store_t *st, const char *session_id, store_doc_t *out) {
  STORE__CALL(st, load_doc, session_id, out);
}
int store_save_snapshot(store_t *st, const char *session_id, pp_bytes_t state) {
  STORE__CALL(st, save_snapshot, session_id, state);
}

int store_stale_codes(store_t *st, char (*ids)[PP_UUID_LEN + 1], size_t max,
                      size_t *n) {
  STORE__CALL(st, stale_codes, ids, max, n);
}
int store_set_code(store_t *st, const char *session_id, pp_bytes_t code) {
  STORE__CALL(st, set_code, session_id, code);
}

int store_append_run(store_t *st, const store_run_t *run) {
  STORE__CALL(st, append_run, run);
}
int store_list_runs(store_t *st, const char *session_id, size_t limit,
                    store_runs_t *out) {
  STORE__CALL(st, list_runs, session_id, limit, out);
}

void store_runs_clear(store_runs_t *r) {
  for (size_t i = 0; i < r->n; i++)
    free(r->items[i].data);
  free(r->items);
  memset(r, 0, sizeof *r);
}

int store__runs_push(store_runs_t *r, const void *bytes, size_t len) {
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    store_blob_t *items = realloc(r->items, cap * sizeof *items);
    if (!items)
      return PP_ENOMEM;
    r->items = items;
    r->cap = cap;
  }
  char *copy = malloc(len + 1);
  if (!copy)
    return PP_ENOMEM;
  memcpy(copy, bytes, len);
  copy[len] = '\0';
  r->items[r->n].data = copy;
  r->items[r->n].len = len;
  r->n++;
  return 0;
}

void store_doc_clear(store_doc_t *d) {
  free(d->snapshot.data);
  for (size_t i = 0; i < d->n_updates; i++)
    free(d->updates[i].data);
  free(d->updates);
  memset(d, 0, sizeof *d);
}

/* Appends a copy of bytes to d's update array (for the backends). */
int store__doc_push(store_doc_t *d, const void *bytes, size_t len) {
  if (d->n_updates == d->updates_cap) {
    size_t cap = d->updates_cap ? d->updates_cap * 2 : 16;
    store_blob_t *u = realloc(d->updates, cap * sizeof *u);
    if (!u)
      return PP_ENOMEM;
    d->updates = u;
    d->updates_cap = cap;
  }
  char *copy = malloc(len ? len : 1);
  if (!copy)
    return PP_ENOMEM;
  if (len)
    memcpy(copy, bytes, len);
  d->updates[d->n_updates].data = copy;
  d->updates[d->n_updates].len = len;
  d->n_updates++;
  return 0;
}
