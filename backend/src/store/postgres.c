/* PostgreSQL backend through libpq. Each pooled connection is used by one
 * worker thread at a time; statements are prepared once per connection. */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/migrations.h"
#include "util/error.h"

struct store__conn {
  PGconn *pg;
  char *url; /* owned, for reconnects */
  bool prepared;
};

/* Epoch milliseconds travel as text bigint; conversions happen in SQL. */
#define PG_SESSION_COLUMNS                                                     \
  "id::text, title, language, code, "                                          \
  "(extract(epoch from created_at) * 1000)::bigint, "                          \
  "(extract(epoch from expires_at) * 1000)::bigint, password_hash, "           \
  "interviewer_token_hash, is_active, run_timeout_seconds, run_settings"

static const struct {
  const char *name;
  const char *sql;
  int nparams;
} statements[] = {
    {"pp_insert",
     "INSERT INTO sessions (id, title, language, code, created_at, "
     "expires_at, password_hash, interviewer_token_hash, is_active, "
     "run_timeout_seconds, run_settings) VALUES ($1, $2, $3, $4, "
     "to_timestamp($5::bigint / 1000.0), to_timestamp($6::bigint / 1000.0), "
     "$7, $8, $9, $10::integer, $11)",
     11},
    {"pp_select", "SELECT " PG_SESSION_COLUMNS " FROM sessions WHERE id = $1",
     1},
    {"pp_update",
     "UPDATE sessions SET title = $2, language = $3, password_hash = $4, "
     "expires_at = to_timestamp($5::bigint / 1000.0), is_active = $6, "
     "run_timeout_seconds = $7::integer, run_settings = $8 WHERE id = $1",
     8},
    {"pp_delete", "DELETE FROM sessions WHERE id = $1", 1},
    {"pp_purge",
     "DELETE FROM sessions WHERE expires_at <= to_timestamp($1::bigint / "
     "1000.0)",
     1},
    /* Updates of a session deleted meanwhile are dropped, not errors. */
    {"pp_log_insert",
     "INSERT INTO session_updates (session_id, data, author, author_name, "
     "created_at) SELECT $1::uuid, $2::bytea, $3, $4, to_timestamp($5::bigint "
     "/ 1000.0) WHERE EXISTS (SELECT 1 FROM sessions WHERE id = $1::uuid)",
     5},
    {"pp_code_update",
     "UPDATE sessions SET code = $2, code_update_id = COALESCE((SELECT "
     "max(id) FROM session_updates WHERE session_id = $1::uuid), 0) WHERE id "
     "= $1::uuid",
     2},
    {"pp_stale_code",
     "SELECT s.id::text FROM sessions s WHERE EXISTS (SELECT 1 FROM "
     "session_updates u WHERE u.session_id = s.id AND u.id > "
     "s.code_update_id) LIMIT $1::int",
     1},
    {"pp_snap_select",
     "SELECT state, last_update_id FROM session_snapshots WHERE session_id = "
     "$1",
     1},
    /* Runs of a session deleted meanwhile are dropped, not errors. */
    {"pp_run_insert",
     "INSERT INTO session_runs (session_id, run_id, author, author_name, "
     "started_at, record) SELECT $1::uuid, $2, $3, $4, to_timestamp($5::bigint "
     "/ 1000.0), $6::jsonb WHERE EXISTS (SELECT 1 FROM sessions WHERE id = "
     "$1::uuid)",
     6},
    {"pp_run_select",
     "SELECT record::text FROM (SELECT id, record FROM session_runs WHERE "
     "session_id = $1::uuid ORDER BY id DESC LIMIT $2::bigint) r ORDER BY id",
     2},
    {"pp_log_select",
     "SELECT data FROM session_updates WHERE session_id = $1 AND id > "
     "$2::bigint ORDER BY id",
     2},
    {"pp_snap_upsert",
     "INSERT INTO session_snapshots (session_id, state, last_update_id, "
     "updated_at) SELECT $1::uuid, $2::bytea, COALESCE((SELECT max(id) FROM "
     "session_updates WHERE session_id = $1::uuid), 0), now() WHERE EXISTS "
     "(SELECT 1 FROM sessions WHERE id = $1::uuid) ON CONFLICT (session_id) DO "
     "UPDATE SET state = excluded.state, last_update_id = "
     "excluded.last_update_id, updated_at = excluded.updated_at",
     2},
};

