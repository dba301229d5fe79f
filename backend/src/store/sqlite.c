/* SQLite backend: the embedded default. One sqlite3 handle per pooled
 * connection, WAL mode so readers never wait for the writer. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/backend.h"
#include "store/migrations.h"
#include "util/clock.h"
#include "util/error.h"

enum {
  ST_INSERT,
  ST_SELECT,
  ST_UPDATE,
  ST_DELETE,
  ST_PURGE,
  ST_LOG_INSERT,
  ST_CODE_UPDATE,
  ST_SNAP_SELECT,
  ST_LOG_SELECT,
  ST_SNAP_UPSERT,
  ST_STALE_CODE,
  ST_RUN_INSERT,
  ST_RUN_SELECT,
  ST_JOURNAL_SELECT,
  ST_JOURNAL_SPAN,
  ST_JOURNAL_MOVE,
  ST_JOURNAL_CLEAR,
  ST_JOURNAL_ORPHANS,
  ST__COUNT
};

static const char *const sql_text[ST__COUNT] = {
    /* Runs of a session deleted meanwhile are dropped, not errors. */
    [ST_RUN_INSERT] = "INSERT INTO session_runs (session_id, run_id, author, "
                      "author_name, started_at, record) SELECT ?1, ?2, ?3, "
                      "?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM sessions "
                      "WHERE id = ?1)",
    [ST_RUN_SELECT] = "SELECT record FROM (SELECT id, record FROM "
                      "session_runs WHERE session_id = ?1 ORDER BY id DESC "
                      "LIMIT ?2) ORDER BY id",
    [ST_INSERT] = "INSERT INTO sessions (id, title, language, code, "
                  "created_at, expires_at, password_hash, "
                  "interviewer_token_hash, is_active, run_timeout_seconds, "
                  "run_settings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                  "?9, ?10, ?11)",
    [ST_SELECT] = "SELECT id, title, language, code, created_at, expires_at, "
                  "password_hash, interviewer_token_hash, is_active, "
                  "run_timeout_seconds, run_settings FROM sessions WHERE id = "
                  "?1",
    [ST_UPDATE] = "UPDATE sessions SET title = ?2, language = ?3, "
                  "password_hash = ?4, expires_at = ?5, is_active = ?6, "
                  "run_timeout_seconds = ?7, run_settings = ?8 WHERE id = ?1",
    [ST_DELETE] = "DELETE FROM sessions WHERE id = ?1",
    [ST_PURGE] = "DELETE FROM sessions WHERE expires_at <= ?1",
    /* Updates land in the journal (migration 0006); those of a session
     * deleted meanwhile are never read back and are dropped by the move. */
    [ST_LOG_INSERT] = "INSERT INTO session_journal (session_id, data, author, "
                      "author_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    /* The text reflects every update of the session logged so far (the
     * caller's contract), so the last id handed out by the journal is a
     * bound that any later update of the session exceeds. */
    [ST_CODE_UPDATE] = "UPDATE sessions SET code = ?2, code_update_id = "
                       "COALESCE((SELECT seq FROM sqlite_sequence WHERE name "
                       "= 'session_journal'), 0) WHERE id = ?1",
    [ST_STALE_CODE] =
        "SELECT s.id FROM sessions s WHERE EXISTS (SELECT 1 FROM "
        "session_updates u WHERE u.session_id = s.id AND u.id > "
        "s.code_update_id) UNION SELECT s.id FROM session_journal j JOIN "
        "sessions s ON s.id = j.session_id WHERE j.id > s.code_update_id "
        "LIMIT ?1",
    [ST_SNAP_SELECT] = "SELECT state, last_update_id FROM session_snapshots "
                       "WHERE session_id = ?1",
    [ST_LOG_SELECT] = "SELECT data FROM session_updates WHERE session_id = ?1 "
                      "AND id > ?2 ORDER BY id",
    [ST_JOURNAL_SELECT] = "SELECT data FROM session_journal WHERE "
                          "session_id = ?1 AND id > ?2 AND EXISTS (SELECT 1 "
                          "FROM sessions WHERE id = ?1) ORDER BY id",
    [ST_JOURNAL_SPAN] = "SELECT min(id), max(id) FROM session_journal",
    [ST_JOURNAL_MOVE] =
        "INSERT INTO session_updates (id, session_id, data, author, "
        "author_name, created_at) SELECT j.id, j.session_id, j.data, "
        "j.author, j.author_name, j.created_at FROM session_journal j WHERE "
        "EXISTS (SELECT 1 FROM sessions s WHERE s.id = j.session_id) ORDER BY "
        "j.id",
    [ST_JOURNAL_CLEAR] = "DELETE FROM session_journal",
    [ST_JOURNAL_ORPHANS] = "DELETE FROM session_journal WHERE NOT EXISTS "
                           "(SELECT 1 FROM sessions s WHERE s.id = "
                           "session_journal.session_id)",
    /* The state includes every update logged so far (the caller's
     * contract): see ST_CODE_UPDATE. */
    [ST_SNAP_UPSERT] =
        "INSERT INTO session_snapshots (session_id, state, last_update_id, "
        "updated_at) SELECT ?1, ?2, COALESCE((SELECT seq FROM sqlite_sequence "
        "WHERE name = 'session_journal'), 0), ?3 WHERE EXISTS (SELECT 1 FROM "
        "sessions WHERE id = ?1) ON CONFLICT (session_id) DO UPDATE SET state "
        "= excluded.state, last_update_id = excluded.last_update_id, "
        "updated_at = excluded.updated_at",
};

