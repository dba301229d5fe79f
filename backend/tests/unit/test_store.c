#include <sodium.h>
#include <sqlite3.h>

#include "store/store.h"
#include "test.h"
#include "test_support.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/uuid.h"

#define T0 1795748645123LL /* 2026-11-27T03:04:05.123Z */
#define DAY_MS 86400000LL

static const char token_hash[] =
    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319";

/* A session borrowing static strings: never store_session_clear() it. */
static store_session_t sample(const char *id, int64_t expires_at_ms) {
  static char title[] = "Backend interview \xc3\xa9t\xc3\xa9";
  static char code[] = "print(\"h\xc3\xa9llo\")\n";
  static char pw[] = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
  store_session_t s;
  memset(&s, 0, sizeof s);
  CHECK_INT(strlen(id), PP_UUID_LEN);
  memcpy(s.id, id, PP_UUID_LEN + 1);
  s.title = title;
  snprintf(s.language, sizeof s.language, "python");
  s.code = code;
  s.code_len = sizeof code - 1;
  s.created_at_ms = T0;
  s.expires_at_ms = expires_at_ms;
  s.password_hash = pw;
  snprintf(s.token_hash, sizeof s.token_hash, "%s", token_hash);
  s.is_active = true;
  return s;
}

static void check_same(const store_session_t *got,
                       const store_session_t *want) {
  CHECK_STR(got->id, want->id);
  CHECK_STR(got->title, want->title);
  CHECK_STR(got->language, want->language);
  CHECK_INT(got->code_len, want->code_len);
  CHECK(got->code != NULL);
  CHECK(memcmp(got->code, want->code, want->code_len) == 0);
  CHECK_INT(got->code[got->code_len], '\0');
  CHECK_INT(got->created_at_ms, want->created_at_ms);
  CHECK_INT(got->expires_at_ms, want->expires_at_ms);
  if (want->password_hash)
    CHECK_STR(got->password_hash, want->password_hash);
  else
    CHECK(got->password_hash == NULL);
  CHECK_STR(got->token_hash, want->token_hash);
  CHECK_INT(got->is_active, want->is_active);
}

/* Create, read, conflict, update, delete: the same checks for each backend.
 * id and other_id are fresh v4 UUIDs. */
static void crud_checks(store_t *st, const char *id, const char *other_id) {
  store_session_t s = sample(id, T0 + DAY_MS);
  CHECK_INT(store_create_session(st, &s), 0);

  store_session_t got;
  CHECK_INT(store_get_session(st, id, &got), 0);
  check_same(&got, &s);
  store_session_clear(&got);

  CHECK_INT(store_create_session(st, &s), PP_ECONFLICT);

  store_session_t changed = s;
  char new_title[] = "Renamed";
  changed.title = new_title;
  snprintf(changed.language, sizeof changed.language, "rust");
  changed.password_hash = NULL;
  changed.expires_at_ms = T0 + 2 * DAY_MS + 7;
  changed.is_active = false;
  CHECK_INT(store_update_session(st, &changed), 0);
  CHECK_INT(store_get_session(st, id, &got), 0);
  check_same(&got, &changed); /* code, created_at, token hash unchanged */
  store_session_clear(&got);

  store_session_t ghost = sample(other_id, T0 + DAY_MS);
  CHECK_INT(store_update_session(st, &ghost), PP_ENOTFOUND);
  CHECK_INT(store_get_session(st, other_id, &got), PP_ENOTFOUND);
  CHECK_INT(store_delete_session(st, other_id), PP_ENOTFOUND);

  CHECK_INT(store_delete_session(st, id), 0);
  CHECK_INT(store_get_session(st, id, &got), PP_ENOTFOUND);
  CHECK_INT(store_delete_session(st, id), PP_ENOTFOUND);

  /* A brand-new session: no code yet, no password. */
  store_session_t fresh = sample(other_id, T0 + DAY_MS);
  fresh.code = NULL;
  fresh.code_len = 0;
  fresh.password_hash = NULL;
  CHECK_INT(store_create_session(st, &fresh), 0);
  CHECK_INT(store_get_session(st, other_id, &got), 0);
  fresh.code = (char *)"";
  check_same(&got, &fresh);
  store_session_clear(&got);
  CHECK_INT(store_delete_session(st, other_id), 0);
}