static void pg__close(store__conn_t *c) {
  if (!c)
    return;
  if (c->pg)
    PQfinish(c->pg);
  free(c->url);
  free(c);
}

static void pg__notice(void *arg, const char *msg) {
  (void)arg;
  (void)msg; /* migrations' NOTICEs are not worth a log line */
}

static int pg__connect(store__conn_t *c, char *err, size_t errsz) {
  if (c->pg)
    PQfinish(c->pg);
  c->prepared = false;
  c->pg = PQconnectdb(c->url);
  if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
    snprintf(err, errsz, "cannot connect to PostgreSQL: %s",
             c->pg ? PQerrorMessage(c->pg) : "out of memory");
    return PP_EUNAVAILABLE;
  }
  PQsetNoticeProcessor(c->pg, pg__notice, NULL);
  return 0;
}

static int pg__open(const char *url, store__conn_t **out, char *err,
                    size_t errsz) {
  store__conn_t *c = calloc(1, sizeof *c);
  if (!c || !(c->url = strdup(url))) {
    free(c);
    return PP_ENOMEM;
  }
  int rc = pg__connect(c, err, errsz);
  if (rc) {
    pg__close(c);
    return rc;
  }
  *out = c;
  return 0;
}

static int pg__exec(store__conn_t *c, const char *sql, char *err,
                    size_t errsz) {
  PGresult *r = PQexec(c->pg, sql);
  ExecStatusType st = PQresultStatus(r);
  int rc = 0;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    snprintf(err, errsz, "%s", PQresultErrorMessage(r));
    rc = PP_ESTORE;
  }
  PQclear(r);
  return rc;
}

static int pg__prepare(store__conn_t *c) {
  for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++) {
    PGresult *r = PQprepare(c->pg, statements[i].name, statements[i].sql,
                            statements[i].nparams, NULL);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok)
      return PP_ESTORE;
  }
  c->prepared = true;
  return 0;
}

/* Makes sure the connection is usable, reconnecting once if the server
 * dropped it (restart, network blip). */
static int pg__ready(store__conn_t *c) {
  if (PQstatus(c->pg) != CONNECTION_OK) {
    char err[256];
    if (pg__connect(c, err, sizeof err))
      return PP_EUNAVAILABLE;
  }
  if (!c->prepared && pg__prepare(c))
    return PP_ESTORE;
  return 0;
}

static int pg__migrate(store__conn_t *c, char *err, size_t errsz) {
  int rc;
  /* Several nodes may start together: one migrates, the others wait. */
  if ((rc = pg__exec(c, "SELECT pg_advisory_lock(7291001)", err, errsz)))
    return rc;
  rc = pg__exec(c,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version "
                "INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at "
                "TIMESTAMPTZ NOT NULL DEFAULT now())",
                err, errsz);
  for (size_t i = 0; !rc && i < pp_migrations_postgres_count; i++) {
    const pp_embedded_t *m = &pp_migrations_postgres[i];
    long version = store__migration_version(m);
    if (version < 0)
      continue;
    char vbuf[24];
    snprintf(vbuf, sizeof vbuf, "%ld", version);
    const char *params[2] = {vbuf, m->name};
    PGresult *r = PQexecParams(
        c->pg, "SELECT 1 FROM schema_migrations WHERE version = $1::int", 1,
        NULL, params, NULL, NULL, 0);
    int applied = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    PQclear(r);
    if (applied)
      continue;
    if ((rc = pg__exec(c, "BEGIN", err, errsz)))
      break;
    if ((rc = pg__exec(c, (const char *)m->data, err, errsz))) {
      char detail[512];
      snprintf(detail, sizeof detail, "migration %s failed: %s", m->name, err);
      snprintf(err, errsz, "%s", detail);
      char ignored[8];
      pg__exec(c, "ROLLBACK", ignored, sizeof ignored);
      break;
    }
    r = PQexecParams(c->pg,
                     "INSERT INTO schema_migrations (version, name) VALUES "
                     "($1::int, $2)",
                     2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      snprintf(err, errsz, "%s", PQresultErrorMessage(r));
      rc = PP_ESTORE;
    }
    PQclear(r);
    if (rc || (rc = pg__exec(c, "COMMIT", err, errsz))) {
      char ignored[8];
      pg__exec(c, "ROLLBACK", ignored, sizeof ignored);
      break;
    }
  }
  char ignored[8];
  pg__exec(c, "SELECT pg_advisory_unlock(7291001)", ignored, sizeof ignored);
  if (!rc && pg__prepare(c)) {
    snprintf(err, errsz, "cannot prepare statements: %s",
             PQerrorMessage(c->pg));
    rc = PP_ESTORE;
  }
  return rc;
}