/* SQLite admits one writer at a time; contending writers would otherwise
 * wait in its busy handler, which sleeps in coarse steps (p99 of ~800 ms
 * under load). Queueing them on a mutex hands the lock over immediately. */
static pthread_mutex_t sqlite__write_mu = PTHREAD_MUTEX_INITIALIZER;

struct store__conn {
  sqlite3 *db;
  sqlite3_stmt *stmt[ST__COUNT];
};

/* Creates the parent directories of path (like mkdir -p of dirname). */
static int sqlite__mkdirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n >= sizeof buf)
    return PP_EINVAL;
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i < n; i++) {
    if (buf[i] != '/')
      continue;
    buf[i] = '\0';
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
      return PP_EIO;
    buf[i] = '/';
  }
  return 0;
}

static void sqlite__close(store__conn_t *c) {
  if (!c)
    return;
  for (int i = 0; i < ST__COUNT; i++)
    sqlite3_finalize(c->stmt[i]);
  sqlite3_close(c->db);
  free(c);
}

static int sqlite__open(const char *url, store__conn_t **out, char *err,
                        size_t errsz) {
  const char *path = url + strlen("sqlite:");
  if (!*path) {
    snprintf(err, errsz, "sqlite: URL needs a path, e.g. sqlite:./data/x.db");
    return PP_ECONFIG;
  }
  if (strcmp(path, ":memory:") != 0 && sqlite__mkdirs(path)) {
    snprintf(err, errsz, "cannot create the directory of %s: %s", path,
             strerror(errno));
    return PP_EIO;
  }
  store__conn_t *c = calloc(1, sizeof *c);
  if (!c)
    return PP_ENOMEM;
  int rc = sqlite3_open_v2(
      path, &c->db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errsz, "cannot open %s: %s", path,
             c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
    sqlite__close(c);
    return PP_ESTORE;
  }
  sqlite3_busy_timeout(c->db, 10000);
  /* synchronous=FULL: an acknowledged write survives power loss, not only a
   * crash of the process. */
  char *msg = NULL;
  rc = sqlite3_exec(c->db,
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                    "PRAGMA foreign_keys=ON;",
                    NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    snprintf(err, errsz, "cannot configure %s: %s", path, msg ? msg : "?");
    sqlite3_free(msg);
    sqlite__close(c);
    return PP_ESTORE;
  }
  *out = c;
  return 0;
}

static int sqlite__prepare_all(store__conn_t *c, char *err, size_t errsz) {
  for (int i = 0; i < ST__COUNT; i++) {
    if (c->stmt[i])
      continue;
    if (sqlite3_prepare_v3(c->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &c->stmt[i], NULL) != SQLITE_OK) {
      snprintf(err, errsz, "cannot prepare statement: %s",
               sqlite3_errmsg(c->db));
      return PP_ESTORE;
    }
  }
  return 0;
}

static int sqlite__exec(store__conn_t *c, const char *sql, char *err,
                        size_t errsz) {
  char *msg = NULL;
  if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(err, errsz, "%s", msg ? msg : sqlite3_errmsg(c->db));
    sqlite3_free(msg);
    return PP_ESTORE;
  }
  return 0;
}