static store_t *open_sqlite(const char *dir, char *url, size_t urlsz) {
  snprintf(url, urlsz, "sqlite:%s/t.db", dir);
  store_t *st = NULL;
  char err[512] = "";
  int rc = store_open(url, 2, &st, err, sizeof err);
  if (rc)
    fprintf(stderr, "store_open(%s): %s: %s\n", url, pp_errname(rc), err);
  CHECK_INT(rc, 0);
  CHECK(st != NULL);
  CHECK_STR(store_backend_name(st), "sqlite");
  return st;
}

void test_store_open_rejects_unknown_url(void) {
  static const struct {
    const char *url, *message;
  } v[] = {
      {"mysql://localhost/db",
       "unsupported database URL (use sqlite:PATH or postgres://...)"},
      {"sqlite",
       "unsupported database URL (use sqlite:PATH or postgres://...)"},
      {"postgres:/x",
       "unsupported database URL (use sqlite:PATH or postgres://...)"},
      {"", "unsupported database URL (use sqlite:PATH or postgres://...)"},
      {"sqlite:", "sqlite: URL needs a path, e.g. sqlite:./data/x.db"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("url \"%s\"", v[i].url);
    int dummy = 0;
    store_t *st = (store_t *)(void *)&dummy; /* not NULL */
    char err[256] = "";
    CHECK_INT(store_open(v[i].url, 1, &st, err, sizeof err), PP_ECONFIG);
    CHECK(st == NULL);
    CHECK_STR(err, v[i].message);
  }
}

void test_store_sqlite_crud(void) {
  CHECK(sodium_init() >= 0);
  char *dir = test_tmpdir_new();
  char url[4200];
  store_t *st = open_sqlite(dir, url, sizeof url);
  char id[PP_UUID_LEN + 1], other[PP_UUID_LEN + 1];
  pp_uuid_v4(id);
  pp_uuid_v4(other);
  crud_checks(st, id, other);
  store_free(st);
  test_tmpdir_remove(dir);
}

void test_store_sqlite_purge_expired(void) {
  CHECK(sodium_init() >= 0);
  char *dir = test_tmpdir_new();
  char url[4200];
  store_t *st = open_sqlite(dir, url, sizeof url);
  char ids[3][PP_UUID_LEN + 1];
  for (int i = 0; i < 3; i++) {
    pp_uuid_v4(ids[i]);
    store_session_t s = sample(ids[i], T0 + 1000 * (i + 1));
    CHECK_INT(store_create_session(st, &s), 0);
  }
  long purged = -1;
  CHECK_INT(store_purge_expired(st, T0 + 999, &purged), 0);
  CHECK_INT(purged, 0);
  /* expires_at <= now is expired: the first two go. */
  CHECK_INT(store_purge_expired(st, T0 + 2000, &purged), 0);
  CHECK_INT(purged, 2);
  store_session_t got;
  CHECK_INT(store_get_session(st, ids[0], &got), PP_ENOTFOUND);
  CHECK_INT(store_get_session(st, ids[1], &got), PP_ENOTFOUND);
  CHECK_INT(store_get_session(st, ids[2], &got), 0);
  CHECK_INT(got.expires_at_ms, T0 + 3000);
  store_session_clear(&got);
  CHECK_INT(store_purge_expired(st, T0 + 2000, &purged), 0);
  CHECK_INT(purged, 0);
  store_free(st);
  test_tmpdir_remove(dir);
}

static long count_migrations(const char *dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/t.db", dir);
  sqlite3 *db = NULL;
  CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *q = NULL;
  CHECK_INT(sqlite3_prepare_v2(db, "SELECT count(*) FROM schema_migrations", -1,
                               &q, NULL),
            SQLITE_OK);
  CHECK_INT(sqlite3_step(q), SQLITE_ROW);
  long n = (long)sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  return n;
}

void test_store_sqlite_migrations_idempotent(void) {
  CHECK(sodium_init() >= 0);
  char *dir = test_tmpdir_new();
  char url[4200];
  store_t *st = open_sqlite(dir, url, sizeof url);
  char id[PP_UUID_LEN + 1];
  pp_uuid_v4(id);
  store_session_t s = sample(id, T0 + DAY_MS);
  CHECK_INT(store_create_session(st, &s), 0);
  store_free(st);
  CHECK_INT(count_migrations(dir), (long)pp_migrations_sqlite_count);

  st = open_sqlite(dir, url, sizeof url); /* migrations already applied */
  store_session_t got;
  CHECK_INT(store_get_session(st, id, &got), 0);
  check_same(&got, &s);
  store_session_clear(&got);
  store_free(st);
  CHECK_INT(count_migrations(dir), (long)pp_migrations_sqlite_count);
  test_tmpdir_remove(dir);
}

void test_store_postgres_crud(void) {
  const char *url = getenv("PAIRPAD_TEST_PG_URL");
  if (!url || !*url) {
    printf("skipped: PAIRPAD_TEST_PG_URL not set\n");
    return;
  }
  CHECK(sodium_init() >= 0);
  store_t *st = NULL;
  char err[512] = "";
  int rc = store_open(url, 2, &st, err, sizeof err);
  if (rc)
    fprintf(stderr, "store_open: %s: %s\n", pp_errname(rc), err);
  CHECK_INT(rc, 0);
  CHECK_STR(store_backend_name(st), "postgres");
  char id[PP_UUID_LEN + 1], other[PP_UUID_LEN + 1];
  pp_uuid_v4(id);
  pp_uuid_v4(other);
  crud_checks(st, id, other);
  store_free(st);
}

/* ---- document log ----------------------------------------------------------
 */

/* Appends three updates, snapshots, appends one more, and checks what a load
 * returns at each step, then that deleting the session drops its log. */
static void doc_log_checks(store_t *st) {
  char id[PP_UUID_LEN + 1];
  pp_uuid_v4(id);
  store_session_t s = sample(id, T0 + DAY_MS);
  CHECK_INT(store_create_session(st, &s), 0);

  store_update_t u[3] = {
      {id, pp_bytes("\x01\x02", 2), "alice", "Alice", T0},
      {id, pp_bytes("\x00\x03\x00", 3), "bob",
       "B\xc3\xb6"
       "b",
       T0 + 1},
      {id, pp_bytes("\xff", 1), "alice", "Alice", T0 + 2},
  };
  store_code_t code = {id, pp_bytes("x = 1\n", 6)};
  CHECK_INT(store_append_updates(st, u, 3, &code, 1), 0);
  store_session_t got;
  CHECK_INT(store_get_session(st, id, &got), 0);
  CHECK_STR(got.code, "x = 1\n");
  store_session_clear(&got);

  store_doc_t d;
  CHECK_INT(store_load_doc(st, id, &d), 0);
  CHECK(d.snapshot.data == NULL);
  CHECK_INT(d.n_updates, 3);
  CHECK_INT(d.updates[1].len, 3);
  CHECK(memcmp(d.updates[1].data, "\x00\x03\x00", 3) == 0);
  store_doc_clear(&d);

  CHECK_INT(store_save_snapshot(st, id, pp_bytes("SNAP\x00SHOT", 9)), 0);
  store_update_t later = {id, pp_bytes("\x07", 1), "bob", "Bob", T0 + 3};
  CHECK_INT(store_append_updates(st, &later, 1, NULL, 0), 0);
  CHECK_INT(store_load_doc(st, id, &d), 0);
  CHECK_INT(d.snapshot.len, 9);
  CHECK(memcmp(d.snapshot.data, "SNAP\x00SHOT", 9) == 0);
  CHECK_INT(d.n_updates, 1); /* only what follows the snapshot */
  CHECK(d.updates[0].len == 1 && d.updates[0].data[0] == '\x07');
  store_doc_clear(&d);

  CHECK_INT(store_delete_session(st, id), 0);
  CHECK_INT(store_load_doc(st, id, &d), 0);
  CHECK(d.snapshot.data == NULL);
  CHECK_INT(d.n_updates, 0);
  store_doc_clear(&d);
  /* Updates for a deleted session are dropped without failing the batch. */
  CHECK_INT(store_append_updates(st, u, 1, &code, 1), 0);
  CHECK_INT(store_save_snapshot(st, id, pp_bytes("x", 1)), 0);
  CHECK_INT(store_load_doc(st, id, &d), 0);
  CHECK_INT(d.n_updates, 0);
  store_doc_clear(&d);
}

void test_store_sqlite_document_log(void) {
  CHECK(sodium_init() >= 0);
  char *dir = test_tmpdir_new();
  char url[4200];
  store_t *st = open_sqlite(dir, url, sizeof url);
  doc_log_checks(st);
  store_free(st);
  test_tmpdir_remove(dir);
}

/* ---- the SQLite journal (migration 0006) ----------------------------------
 */

/* Runs checks against a store on a new SQLite file, then removes it. */
static void on_fresh_sqlite(void (*checks)(store_t *st, const char *url)) {
  CHECK(sodium_init() >= 0);
  char *dir = test_tmpdir_new();
  char url[4200];
  store_t *st = open_sqlite(dir, url, sizeof url);
  checks(st, url);
  store_free(st);
  test_tmpdir_remove(dir);
}

/* Rows in a table of the database file at url, read with a separate
 * connection (what the store wrote is on disk). */
static long sqlite_rows(const char *url, const char *table) {
  sqlite3 *db = NULL;
  CHECK_INT(
      sqlite3_open_v2(url + strlen("sqlite:"), &db, SQLITE_OPEN_READONLY, NULL),
      SQLITE_OK);
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
  sqlite3_stmt *q = NULL;
  CHECK_INT(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
  CHECK_INT(sqlite3_step(q), SQLITE_ROW);
  long n = (long)sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  return n;
}

#define JOURNAL_TEST_UPDATES 5000 /* past the journal's move threshold */

/* Two sessions' updates interleaved, appended in batches until some have
 * moved out of the journal: a load returns each session's updates, all of
 * them, in the order they were appended. */
static void journal_load_spans_the_move(store_t *st, const char *url) {
  char ids[2][PP_UUID_LEN + 1];
  for (int k = 0; k < 2; k++) {
    pp_uuid_v4(ids[k]);
    store_session_t s = sample(ids[k], T0 + DAY_MS);
    CHECK_INT(store_create_session(st, &s), 0);
  }
  static uint32_t seq[JOURNAL_TEST_UPDATES];
  store_update_t batch[100];
  for (int i = 0; i < JOURNAL_TEST_UPDATES; i += 100) {
    for (int b = 0; b < 100; b++) {
      seq[i + b] = (uint32_t)(i + b);
      batch[b] = (store_update_t){
          ids[(i + b) % 2], pp_bytes((const char *)&seq[i + b], sizeof seq[0]),
          "alice", "Alice", T0 + i + b};
    }
    CHECK_INT(store_append_updates(st, batch, 100, NULL, 0), 0);
  }
  long moved = sqlite_rows(url, "session_updates");
  long journaled = sqlite_rows(url, "session_journal");
  CHECK(moved > 0 && journaled > 0);
  CHECK_INT(moved + journaled, JOURNAL_TEST_UPDATES);
  for (int k = 0; k < 2; k++) {
    store_doc_t d;
    CHECK_INT(store_load_doc(st, ids[k], &d), 0);
    CHECK_INT(d.n_updates, JOURNAL_TEST_UPDATES / 2);
    for (size_t i = 0; i < d.n_updates; i++) {
      uint32_t v;
      CHECK_INT(d.updates[i].len, sizeof v);
      memcpy(&v, d.updates[i].data, sizeof v);
      CHECK_INT(v, 2 * i + (size_t)k);
    }
    store_doc_clear(&d);
  }
}

void test_store_sqlite_journal_load_spans_the_move(void) {
  on_fresh_sqlite(journal_load_spans_the_move);
}

/* A session whose journaled updates are newer than its `code` is stale
 * until its code is set again. */
static void journal_stale_code(store_t *st, const char *url) {
  (void)url; /* the store alone answers */
  char id[PP_UUID_LEN + 1], stale[1][PP_UUID_LEN + 1];
  pp_uuid_v4(id);
  store_session_t s = sample(id, T0 + DAY_MS);
  CHECK_INT(store_create_session(st, &s), 0);
  store_update_t u = {id, pp_bytes("\x01", 1), "alice", "Alice", T0};
  size_t n = 9;
  CHECK_INT(store_append_updates(st, &u, 1, NULL, 0), 0);
  CHECK_INT(store_stale_codes(st, stale, 1, &n), 0);
  CHECK_INT(n, 1);
  CHECK_STR(stale[0], id);
  CHECK_INT(store_set_code(st, id, pp_bytes("a", 1)), 0);
  CHECK_INT(store_stale_codes(st, stale, 1, &n), 0);
  CHECK_INT(n, 0);
  CHECK_INT(store_append_updates(st, &u, 1, NULL, 0), 0);
  CHECK_INT(store_stale_codes(st, stale, 1, &n), 0);
  CHECK_INT(n, 1);
}

void test_store_sqlite_journal_stale_code(void) {
  on_fresh_sqlite(journal_stale_code);
}

/* Deleting a session deletes the updates it still has in the journal,
 * not only those moved out of it. */
static void journal_delete_drops_rows(store_t *st, const char *url) {
  char gone[PP_UUID_LEN + 1], kept[PP_UUID_LEN + 1];
  pp_uuid_v4(gone);
  pp_uuid_v4(kept);
  store_session_t a = sample(gone, T0 + DAY_MS), b = sample(kept, T0 + DAY_MS);
  CHECK_INT(store_create_session(st, &a), 0);
  CHECK_INT(store_create_session(st, &b), 0);
  store_update_t u[2] = {{gone, pp_bytes("\x01", 1), "alice", "Alice", T0},
                         {kept, pp_bytes("\x02", 1), "bob", "Bob", T0}};
  CHECK_INT(store_append_updates(st, u, 2, NULL, 0), 0);
  CHECK_INT(store_delete_session(st, gone), 0);
  CHECK_INT(sqlite_rows(url, "session_journal"), 1);
  store_doc_t d;
  CHECK_INT(store_load_doc(st, kept, &d), 0);
  CHECK_INT(d.n_updates, 1);
  CHECK(d.updates[0].len == 1 && d.updates[0].data[0] == '\x02');
  store_doc_clear(&d);
}

void test_store_sqlite_journal_delete_drops_rows(void) {
  on_fresh_sqlite(journal_delete_drops_rows);
}

/* A database written before the journal existed (migrations up to 0005,
 * updates in session_updates) keeps its log when 0006 arrives: a load
 * returns the old updates, then the new ones, and the session's `code`
 * counts as stale once a new update is logged. */
void test_store_sqlite_journal_upgrade_keeps_old_log(void) {
  CHECK(sodium_init() >= 0);
  char *dir = test_tmpdir_new();
  char url[4200];
  snprintf(url, sizeof url, "sqlite:%s/t.db", dir);
  sqlite3 *db = NULL;
  CHECK_INT(sqlite3_open(url + strlen("sqlite:"), &db), SQLITE_OK);
  CHECK_INT(sqlite3_exec(db,
                         "CREATE TABLE schema_migrations (version INTEGER "
                         "PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER "
                         "NOT NULL)",
                         NULL, NULL, NULL),
            SQLITE_OK);
  for (size_t i = 0; i < pp_migrations_sqlite_count; i++) {
    const pp_embedded_t *m = &pp_migrations_sqlite[i];
    if (strncmp(m->name, "0006", 4) >= 0)
      break;
    char record[256];
    snprintf(record, sizeof record,
             "INSERT INTO schema_migrations VALUES (%d, '%s', 0)",
             atoi(m->name), m->name);
    CHECK_INT(sqlite3_exec(db, (const char *)m->data, NULL, NULL, NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, record, NULL, NULL, NULL), SQLITE_OK);
  }
  char id[PP_UUID_LEN + 1];
  pp_uuid_v4(id);
  char sql[1024];
  snprintf(sql, sizeof sql,
           "INSERT INTO sessions (id, title, language, code, created_at, "
           "expires_at, interviewer_token_hash, code_update_id) VALUES ('%s', "
           "'t', 'python', 'abc', %lld, %lld, '%s', 3);"
           "INSERT INTO session_updates (session_id, data, author, created_at) "
           "VALUES ('%s', 'a', 'u', 1), ('%s', 'b', 'u', 2), ('%s', 'c', 'u', "
           "3);",
           id, T0, T0 + DAY_MS, token_hash, id, id, id);
  CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);

  store_t *st = open_sqlite(dir, url, sizeof url); /* applies 0006 */
  char stale[1][PP_UUID_LEN + 1];
  size_t n = 9;
  CHECK_INT(store_stale_codes(st, stale, 1, &n), 0);
  CHECK_INT(n, 0);
  store_update_t later = {id, pp_bytes("d", 1), "u", "U", T0};
  CHECK_INT(store_append_updates(st, &later, 1, NULL, 0), 0);
  store_doc_t d;
  CHECK_INT(store_load_doc(st, id, &d), 0);
  CHECK_INT(d.n_updates, 4);
  for (size_t i = 0; i < d.n_updates; i++)
    CHECK(d.updates[i].len == 1 && d.updates[i].data[0] == "abcd"[i]);
  store_doc_clear(&d);
  CHECK_INT(store_stale_codes(st, stale, 1, &n), 0);
  CHECK_INT(n, 1);
  CHECK_STR(stale[0], id);
  store_free(st);
  test_tmpdir_remove(dir);
}

void test_store_postgres_document_log(void) {
  const char *url = getenv("PAIRPAD_TEST_PG_URL");
  if (!url || !*url) {
    printf("skipped: PAIRPAD_TEST_PG_URL not set\n");
    return;
  }
  CHECK(sodium_init() >= 0);
  store_t *st = NULL;
  char err[512] = "";
  CHECK_INT(store_open(url, 2, &st, err, sizeof err), 0);
  doc_log_checks(st);
  store_free(st);
}

/* Runs keep their JSON record; the list is the latest `limit`, oldest
 * first; a session's runs go with it. */
static void run_checks(store_t *st) {
  char id[PP_UUID_LEN + 1];
  pp_uuid_v4(id);
  store_session_t s = sample(id, T0 + DAY_MS);
  s.run_timeout_seconds = 42;
  CHECK_INT(store_create_session(st, &s), 0);
  store_session_t got;
  CHECK_INT(store_get_session(st, id, &got), 0);
  CHECK_INT(got.run_timeout_seconds, 42);
  store_session_clear(&got);

  static const char *const records[] = {
      "{\"run_id\": \"a\"}", "{\"run_id\": \"b\"}", "{\"run_id\": \"c\"}"};
  static const char *const run_ids[] = {"a", "b", "c"};
  for (int i = 0; i < 3; i++) {
    store_run_t r = {id,      run_ids[i], "alice",
                     "Alice", T0 + i,     pp_bytes_str(records[i])};
    CHECK_INT(store_append_run(st, &r), 0);
  }
  store_runs_t runs;
  CHECK_INT(store_list_runs(st, id, 2, &runs), 0);
  CHECK_INT(runs.n, 2);
  CHECK_STR(runs.items[0].data, "{\"run_id\": \"b\"}");
  CHECK_STR(runs.items[1].data, "{\"run_id\": \"c\"}");
  store_runs_clear(&runs);

  CHECK_INT(store_delete_session(st, id), 0);
  CHECK_INT(store_list_runs(st, id, 10, &runs), 0);
  CHECK_INT(runs.n, 0);
  store_runs_clear(&runs);
}

void test_store_sqlite_runs(void) {
  CHECK(sodium_init() >= 0);
  char *dir = test_tmpdir_new();
  char url[4200];
  store_t *st = open_sqlite(dir, url, sizeof url);
  run_checks(st);
  store_free(st);
  test_tmpdir_remove(dir);
}

void test_store_postgres_runs(void) {
  const char *url = getenv("PAIRPAD_TEST_PG_URL");
  if (!url || !*url) {
    printf("skipped: PAIRPAD_TEST_PG_URL not set\n");
    return;
  }
  CHECK(sodium_init() >= 0);
  store_t *st = NULL;
  char err[512] = "";
  CHECK_INT(store_open(url, 2, &st, err, sizeof err), 0);
  run_checks(st);
  store_free(st);
}