/* Runs a prepared statement; returns the result (caller PQclears) or NULL
 * with *rc set. Retries once on a broken connection. */
static PGresult *pg__run(store__conn_t *c, const char *name, int n,
                         const char *const *params, int *rc) {
  for (int attempt = 0; attempt < 2; attempt++) {
    if ((*rc = pg__ready(c)))
      return NULL;
    PGresult *r = PQexecPrepared(c->pg, name, n, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      *rc = 0;
      return r;
    }
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    *rc = (state && strcmp(state, "23505") == 0) ? PP_ECONFLICT : PP_ESTORE;
    PQclear(r);
    if (PQstatus(c->pg) == CONNECTION_OK)
      return NULL;
    *rc = PP_EUNAVAILABLE;
  }
  return NULL;
}

static int pg__affected(PGresult *r) {
  const char *t = PQcmdTuples(r);
  return t && *t ? (int)strtol(t, NULL, 10) : 0;
}

static int pg__create_session(store__conn_t *c, const store_session_t *s) {
  char created[24], expires[24], timeout[16];
  snprintf(created, sizeof created, "%lld", (long long)s->created_at_ms);
  snprintf(expires, sizeof expires, "%lld", (long long)s->expires_at_ms);
  snprintf(timeout, sizeof timeout, "%d", s->run_timeout_seconds);
  const char *params[11] = {s->id,
                            s->title,
                            s->language,
                            s->code ? s->code : "",
                            created,
                            expires,
                            s->password_hash,
                            s->token_hash,
                            s->is_active ? "t" : "f",
                            timeout,
                            s->run_settings ? s->run_settings : "{}"};
  int rc;
  PGresult *r = pg__run(c, "pp_insert", 11, params, &rc);
  PQclear(r);
  return rc;
}

static char *pg__dup(PGresult *r, int col, size_t *len) {
  int n = PQgetlength(r, 0, col);
  char *p = malloc((size_t)n + 1);
  if (!p)
    return NULL;
  memcpy(p, PQgetvalue(r, 0, col), (size_t)n);
  p[n] = '\0';
  if (len)
    *len = (size_t)n;
  return p;
}

static int pg__get_session(store__conn_t *c, const char *id,
                           store_session_t *out) {
  memset(out, 0, sizeof *out);
  const char *params[1] = {id};
  int rc;
  PGresult *r = pg__run(c, "pp_select", 1, params, &rc);
  if (!r)
    return rc;
  if (PQntuples(r) != 1) {
    PQclear(r);
    return PP_ENOTFOUND;
  }
  snprintf(out->id, sizeof out->id, "%s", PQgetvalue(r, 0, 0));
  out->title = pg__dup(r, 1, NULL);
  snprintf(out->language, sizeof out->language, "%s", PQgetvalue(r, 0, 2));
  out->code = pg__dup(r, 3, &out->code_len);
  out->created_at_ms = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
  out->expires_at_ms = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
  bool has_pw = !PQgetisnull(r, 0, 6);
  out->password_hash = has_pw ? pg__dup(r, 6, NULL) : NULL;
  snprintf(out->token_hash, sizeof out->token_hash, "%s", PQgetvalue(r, 0, 7));
  out->is_active = PQgetvalue(r, 0, 8)[0] == 't';
  out->run_timeout_seconds = (int)strtol(PQgetvalue(r, 0, 9), NULL, 10);
  out->run_settings = pg__dup(r, 10, NULL);
  PQclear(r);
  if (!out->title || !out->code || !out->run_settings ||
      (has_pw && !out->password_hash)) {
    store_session_clear(out);
    return PP_ENOMEM;
  }
  return 0;
}

static int pg__update_session(store__conn_t *c, const store_session_t *s) {
  char expires[24], timeout[16];
  snprintf(expires, sizeof expires, "%lld", (long long)s->expires_at_ms);
  snprintf(timeout, sizeof timeout, "%d", s->run_timeout_seconds);
  const char *params[8] = {
      s->id,       s->title,
      s->language, s->password_hash,
      expires,     s->is_active ? "t" : "f",
      timeout,     s->run_settings ? s->run_settings : "{}"};
  int rc;
  PGresult *r = pg__run(c, "pp_update", 8, params, &rc);
  if (!r)
    return rc;
  rc = pg__affected(r) == 1 ? 0 : PP_ENOTFOUND;
  PQclear(r);
  return rc;
}