static int sqlite__migrate(store__conn_t *c, char *err, size_t errsz) {
  int rc = sqlite__exec(c,
                        "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                        "applied_at INTEGER NOT NULL)",
                        err, errsz);
  if (rc)
    return rc;
  for (size_t i = 0; i < pp_migrations_sqlite_count; i++) {
    const pp_embedded_t *m = &pp_migrations_sqlite[i];
    long version = store__migration_version(m);
    if (version < 0)
      continue;
    if ((rc = sqlite__exec(c, "BEGIN IMMEDIATE", err, errsz)))
      return rc;
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(c->db,
                       "SELECT 1 FROM schema_migrations WHERE version = ?1", -1,
                       &q, NULL);
    sqlite3_bind_int64(q, 1, version);
    int applied = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    if (!applied) {
      if ((rc = sqlite__exec(c, (const char *)m->data, err, errsz))) {
        char detail[512];
        snprintf(detail, sizeof detail, "migration %s failed: %s", m->name,
                 err);
        snprintf(err, errsz, "%s", detail);
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
      }
      sqlite3_stmt *ins = NULL;
      sqlite3_prepare_v2(c->db,
                         "INSERT INTO schema_migrations VALUES (?1, ?2, ?3)",
                         -1, &ins, NULL);
      sqlite3_bind_int64(ins, 1, version);
      sqlite3_bind_text(ins, 2, m->name, -1, SQLITE_STATIC);
      sqlite3_bind_int64(ins, 3, pp_now_ms());
      int step = sqlite3_step(ins);
      sqlite3_finalize(ins);
      if (step != SQLITE_DONE) {
        snprintf(err, errsz, "cannot record migration %s: %s", m->name,
                 sqlite3_errmsg(c->db));
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        return PP_ESTORE;
      }
    }
    if ((rc = sqlite__exec(c, "COMMIT", err, errsz)))
      return rc;
  }
  return sqlite__prepare_all(c, err, errsz);
}

static sqlite3_stmt *sqlite__stmt(store__conn_t *c, int which) {
  if (!c->stmt[which]) {
    char err[256];
    if (sqlite__prepare_all(c, err, sizeof err))
      return NULL;
  }
  sqlite3_reset(c->stmt[which]);
  sqlite3_clear_bindings(c->stmt[which]);
  return c->stmt[which];
}

static int sqlite__step_done(store__conn_t *c, sqlite3_stmt *s) {
  pthread_mutex_lock(&sqlite__write_mu);
  int rc = sqlite3_step(s);
  pthread_mutex_unlock(&sqlite__write_mu);
  sqlite3_reset(s);
  if (rc == SQLITE_DONE)
    return 0;
  if (rc == SQLITE_CONSTRAINT)
    return PP_ECONFLICT;
  (void)c;
  return PP_ESTORE;
}

