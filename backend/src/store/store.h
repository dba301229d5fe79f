/* Persistence behind one interface. The functions block: call them from a
 * worker thread (collab/ does, through the libuv thread pool), never from the
 * event loop. The store keeps a pool of connections; each call borrows one. */
#ifndef PP_STORE_H
#define PP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/bytes.h"
#include "util/uuid.h"

#define STORE_TOKEN_HASH_LEN 64 /* hex of a 32-byte BLAKE2b hash */
#define STORE_LANGUAGE_MAX 24

typedef struct {
  char id[PP_UUID_LEN + 1];
  char *title; /* owned */
  char language[STORE_LANGUAGE_MAX + 1];
  char *code; /* owned, NUL-terminated */
  size_t code_len;
  int64_t created_at_ms;
  int64_t expires_at_ms;
  char *password_hash; /* owned; NULL when the session has no password */
  char token_hash[STORE_TOKEN_HASH_LEN + 1];
  bool is_active;
  int run_timeout_seconds; /* time limit of a code run in the browser */
  char *run_settings;      /* owned JSON object text; NULL means "{}" */
} store_session_t;

/* Frees the owned strings of s and zeroes it. */
void store_session_clear(store_session_t *s);
/* Deep copy; returns 0 or PP_ENOMEM (dst is cleared first). */
int store_session_copy(store_session_t *dst, const store_session_t *src);

typedef struct store store_t;

/* Opens a pool of pool_size connections to url ("sqlite:PATH" or
 * "postgres://…"/"postgresql://…") and applies pending migrations. Returns 0
 * and an owned *out, or a PP_E* code with a message in err. */
int store_open(const char *url, int pool_size, store_t **out, char *err,
               size_t errsz);
void store_free(store_t *st);
/* "sqlite" or "postgres". */
const char *store_backend_name(const store_t *st);

/* PP_ECONFLICT if the id exists. */
int store_create_session(store_t *st, const store_session_t *s);
/* PP_ENOTFOUND if unknown; out is owned by the caller (store_session_clear). */
int store_get_session(store_t *st, const char *id, store_session_t *out);
/* Writes title, language, password_hash, expires_at, is_active and
 * run_timeout_seconds of s->id. */
int store_update_session(store_t *st, const store_session_t *s);
int store_delete_session(store_t *st, const char *id);
/* Deletes sessions whose expires_at <= now_ms (their document logs go with
 * them); *purged gets the count. */
int store_purge_expired(store_t *st, int64_t now_ms, long *purged);

/* ---- documents ---------------------------------------------------------- */

typedef struct {
  const char *session_id;
  pp_bytes_t data; /* one Yjs v1 update */
  const char *author;
  const char *author_name;
  int64_t created_at_ms;
} store_update_t;

typedef struct {
  const char *session_id;
  pp_bytes_t code; /* the document's text, for the `code` column */
} store_code_t;

/* Appends n updates and refreshes the `code` of the listed sessions in one
 * transaction (durable when it returns 0). Updates of sessions that no
 * longer exist are dropped silently. */
int store_append_updates(store_t *st, const store_update_t *updates, size_t n,
                         const store_code_t *codes, size_t ncodes);

typedef struct {
  char *data; /* owned */
  size_t len;
} store_blob_t;

typedef struct {
  store_blob_t snapshot; /* data NULL when there is none */
  store_blob_t *updates; /* owned array: the updates after the snapshot */
  size_t n_updates;
  size_t updates_cap;
} store_doc_t;

/* Loads the snapshot and the updates logged after it. */
int store_load_doc(store_t *st, const char *session_id, store_doc_t *out);
void store_doc_clear(store_doc_t *d);
/* Replaces the snapshot with state, which must include every update logged
 * so far for the session (the log itself is kept). */
int store_save_snapshot(store_t *st, const char *session_id, pp_bytes_t state);
/* Sessions whose `code` misses logged updates (after a crash): up to max
 * ids into ids, the count into *n. */
int store_stale_codes(store_t *st, char (*ids)[PP_UUID_LEN + 1], size_t max,
                      size_t *n);
/* Sets `code`, marking it as reflecting every update logged so far. */
int store_set_code(store_t *st, const char *session_id, pp_bytes_t code);

/* ---- code runs ------------------------------------------------------------
 */

typedef struct {
  const char *session_id;
  const char *run_id;
  const char *author;
  const char *author_name;
  int64_t started_at_ms;
  pp_bytes_t record; /* the run as a JSON object (collab/ defines it) */
} store_run_t;

typedef struct {
  store_blob_t *items; /* owned array of JSON records, oldest first */
  size_t n, cap;
} store_runs_t;

/* Keeps a finished run with its session (dropped if the session is gone). */
int store_append_run(store_t *st, const store_run_t *run);
/* The last `limit` runs of the session, oldest first. */
int store_list_runs(store_t *st, const char *session_id, size_t limit,
                    store_runs_t *out);
void store_runs_clear(store_runs_t *r);

#endif