static int pg__delete_session(store__conn_t *c, const char *id) {
  const char *params[1] = {id};
  int rc;
  PGresult *r = pg__run(c, "pp_delete", 1, params, &rc);
  if (!r)
    return rc;
  rc = pg__affected(r) == 1 ? 0 : PP_ENOTFOUND;
  PQclear(r);
  return rc;
}

static int pg__purge_expired(store__conn_t *c, int64_t now_ms, long *purged) {
  char now[24];
  snprintf(now, sizeof now, "%lld", (long long)now_ms);
  const char *params[1] = {now};
  int rc;
  PGresult *r = pg__run(c, "pp_purge", 1, params, &rc);
  if (!r)
    return rc;
  *purged = pg__affected(r);
  PQclear(r);
  return 0;
}

/* Runs a prepared statement with text and binary parameters. */
static PGresult *pg__run_fmt(store__conn_t *c, const char *name, int n,
                             const char *const *values, const int *lengths,
                             const int *formats, int *rc) {
  PGresult *r = PQexecPrepared(c->pg, name, n, values, lengths, formats, 1);
  ExecStatusType st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    *rc = 0;
    return r;
  }
  PQclear(r);
  *rc = PQstatus(c->pg) == CONNECTION_OK ? PP_ESTORE : PP_EUNAVAILABLE;
  return NULL;
}

static int pg__simple(store__conn_t *c, const char *sql) {
  PGresult *r = PQexec(c->pg, sql);
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  return ok ? 0 : PP_ESTORE;
}

static int pg__append_updates(store__conn_t *c, const store_update_t *u,
                              size_t n, const store_code_t *codes,
                              size_t ncodes) {
  int rc = pg__ready(c);
  if (rc)
    return rc;
  if ((rc = pg__simple(c, "BEGIN")))
    return rc;
  for (size_t i = 0; !rc && i < n; i++) {
    char created[24];
    snprintf(created, sizeof created, "%lld", (long long)u[i].created_at_ms);
    const char *values[5] = {u[i].session_id, u[i].data.ptr, u[i].author,
                             u[i].author_name, created};
    int lengths[5] = {0, (int)u[i].data.len, 0, 0, 0};
    int formats[5] = {0, 1, 0, 0, 0};
    PQclear(pg__run_fmt(c, "pp_log_insert", 5, values, lengths, formats, &rc));
  }
  for (size_t i = 0; !rc && i < ncodes; i++) {
    const char *values[2] = {codes[i].session_id, codes[i].code.ptr};
    int lengths[2] = {0, (int)codes[i].code.len};
    int formats[2] = {0, 1}; /* binary text = raw UTF-8 bytes, no NUL needed */
    PQclear(pg__run_fmt(c, "pp_code_update", 2, values, lengths, formats, &rc));
  }
  if (!rc)
    rc = pg__simple(c, "COMMIT");
  if (rc)
    pg__simple(c, "ROLLBACK");
  return rc;
}

static int pg__load_doc(store__conn_t *c, const char *session_id,
                        store_doc_t *out) {
  memset(out, 0, sizeof *out);
  int rc = pg__ready(c);
  if (rc)
    return rc;
  if ((rc = pg__simple(c, "BEGIN ISOLATION LEVEL REPEATABLE READ")))
    return rc;
  const char *values[2] = {session_id, "0"};
  PGresult *r = pg__run_fmt(c, "pp_snap_select", 1, values, NULL, NULL, &rc);
  char after[24] = "0";
  if (r && PQntuples(r) == 1) {
    int len = PQgetlength(r, 0, 0);
    out->snapshot.data = malloc(len ? (size_t)len : 1);
    if (!out->snapshot.data) {
      rc = PP_ENOMEM;
    } else {
      memcpy(out->snapshot.data, PQgetvalue(r, 0, 0), (size_t)len);
      out->snapshot.len = (size_t)len;
      /* binary int8, network byte order */
      const unsigned char *b = (const unsigned char *)PQgetvalue(r, 0, 1);
      uint64_t v = 0;
      for (int i = 0; i < 8; i++)
        v = (v << 8) | b[i];
      snprintf(after, sizeof after, "%llu", (unsigned long long)v);
    }
  }
  PQclear(r);
  if (!rc) {
    values[1] = after;
    r = pg__run_fmt(c, "pp_log_select", 2, values, NULL, NULL, &rc);
    for (int i = 0; r && !rc && i < PQntuples(r); i++)
      rc = store__doc_push(out, PQgetvalue(r, i, 0),
                           (size_t)PQgetlength(r, i, 0));
    PQclear(r);
  }
  pg__simple(c, rc ? "ROLLBACK" : "COMMIT");
  if (rc)
    store_doc_clear(out);
  return rc;
}