static int sqlite__create_session(store__conn_t *c, const store_session_t *s) {
  sqlite3_stmt *q = sqlite__stmt(c, ST_INSERT);
  if (!q)
    return PP_ESTORE;
  sqlite3_bind_text(q, 1, s->id, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, s->title, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, s->language, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, s->code ? s->code : "", (int)s->code_len,
                    SQLITE_STATIC);
  sqlite3_bind_int64(q, 5, s->created_at_ms);
  sqlite3_bind_int64(q, 6, s->expires_at_ms);
  if (s->password_hash)
    sqlite3_bind_text(q, 7, s->password_hash, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(q, 7);
  sqlite3_bind_text(q, 8, s->token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int(q, 9, s->is_active ? 1 : 0);
  sqlite3_bind_int(q, 10, s->run_timeout_seconds);
  sqlite3_bind_text(q, 11, s->run_settings ? s->run_settings : "{}", -1,
                    SQLITE_STATIC);
  return sqlite__step_done(c, q);
}

static char *sqlite__dup_col(sqlite3_stmt *q, int col, size_t *len) {
  const unsigned char *t = sqlite3_column_text(q, col);
  int n = sqlite3_column_bytes(q, col);
  if (!t)
    return NULL;
  char *p = malloc((size_t)n + 1);
  if (!p)
    return NULL;
  memcpy(p, t, (size_t)n);
  p[n] = '\0';
  if (len)
    *len = (size_t)n;
  return p;
}

static void sqlite__copy_fixed(sqlite3_stmt *q, int col, char *dst,
                               size_t dstsz) {
  const unsigned char *t = sqlite3_column_text(q, col);
  snprintf(dst, dstsz, "%s", t ? (const char *)t : "");
}

static int sqlite__get_session(store__conn_t *c, const char *id,
                               store_session_t *out) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *q = sqlite__stmt(c, ST_SELECT);
  if (!q)
    return PP_ESTORE;
  sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
  int rc = sqlite3_step(q);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(q);
    return PP_ENOTFOUND;
  }
  if (rc != SQLITE_ROW) {
    sqlite3_reset(q);
    return PP_ESTORE;
  }
  sqlite__copy_fixed(q, 0, out->id, sizeof out->id);
  out->title = sqlite__dup_col(q, 1, NULL);
  sqlite__copy_fixed(q, 2, out->language, sizeof out->language);
  out->code = sqlite__dup_col(q, 3, &out->code_len);
  out->created_at_ms = sqlite3_column_int64(q, 4);
  out->expires_at_ms = sqlite3_column_int64(q, 5);
  bool has_pw = sqlite3_column_type(q, 6) != SQLITE_NULL;
  out->password_hash = has_pw ? sqlite__dup_col(q, 6, NULL) : NULL;
  sqlite__copy_fixed(q, 7, out->token_hash, sizeof out->token_hash);
  out->is_active = sqlite3_column_int(q, 8) != 0;
  out->run_timeout_seconds = sqlite3_column_int(q, 9);
  out->run_settings = sqlite__dup_col(q, 10, NULL);
  sqlite3_reset(q);
  if (!out->title || !out->code || !out->run_settings ||
      (has_pw && !out->password_hash)) {
    store_session_clear(out);
    return PP_ENOMEM;
  }
  return 0;
}