static int pg__save_snapshot(store__conn_t *c, const char *session_id,
                             pp_bytes_t state) {
  int rc = pg__ready(c);
  if (rc)
    return rc;
  const char *values[2] = {session_id, state.ptr};
  int lengths[2] = {0, (int)state.len};
  int formats[2] = {0, 1};
  PQclear(pg__run_fmt(c, "pp_snap_upsert", 2, values, lengths, formats, &rc));
  return rc;
}

static int pg__stale_codes(store__conn_t *c, char (*ids)[PP_UUID_LEN + 1],
                           size_t max, size_t *n) {
  *n = 0;
  char lim[24];
  snprintf(lim, sizeof lim, "%zu", max);
  const char *params[1] = {lim};
  int rc;
  PGresult *r = pg__run(c, "pp_stale_code", 1, params, &rc);
  if (!r)
    return rc;
  for (int i = 0; i < PQntuples(r) && *n < max; i++)
    snprintf(ids[(*n)++], PP_UUID_LEN + 1, "%s", PQgetvalue(r, i, 0));
  PQclear(r);
  return 0;
}

static int pg__set_code(store__conn_t *c, const char *session_id,
                        pp_bytes_t code) {
  int rc = pg__ready(c);
  if (rc)
    return rc;
  const char *values[2] = {session_id, code.ptr ? code.ptr : ""};
  int lengths[2] = {0, (int)code.len};
  int formats[2] = {0, 1};
  PQclear(pg__run_fmt(c, "pp_code_update", 2, values, lengths, formats, &rc));
  return rc;
}

static int pg__append_run(store__conn_t *c, const store_run_t *run) {
  int rc = pg__ready(c);
  if (rc)
    return rc;
  char started[24];
  snprintf(started, sizeof started, "%lld", (long long)run->started_at_ms);
  const char *values[6] = {run->session_id,  run->run_id, run->author,
                           run->author_name, started,     run->record.ptr};
  int lengths[6] = {0, 0, 0, 0, 0, (int)run->record.len};
  int formats[6] = {0, 0, 0, 0, 0, 0};
  /* record is not NUL-terminated: pass it as text with its length. */
  char *record = malloc(run->record.len + 1);
  if (!record)
    return PP_ENOMEM;
  memcpy(record, run->record.ptr, run->record.len);
  record[run->record.len] = '\0';
  values[5] = record;
  PQclear(pg__run_fmt(c, "pp_run_insert", 6, values, lengths, formats, &rc));
  free(record);
  return rc;
}

static int pg__list_runs(store__conn_t *c, const char *session_id, size_t limit,
                         store_runs_t *out) {
  memset(out, 0, sizeof *out);
  int rc = pg__ready(c);
  if (rc)
    return rc;
  char lim[24];
  snprintf(lim, sizeof lim, "%zu", limit);
  const char *values[2] = {session_id, lim};
  PGresult *r = pg__run_fmt(c, "pp_run_select", 2, values, NULL, NULL, &rc);
  for (int i = 0; r && !rc && i < PQntuples(r); i++)
    rc = store__runs_push(out, PQgetvalue(r, i, 0),
                          (size_t)PQgetlength(r, i, 0));
  PQclear(r);
  if (rc)
    store_runs_clear(out);
  return rc;
}

const store__backend_t store__postgres_backend = {
    .name = "postgres",
    .open = pg__open,
    .close = pg__close,
    .migrate = pg__migrate,
    .create_session = pg__create_session,
    .get_session = pg__get_session,
    .update_session = pg__update_session,
    .delete_session = pg__delete_session,
    .purge_expired = pg__purge_expired,
    .append_updates = pg__append_updates,
    .load_doc = pg__load_doc,
    .save_snapshot = pg__save_snapshot,
    .stale_codes = pg__stale_codes,
    .set_code = pg__set_code,
    .append_run = pg__append_run,
    .list_runs = pg__list_runs,
};