static int sqlite__update_session(store__conn_t *c, const store_session_t *s) {
  sqlite3_stmt *q = sqlite__stmt(c, ST_UPDATE);
  if (!q)
    return PP_ESTORE;
  sqlite3_bind_text(q, 1, s->id, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, s->title, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, s->language, -1, SQLITE_STATIC);
  if (s->password_hash)
    sqlite3_bind_text(q, 4, s->password_hash, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(q, 4);
  sqlite3_bind_int64(q, 5, s->expires_at_ms);
  sqlite3_bind_int(q, 6, s->is_active ? 1 : 0);
  sqlite3_bind_int(q, 7, s->run_timeout_seconds);
  sqlite3_bind_text(q, 8, s->run_settings ? s->run_settings : "{}", -1,
                    SQLITE_STATIC);
  int rc = sqlite__step_done(c, q);
  if (rc)
    return rc;
  return sqlite3_changes(c->db) == 1 ? 0 : PP_ENOTFOUND;
}

/* The journal has no foreign key (it would cost a lookup per append):
 * deleting a session deletes its journaled updates here instead. */
static int sqlite__drop_orphans(store__conn_t *c) {
  sqlite3_stmt *q = sqlite__stmt(c, ST_JOURNAL_ORPHANS);
  return q ? sqlite__step_done(c, q) : PP_ESTORE;
}

static int sqlite__delete_session(store__conn_t *c, const char *id) {
  sqlite3_stmt *q = sqlite__stmt(c, ST_DELETE);
  if (!q)
    return PP_ESTORE;
  sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
  int rc = sqlite__step_done(c, q);
  if (rc)
    return rc;
  if (sqlite3_changes(c->db) != 1)
    return PP_ENOTFOUND;
  return sqlite__drop_orphans(c);
}

static int sqlite__purge_expired(store__conn_t *c, int64_t now_ms,
                                 long *purged) {
  sqlite3_stmt *q = sqlite__stmt(c, ST_PURGE);
  if (!q)
    return PP_ESTORE;
  sqlite3_bind_int64(q, 1, now_ms);
  int rc = sqlite__step_done(c, q);
  if (rc)
    return rc;
  *purged = (long)sqlite3_changes(c->db);
  return *purged ? sqlite__drop_orphans(c) : 0;
}

/* Runs sqlite3_step to completion for a statement that returns no rows. */
static int sqlite__step_locked(sqlite3_stmt *q) {
  int rc = sqlite3_step(q);
  sqlite3_reset(q);
  return rc == SQLITE_DONE ? 0 : PP_ESTORE;
}

/* Rows the journal holds before an append moves them to session_updates:
 * with hundreds of sessions busy, each session then has several updates per
 * move, so its index leaf is written once for all of them. A load reads the
 * journal without an index, so this also bounds that scan (about 100 pages). */
#define SQLITE_JOURNAL_MOVE_ROWS 4096

/* Inside the writer's transaction: moves the journal to session_updates once
 * it holds SQLITE_JOURNAL_MOVE_ROWS rows (always when force). */
static int sqlite__journal_move(store__conn_t *c, bool force) {
  sqlite3_stmt *span = sqlite__stmt(c, ST_JOURNAL_SPAN);
  sqlite3_stmt *move = sqlite__stmt(c, ST_JOURNAL_MOVE);
  sqlite3_stmt *clear = sqlite__stmt(c, ST_JOURNAL_CLEAR);
  if (!span || !move || !clear)
    return PP_ESTORE;
  if (sqlite3_step(span) != SQLITE_ROW) {
    sqlite3_reset(span);
    return PP_ESTORE;
  }
  bool empty = sqlite3_column_type(span, 0) == SQLITE_NULL;
  sqlite3_int64 rows =
      sqlite3_column_int64(span, 1) - sqlite3_column_int64(span, 0) + 1;
  sqlite3_reset(span);
  if (empty || (!force && rows < SQLITE_JOURNAL_MOVE_ROWS))
    return 0;
  int rc = sqlite__step_locked(move);
  return rc ? rc : sqlite__step_locked(clear);
}

static int sqlite__append_updates(store__conn_t *c, const store_update_t *u,
                                  size_t n, const store_code_t *codes,
                                  size_t ncodes) {
  sqlite3_stmt *ins = sqlite__stmt(c, ST_LOG_INSERT);
  sqlite3_stmt *code = sqlite__stmt(c, ST_CODE_UPDATE);
  if (!ins || !code)
    return PP_ESTORE;
  pthread_mutex_lock(&sqlite__write_mu);
  int rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : PP_ESTORE;
  for (size_t i = 0; !rc && i < n; i++) {
    sqlite3_bind_text(ins, 1, u[i].session_id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(ins, 2, u[i].data.ptr, (int)u[i].data.len, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, u[i].author, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, u[i].author_name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 5, u[i].created_at_ms);
    rc = sqlite__step_locked(ins);
  }
  for (size_t i = 0; !rc && i < ncodes; i++) {
    sqlite3_bind_text(code, 1, codes[i].session_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(code, 2, codes[i].code.ptr, (int)codes[i].code.len,
                      SQLITE_STATIC);
    rc = sqlite__step_locked(code);
  }
  if (!rc)
    rc = sqlite__journal_move(c, false);
  if (!rc && sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    rc = PP_ESTORE;
  if (rc)
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  pthread_mutex_unlock(&sqlite__write_mu);
  sqlite3_clear_bindings(ins);
  sqlite3_clear_bindings(code);
  return rc;
}

/* Appends the data of the rows q (bound to session_id and ids above
 * after) returns to out. */
static int sqlite__read_updates(sqlite3_stmt *q, const char *session_id,
                                int64_t after, store_doc_t *out) {
  sqlite3_bind_text(q, 1, session_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 2, after);
  int rc = 0, step;
  while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW)
    rc = store__doc_push(out, sqlite3_column_blob(q, 0),
                         (size_t)sqlite3_column_bytes(q, 0));
  if (!rc && step != SQLITE_DONE)
    rc = PP_ESTORE;
  sqlite3_reset(q);
  return rc;
}

static int sqlite__load_doc(store__conn_t *c, const char *session_id,
                            store_doc_t *out) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *snap = sqlite__stmt(c, ST_SNAP_SELECT);
  sqlite3_stmt *log = sqlite__stmt(c, ST_LOG_SELECT);
  sqlite3_stmt *journal = sqlite__stmt(c, ST_JOURNAL_SELECT);
  if (!snap || !log || !journal)
    return PP_ESTORE;
  /* One read transaction: the snapshot and the log after it agree. */
  if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return PP_ESTORE;
  int rc = 0;
  int64_t after = 0;
  sqlite3_bind_text(snap, 1, session_id, -1, SQLITE_STATIC);
  int step = sqlite3_step(snap);
  if (step == SQLITE_ROW) {
    int len = sqlite3_column_bytes(snap, 0);
    const void *blob = sqlite3_column_blob(snap, 0);
    out->snapshot.data = malloc(len ? (size_t)len : 1);
    if (!out->snapshot.data)
      rc = PP_ENOMEM;
    else if (len)
      memcpy(out->snapshot.data, blob, (size_t)len);
    out->snapshot.len = (size_t)len;
    after = sqlite3_column_int64(snap, 1);
  } else if (step != SQLITE_DONE) {
    rc = PP_ESTORE;
  }
  sqlite3_reset(snap);
  /* Every journal id is above every id moved out of it: the log, then the
   * journal, is the order the updates were logged in. */
  if (!rc)
    rc = sqlite__read_updates(log, session_id, after, out);
  if (!rc)
    rc = sqlite__read_updates(journal, session_id, after, out);
  sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
  if (rc)
    store_doc_clear(out);
  return rc;
}

static int sqlite__save_snapshot(store__conn_t *c, const char *session_id,
                                 pp_bytes_t state) {
  sqlite3_stmt *q = sqlite__stmt(c, ST_SNAP_UPSERT);
  if (!q)
    return PP_ESTORE;
  sqlite3_bind_text(q, 1, session_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob(q, 2, state.ptr, (int)state.len, SQLITE_STATIC);
  sqlite3_bind_int64(q, 3, pp_now_ms());
  return sqlite__step_done(c, q);
}

static int sqlite__stale_codes(store__conn_t *c, char (*ids)[PP_UUID_LEN + 1],
                               size_t max, size_t *n) {
  *n = 0;
  sqlite3_stmt *q = sqlite__stmt(c, ST_STALE_CODE);
  if (!q)
    return PP_ESTORE;
  sqlite3_bind_int64(q, 1, (sqlite3_int64)max);
  int step;
  while (*n < max && (step = sqlite3_step(q)) == SQLITE_ROW)
    sqlite__copy_fixed(q, 0, ids[(*n)++], PP_UUID_LEN + 1);
  sqlite3_reset(q);
  return 0;
}

static int sqlite__set_code(store__conn_t *c, const char *session_id,
                            pp_bytes_t code) {
  sqlite3_stmt *q = sqlite__stmt(c, ST_CODE_UPDATE);
  if (!q)
    return PP_ESTORE;
  sqlite3_bind_text(q, 1, session_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, code.ptr ? code.ptr : "", (int)code.len,
                    SQLITE_STATIC);
  return sqlite__step_done(c, q);
}

static int sqlite__append_run(store__conn_t *c, const store_run_t *run) {
  sqlite3_stmt *q = sqlite__stmt(c, ST_RUN_INSERT);
  if (!q)
    return PP_ESTORE;
  sqlite3_bind_text(q, 1, run->session_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, run->run_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 3, run->author, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 4, run->author_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 5, run->started_at_ms);
  sqlite3_bind_text(q, 6, run->record.ptr, (int)run->record.len, SQLITE_STATIC);
  return sqlite__step_done(c, q);
}

static int sqlite__list_runs(store__conn_t *c, const char *session_id,
                             size_t limit, store_runs_t *out) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *q = sqlite__stmt(c, ST_RUN_SELECT);
  if (!q)
    return PP_ESTORE;
  sqlite3_bind_text(q, 1, session_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 2, (sqlite3_int64)limit);
  int rc = 0, step;
  while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW)
    rc = store__runs_push(out, sqlite3_column_text(q, 0),
                          (size_t)sqlite3_column_bytes(q, 0));
  if (!rc && step != SQLITE_DONE)
    rc = PP_ESTORE;
  sqlite3_reset(q);
  if (rc)
    store_runs_clear(out);
  return rc;
}

const store__backend_t store__sqlite_backend = {
    .name = "sqlite",
    .open = sqlite__open,
    .close = sqlite__close,
    .migrate = sqlite__migrate,
    .create_session = sqlite__create_session,
    .get_session = sqlite__get_session,
    .update_session = sqlite__update_session,
    .delete_session = sqlite__delete_session,
    .purge_expired = sqlite__purge_expired,
    .append_updates = sqlite__append_updates,
    .load_doc = sqlite__load_doc,
    .save_snapshot = sqlite__save_snapshot,
    .stale_codes = sqlite__stale_codes,
    .set_code = sqlite__set_code,
    .append_run = sqlite__append_run,
    .list_runs = sqlite__list_runs,
};
