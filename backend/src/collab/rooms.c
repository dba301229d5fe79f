/* Rooms keyed by session id. A room exists while it has members; its timer
 * (awareness coalescing) closes when the last member leaves and the room is
 * freed from the close callback. */
#define _POSIX_C_SOURCE 200809L
#include "collab/rooms.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/awareness.h"
#include "collab/doc.h"
#include "collab/languages.h"
#include "collab/persist.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"
#include "util/utf8.h"

#define ROOMS_BUCKETS 1024
#define MEMBER_ID_LEN 12

typedef struct collab_room collab_room_t;

typedef struct {
  uint64_t client_id;
  uint64_t clock;
  char *state; /* owned, pending relay; NULL when nothing is pending */
  size_t state_len;
} claim_t;

struct collab_member {
  collab_member_t *next;
  collab_room_t *room;
  void *conn;
  char id[MEMBER_ID_LEN + 1];
  char name[COLLAB_NAME_MAX_CHARS * 4 + 1];
  const char *color;
  bool interviewer;
  claim_t claims[COLLAB_MAX_CLIENT_IDS];
  size_t n_claims;
  bool pending; /* some claim has a coalesced state waiting */
  int64_t last_relay_ms;
  double update_tokens; /* code_change token bucket */
  int64_t update_refill_ms;
  collab_run_t run; /* the code run this member's browser is sharing */
};

typedef enum { DOC_NONE, DOC_LOADING, DOC_READY } doc_state_t;

/* A code_change waiting to be durable; member is NULL once it left. */
typedef struct write {
  struct write *next;
  collab_room_t *room;
  collab_member_t *member;
  int64_t ack_id;
} write_t;

/* A validated join waiting for the room's document to load. */
typedef struct waiter {
  struct waiter *next;
  collab_join_req_t *req;
  bool interviewer;
  char title[COLLAB_NAME_MAX_CHARS * 16];
  char language[25];
  int64_t expires_at_ms;
  int run_timeout_seconds;
} waiter_t;

struct collab_room {
  collab_room_t *hash_next;
  collab_rooms_t *rooms;
  char id[PP_UUID_LEN + 1];
  char title[COLLAB_NAME_MAX_CHARS * 16];
  char language[25];
  int64_t expires_at_ms;
  json_t *run_settings; /* the session's, refreshed on each join */
  collab_member_t *members;
  size_t n_members;
  uv_timer_t flush; /* coalesced awareness */
  bool flush_armed;
  bool closing;
  collab_doc_t *doc;
  doc_state_t doc_state;
  waiter_t *waiters;
  write_t *writes;  /* code_changes not yet durable */
  size_t jobs;      /* persistence jobs in flight for this room */
  size_t doc_bytes; /* approximate encoded size */
  size_t updates_since_snapshot;
  size_t bytes_since_snapshot;
  bool code_dirty;         /* `code` column behind the document */
  int64_t code_written_ms; /* last `code` refresh handed to a batch */
};

/* `code` is rewritten at most this often while a room is busy (each write
 * rewrites the whole text, and at 1 s it was a tenth of all page writes at
 * 500 busy rooms); nothing reads it while the room is live: REST reads a
 * live room's text directly, a room that empties writes it once more, and
 * start-up repairs it after a crash. */
#define ROOMS_CODE_REFRESH_MS 10000

struct collab_join_req {
  collab_rooms_t *rooms;
  void *conn;
  char name[COLLAB_NAME_MAX_CHARS * 4 + 1];
  char *state_vector; /* owned copy, NULL when none */
  size_t state_vector_len;
  collab_join_cb cb;
  void *ctx;
  bool cancelled;
};

struct collab_rooms {
  uv_loop_t *loop;
  collab_rooms_config_t cfg;
  collab_sessions_t *sessions;
  auth_limits_t *limits;
  const collab_transport_t *tr;
  collab_room_t *buckets[ROOMS_BUCKETS];
  size_t count;
  uv_timer_t expiry;
  size_t handles_open;
  bool freeing;
  collab_persist_t *persist;
};

/* Twelve colours that stay distinguishable on light and dark themes. */
static const char *const palette[] = {
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
    "#f032e6", "#9a6324", "#469990", "#808000", "#000075", "#bfef45"};
#define PALETTE_N (sizeof palette / sizeof palette[0])

/* ---- room table ---------------------------------------------------------- */

static size_t rooms__bucket(const char *id) {
  uint32_t h = 2166136261u;
  for (const char *p = id; *p; p++)
    h = (h ^ (unsigned char)*p) * 16777619u;
  return h % ROOMS_BUCKETS;
}

static collab_room_t *rooms__find(collab_rooms_t *rooms, const char *id) {
  for (collab_room_t *r = rooms->buckets[rooms__bucket(id)]; r;
       r = r->hash_next) {
    if (strcmp(r->id, id) == 0)
      return r;
  }
  return NULL;
}

static void rooms__handle_closed(uv_handle_t *h) {
  collab_rooms_t *rooms = h->data;
  if (--rooms->handles_open == 0 && rooms->freeing)
    free(rooms);
}

static void rooms__room_closed(uv_handle_t *h) {
  collab_room_t *room = h->data;
  collab_rooms_t *rooms = room->rooms;
  collab_doc_free(room->doc);
  json_decref(room->run_settings);
  free(room);
  if (--rooms->handles_open == 0 && rooms->freeing)
    free(rooms);
}

static void rooms__room_drop(collab_room_t *room) {
  collab_rooms_t *rooms = room->rooms;
  if (room->closing)
    return;
  room->closing = true;
  collab_room_t **pp = &rooms->buckets[rooms__bucket(room->id)];
  while (*pp && *pp != room)
    pp = &(*pp)->hash_next;
  if (*pp) {
    *pp = room->hash_next;
    rooms->count--;
  }
  uv_timer_stop(&room->flush);
  uv_close((uv_handle_t *)&room->flush, rooms__room_closed);
}

static void rooms__on_flush(uv_timer_t *t);

static collab_room_t *rooms__room_get(collab_rooms_t *rooms,
                                      const store_session_t *s) {
  collab_room_t *room = rooms__find(rooms, s->id);
  if (room)
    return room;
  room = calloc(1, sizeof *room);
  if (!room)
    return NULL;
  room->rooms = rooms;
  snprintf(room->id, sizeof room->id, "%s", s->id);
  snprintf(room->title, sizeof room->title, "%s", s->title ? s->title : "");
  snprintf(room->language, sizeof room->language, "%s", s->language);
  room->expires_at_ms = s->expires_at_ms;
  uv_timer_init(rooms->loop, &room->flush);
  room->flush.data = room;
  rooms->handles_open++;
  size_t b = rooms__bucket(room->id);
  room->hash_next = rooms->buckets[b];
  rooms->buckets[b] = room;
  rooms->count++;
  return room;
}

/* ---- JSON of members --------------------------------------------------- */

static json_t *rooms__user_json(const collab_member_t *m) {
  return json_pack("{s:s, s:s, s:s, s:s}", "id", m->id, "name", m->name,
                   "color", m->color, "role",
                   m->interviewer ? "interviewer" : "candidate");
}

static void rooms__broadcast_json(collab_room_t *room,
                                  const collab_member_t *except,
                                  const char *event, json_t *payload) {
  const collab_transport_t *tr = room->rooms->tr;
  for (collab_member_t *m = room->members; m; m = m->next) {
    if (m != except)
      tr->send_json(m->conn, event, json_incref(payload));
  }
  json_decref(payload);
}

static void rooms__broadcast_bytes(collab_room_t *room,
                                   const collab_member_t *except,
                                   const char *event, pp_bytes_t bytes) {
  const collab_transport_t *tr = room->rooms->tr;
  for (collab_member_t *m = room->members; m; m = m->next) {
    if (m != except)
      tr->send_bytes(m->conn, event, bytes);
  }
}

/* ---- members ------------------------------------------------------------- */

static const char *rooms__pick_color(collab_room_t *room) {
  for (size_t i = 0; i < PALETTE_N; i++) {
    bool used = false;
    for (collab_member_t *m = room->members; m && !used; m = m->next)
      used = m->color == palette[i];
    if (!used)
      return palette[i];
  }
  return palette[room->n_members % PALETTE_N];
}

static void rooms__member_unlink(collab_member_t *m) {
  collab_room_t *room = m->room;
  collab_member_t **pp = &room->members;
  while (*pp && *pp != m)
    pp = &(*pp)->next;
  if (*pp) {
    *pp = m->next;
    room->n_members--;
  }
}

static void rooms__member_free(collab_member_t *m) {
  for (size_t i = 0; i < m->n_claims; i++)
    free(m->claims[i].state);
  collab_run_clear(&m->run);
  free(m);
}

/* Keeps a finished run with the session (record is stolen). */
static void rooms__keep_run(collab_member_t *m, json_t *record,
                            int64_t started_at_ms) {
  if (!record)
    return;
  json_object_set_new(record, "by",
                      json_pack("{s:s, s:s}", "id", m->id, "name", m->name));
  char *text = json_dumps(record, JSON_COMPACT);
  const char *run_id = json_string_value(json_object_get(record, "run_id"));
  if (text && run_id) {
    store_run_t run = {m->room->id, run_id,        m->id,
                       m->name,     started_at_ms, pp_bytes_str(text)};
    if (collab_persist_run(m->room->rooms->persist, &run, NULL, NULL))
      pp_logf(PP_LOG_WARN, "run record dropped", " session=%s error=%s",
              m->room->id, pp_errname(PP_ENOMEM));
  }
  free(text);
  json_decref(record);
}

/* A member whose browser was running code leaves: the room learns the run
 * is over, and the run is kept as interrupted. */
static void rooms__end_member_run(collab_member_t *m) {
  if (!m->run.active)
    return;
  int64_t now = pp_now_ms();
  json_t *relay = json_pack(
      "{s:s, s:s, s:s, s:i, s:I, s:s}", "run_id", m->run.run_id, "type",
      "finished", "status", "interrupted", "exit_code", -1, "duration_ms",
      (json_int_t)(now - m->run.started_at_ms), "by", m->id);
  json_t *record = collab_run_abandon(&m->run, now);
  rooms__keep_run(m, record, m->run.started_at_ms);
  rooms__broadcast_json(m->room, m, "execution", relay);
}

/* Tells the others that m's cursors are gone (awareness "null" states with
 * the next clock, as y-protocols does on removal). */
static void rooms__announce_removal(collab_member_t *m) {
  if (!m->n_claims)
    return;
  collab_awareness_entry_t entries[COLLAB_MAX_CLIENT_IDS];
  for (size_t i = 0; i < m->n_claims; i++) {
    entries[i].client_id = m->claims[i].client_id;
    entries[i].clock = m->claims[i].clock + 1;
    entries[i].state = pp_bytes("null", 4);
    entries[i].removed = true;
  }
  pp_buf_t out;
  pp_buf_init(&out, 4096);
  if (collab_awareness_encode(entries, m->n_claims, &out) == 0)
    rooms__broadcast_bytes(m->room, m, "cursor_move",
                           pp_bytes(out.data, out.len));
  pp_buf_free(&out);
}

/* ---- document lifecycle ---------------------------------------------------
 */

static void rooms__snapshot(collab_room_t *room);
static void rooms__code_done(void *ctx, int status);

/* A room with nobody in it and nothing in flight leaves memory; a room that
 * still has unsnapshotted edits writes a snapshot first. */
static void rooms__maybe_unload(collab_room_t *room) {
  if (room->closing || room->members || room->waiters || room->jobs ||
      room->doc_state == DOC_LOADING)
    return;
  if (room->doc && room->updates_since_snapshot &&
      !collab_doc_has_pending(room->doc)) {
    rooms__snapshot(room);
    if (room->jobs)
      return;
  }
  if (room->doc && room->code_dirty) {
    /* every update is durable (jobs == 0): the text is exactly the log */
    pp_buf_t text;
    pp_buf_init(&text, (size_t)-1 / 4);
    if (collab_doc_text(room->doc, &text) == 0 &&
        collab_persist_code(room->rooms->persist, room->id,
                            pp_bytes(text.data ? text.data : "", text.len),
                            rooms__code_done, room) == 0) {
      room->jobs++;
      room->code_dirty = false;
      pp_buf_free(&text);
      return;
    }
    pp_buf_free(&text);
  }
  rooms__room_drop(room);
}

static void rooms__code_done(void *ctx, int status) {
  collab_room_t *room = ctx;
  room->jobs--;
  if (status)
    pp_logf(PP_LOG_WARN, "code not saved", " session=%s error=%s", room->id,
            pp_errname(status));
  rooms__maybe_unload(room);
}

static void rooms__snapshot_done(void *ctx, int status) {
  collab_room_t *room = ctx;
  room->jobs--;
  if (status)
    pp_logf(PP_LOG_WARN, "snapshot not saved", " session=%s error=%s", room->id,
            pp_errname(status));
  rooms__maybe_unload(room);
}

/* Compaction: the encoded document replaces the snapshot; the log stays
 * (playback) but loads replay only what follows the snapshot. */
static void rooms__snapshot(collab_room_t *room) {
  /* A snapshot is an encoded diff, which leaves out updates still waiting
   * for a dependency: while there are such, the log (replayed in full after
   * the last snapshot) is the only complete record. */
  if (collab_doc_has_pending(room->doc))
    return;
  pp_buf_t state;
  pp_buf_init(&state, (size_t)-1 / 4);
  if (collab_doc_diff(room->doc, pp_bytes("", 0), &state) == 0 &&
      collab_persist_snapshot(room->rooms->persist, room->id,
                              pp_bytes(state.data, state.len),
                              rooms__snapshot_done, room) == 0) {
    room->jobs++;
    room->doc_bytes = state.len;
    room->updates_since_snapshot = 0;
    room->bytes_since_snapshot = 0;
  }
  pp_buf_free(&state);
}

/* The text of a live document, for the `code` column of a write batch
 * (persist.h): at most once per ROOMS_CODE_REFRESH_MS per room. */
static int rooms__code(void *ctx, const char *session_id, pp_buf_t *out) {
  collab_room_t *room = rooms__find(ctx, session_id);
  if (!room || !room->doc)
    return PP_ENOTFOUND;
  int64_t now = pp_mono_ms();
  if (now - room->code_written_ms < ROOMS_CODE_REFRESH_MS)
    return PP_EINVAL; /* stays dirty: a later batch or the unload writes it */
  if (!out)
    return 0;
  int rc = collab_doc_text(room->doc, out);
  if (!rc) {
    room->code_written_ms = now;
    room->code_dirty = false;
  }
  return rc;
}

void collab_leave(collab_member_t *m) {
  collab_room_t *room = m->room;
  rooms__member_unlink(m);
  for (write_t *w = room->writes; w; w = w->next) {
    if (w->member == m)
      w->member = NULL;
  }
  rooms__announce_removal(m);
  rooms__end_member_run(m);
  json_t *left = json_pack("{s:s}", "id", m->id);
  rooms__broadcast_json(room, NULL, "user_left", left);
  pp_logf(PP_LOG_INFO, "left", " session=%s user=%s members=%zu", room->id,
          m->id, room->n_members);
  rooms__member_free(m);
  rooms__maybe_unload(room);
}

static void rooms__fail_waiters(collab_room_t *room, const char *code,
                                const char *message) {
  while (room->waiters) {
    waiter_t *w = room->waiters;
    room->waiters = w->next;
    if (!w->req->cancelled) {
      collab_join_result_t out = {0};
      out.error_code = code;
      out.error_message = message;
      w->req->cb(w->req->ctx, &out);
    }
    free(w->req->state_vector);
    free(w->req);
    free(w);
  }
}

/* Ends a room: every member gets error {code, message} and is disconnected. */
static void rooms__end_room(collab_room_t *room, const char *code,
                            const char *message) {
  rooms__fail_waiters(room, code, message);
  while (room->members) {
    collab_member_t *m = room->members;
    rooms__member_unlink(m);
    for (write_t *w = room->writes; w; w = w->next) {
      if (w->member == m)
        w->member = NULL;
    }
    room->rooms->tr->kick(m->conn, code, message);
    rooms__end_member_run(m);
    rooms__member_free(m);
  }
  pp_logf(PP_LOG_INFO, "room ended", " session=%s reason=%s", room->id, code);
  rooms__maybe_unload(room);
}

const char *collab_member_id(const collab_member_t *m) { return m->id; }
const char *collab_member_session(const collab_member_t *m) {
  return m->room->id;
}

/* ---- join ---------------------------------------------------------------- */

static const char *rooms__error_code(int err, const char **message) {
  switch (err) {
  case PP_ENOTFOUND:
    *message = "This session does not exist (or was deleted).";
    return "session_not_found";
  case PP_EEXPIRED:
    *message = "This session has expired.";
    return "session_expired";
  case PP_EPASSWORD_REQUIRED:
    *message = "This session is protected by a password.";
    return "password_required";
  case PP_EPASSWORD_WRONG:
    *message = "Wrong password.";
    return "invalid_password";
  default:
    *message = "The server cannot load this session right now; try again.";
    return "unavailable";
  }
}

static void rooms__join_fail(collab_join_req_t *req, const char *code,
                             const char *message) {
  collab_join_result_t out = {0};
  out.error_code = code;
  out.error_message = message;
  req->cb(req->ctx, &out);
}

/* The document is ready: the member enters and gets the sync payload. */
static void rooms__finish_join(collab_room_t *room, waiter_t *w) {
  collab_join_req_t *req = w->req;
  if (req->cancelled)
    return;
  if (room->n_members >= room->rooms->cfg.max_members) {
    rooms__join_fail(req, "room_full",
                     "This session has reached its participant limit.");
    return;
  }
  pp_buf_t update, sv;
  pp_buf_init(&update, (size_t)-1 / 4);
  pp_buf_init(&sv, 1 << 20);
  /* The whole document, not yrs's diff against the client's state vector:
   * with yrs 0.28 that diff loses updates in some rejoin interleavings
   * (seen in the convergence suite; full state never did). A superset is
   * harmless to a Yjs client and documents are small (<= 8 MiB). */
  int rc = collab_doc_diff(room->doc, pp_bytes("", 0), &update);
  if (!rc)
    rc = collab_doc_state_vector(room->doc, &sv);
  collab_member_t *m = rc ? NULL : calloc(1, sizeof *m);
  if (!m) {
    pp_buf_free(&update);
    pp_buf_free(&sv);
    if (rc == PP_EINVAL)
      rooms__join_fail(req, "invalid_state_vector",
                       "state_vector is not a Yjs v1 state vector");
    else
      rooms__join_fail(req, "unavailable", "out of memory");
    return;
  }
  collab_rooms_t *rooms = room->rooms;
  m->room = room;
  m->conn = req->conn;
  m->interviewer = w->interviewer;
  m->color = rooms__pick_color(room);
  m->update_tokens = rooms->cfg.update_burst;
  collab_run_init(&m->run, &rooms->cfg.runs, pp_now_ms());
  m->update_refill_ms = pp_mono_ms();
  snprintf(m->name, sizeof m->name, "%s", req->name);
  unsigned char raw[9];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(m->id, sizeof m->id, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);

  json_t *participants = json_array();
  for (collab_member_t *o = room->members; o; o = o->next)
    json_array_append_new(participants, rooms__user_json(o));
  json_array_append_new(participants, rooms__user_json(m));
  char expires[PP_RFC3339_LEN + 1];
  pp_format_rfc3339(w->expires_at_ms, expires);
  collab_join_result_t out = {0};
  out.ack = json_pack(
      "{s:b, s:o, s:o, s:{s:s, s:s, s:s, s:s, s:i, s:o}}", "ok", 1, "user",
      rooms__user_json(m), "participants", participants, "session", "id",
      room->id, "title", w->title, "language", w->language, "expires_at",
      expires, "run_timeout_seconds", w->run_timeout_seconds, "run_settings",
      room->run_settings ? json_incref(room->run_settings) : json_object());
  out.update = pp_bytes(update.data ? update.data : "", update.len);
  out.state_vector = pp_bytes(sv.data ? sv.data : "", sv.len);

  rooms__broadcast_json(room, NULL, "user_joined", rooms__user_json(m));
  m->next = room->members;
  room->members = m;
  room->n_members++;
  out.member = m;
  pp_logf(PP_LOG_INFO, "joined", " session=%s user=%s role=%s members=%zu",
          room->id, m->id, m->interviewer ? "interviewer" : "candidate",
          room->n_members);
  req->cb(req->ctx, &out);
  json_decref(out.ack);
  pp_buf_free(&update);
  pp_buf_free(&sv);
  /* Updates the server holds but cannot integrate yet are not in the diff:
   * the joiner gets them as ordinary code_change events. */
  pp_buf_t pending, pending_ds;
  pp_buf_init(&pending, (size_t)-1 / 4);
  pp_buf_init(&pending_ds, (size_t)-1 / 4);
  if (collab_doc_pending(room->doc, &pending, &pending_ds) == 0) {
    if (pending.len)
      rooms->tr->send_bytes(m->conn, "code_change",
                            pp_bytes(pending.data, pending.len));
    if (pending_ds.len)
      rooms->tr->send_bytes(m->conn, "code_change",
                            pp_bytes(pending_ds.data, pending_ds.len));
  }
  pp_buf_free(&pending);
  pp_buf_free(&pending_ds);
}

static void rooms__drain_waiters(collab_room_t *room) {
  while (room->waiters) {
    waiter_t *w = room->waiters;
    room->waiters = w->next;
    rooms__finish_join(room, w);
    free(w->req->state_vector);
    free(w->req);
    free(w);
  }
  rooms__maybe_unload(room);
}

/* Rebuilds the document from its snapshot and the log after it. */
static void rooms__loaded(void *ctx, int status, store_doc_t *stored) {
  collab_room_t *room = ctx;
  room->jobs--;
  collab_rooms_t *rooms = room->rooms;
  if (status || !(room->doc = collab_doc_new(&rooms->cfg.yupdate))) {
    room->doc_state = DOC_NONE;
    rooms__fail_waiters(room, "unavailable",
                        "The server cannot load this document right now.");
    rooms__maybe_unload(room);
    return;
  }
  size_t bytes = 0, skipped = 0;
  if (stored->snapshot.data) {
    if (collab_doc_apply_stored(
            room->doc, pp_bytes(stored->snapshot.data, stored->snapshot.len)))
      skipped++;
    bytes += stored->snapshot.len;
  }
  for (size_t i = 0; i < stored->n_updates; i++) {
    if (collab_doc_apply(
            room->doc,
            pp_bytes(stored->updates[i].data, stored->updates[i].len), NULL))
      skipped++;
    bytes += stored->updates[i].len;
  }
  if (skipped)
    pp_logf(PP_LOG_ERROR, "stored updates rejected on load",
            " session=%s count=%zu", room->id, skipped);
  room->doc_bytes = bytes;
  room->updates_since_snapshot = stored->n_updates;
  room->bytes_since_snapshot = bytes - stored->snapshot.len;
  room->doc_state = DOC_READY;
  pp_logf(PP_LOG_INFO, "document loaded", " session=%s updates=%zu bytes=%zu",
          room->id, stored->n_updates, bytes);
  rooms__drain_waiters(room);
}

static void rooms__join_done(void *ctx, const collab_session_result_t *res) {
  collab_join_req_t *req = ctx;
  collab_rooms_t *rooms = req->rooms;
  if (req->cancelled || rooms->freeing) {
    free(req->state_vector);
    free(req);
    return;
  }
  collab_room_t *room = NULL;
  const char *code = NULL, *message = NULL;
  if (res->status) {
    code = rooms__error_code(res->status, &message);
  } else if (!res->session.is_active) {
    code = "session_ended";
    message = "The interviewer has ended this session.";
  } else if (!(room = rooms__room_get(rooms, &res->session))) {
    code = "unavailable";
    message = "out of memory";
  }
  waiter_t *w = code ? NULL : calloc(1, sizeof *w);
  if (!w) {
    rooms__join_fail(req, code ? code : "unavailable",
                     code ? message : "out of memory");
    free(req->state_vector);
    free(req);
    if (room)
      rooms__maybe_unload(room);
    return;
  }
  w->req = req;
  w->interviewer = res->is_interviewer;
  snprintf(w->title, sizeof w->title, "%s",
           res->session.title ? res->session.title : "");
  snprintf(w->language, sizeof w->language, "%s", res->session.language);
  w->expires_at_ms = res->session.expires_at_ms;
  w->run_timeout_seconds = res->session.run_timeout_seconds;
  json_decref(room->run_settings);
  room->run_settings = collab_run_settings_json(res->session.run_settings);
  /* The room keeps the freshest metadata. */
  snprintf(room->language, sizeof room->language, "%s", res->session.language);
  room->expires_at_ms = res->session.expires_at_ms;
  w->next = room->waiters;
  room->waiters = w;
  if (room->doc_state == DOC_READY) {
    rooms__drain_waiters(room);
  } else if (room->doc_state == DOC_NONE) {
    room->doc_state = DOC_LOADING;
    if (collab_persist_load(rooms->persist, room->id, rooms__loaded, room)) {
      room->doc_state = DOC_NONE;
      rooms__fail_waiters(room, "unavailable", "out of memory");
      rooms__maybe_unload(room);
      return;
    }
    room->jobs++;
  }
}

collab_join_req_t *collab_join(collab_rooms_t *rooms, void *conn,
                               const collab_join_t *in, collab_join_cb cb,
                               void *ctx, const char **err_code,
                               const char **err_message) {
  long chars = pp_utf8_count(in->name);
  if (chars < 1 || chars > COLLAB_NAME_MAX_CHARS ||
      pp_utf8_has_control(in->name)) {
    *err_code = "invalid_name";
    *err_message = "name must be 1 to 64 characters without control "
                   "characters";
    return NULL;
  }
  if (!pp_uuid_is_valid_v4(in->session_id)) {
    *err_code = "session_not_found";
    *err_message = "This session does not exist (or was deleted).";
    return NULL;
  }
  if (in->state_vector.len &&
      collab_ystate_vector_validate(in->state_vector, 1u << 20)) {
    *err_code = "invalid_state_vector";
    *err_message = "state_vector is not a Yjs v1 state vector";
    return NULL;
  }
  int retry;
  if (in->password.len && !auth_limits_take(rooms->limits, AUTH_LIMIT_PASSWORD,
                                            pp_bytes_str(in->addr), &retry)) {
    *err_code = "rate_limited";
    *err_message = "Too many password attempts; wait a minute and retry.";
    return NULL;
  }
  collab_join_req_t *req = calloc(1, sizeof *req);
  if (req && in->state_vector.len) {
    req->state_vector = malloc(in->state_vector.len);
    if (req->state_vector) {
      memcpy(req->state_vector, in->state_vector.ptr, in->state_vector.len);
      req->state_vector_len = in->state_vector.len;
    } else {
      free(req);
      req = NULL;
    }
  }
  if (!req) {
    *err_code = "unavailable";
    *err_message = "out of memory";
    return NULL;
  }
  req->rooms = rooms;
  req->conn = conn;
  req->cb = cb;
  req->ctx = ctx;
  memcpy(req->name, in->name.ptr, in->name.len);
  collab_credentials_t cred = {in->password, in->token};
  if (collab_sessions_get(rooms->sessions, in->session_id, &cred,
                          rooms__join_done, req)) {
    free(req->state_vector);
    free(req);
    *err_code = "unavailable";
    *err_message = "The server cannot load this session right now.";
    return NULL;
  }
  return req;
}

void collab_join_cancel(collab_join_req_t *req) { req->cancelled = true; }

/* ---- code_change ----------------------------------------------------------
 */

static void rooms__write_done(void *ctx, int status) {
  write_t *w = ctx;
  collab_room_t *room = w->room;
  write_t **pp = &room->writes;
  while (*pp && *pp != w)
    pp = &(*pp)->next;
  if (*pp)
    *pp = w->next;
  room->jobs--;
  if (w->member && w->ack_id >= 0)
    room->rooms->tr->ack(w->member->conn, w->ack_id,
                         status ? "storage_error" : NULL,
                         status ? "The update was applied but could not be "
                                  "saved; it will be resent on reconnect."
                                : NULL);
  free(w);
  const collab_rooms_config_t *cfg = &room->rooms->cfg;
  if (room->doc &&
      (room->updates_since_snapshot >= cfg->snapshot_every_updates ||
       room->bytes_since_snapshot >= cfg->snapshot_every_bytes))
    rooms__snapshot(room);
  rooms__maybe_unload(room);
}

static bool rooms__take_update_token(collab_member_t *m) {
  const collab_rooms_config_t *cfg = &m->room->rooms->cfg;
  int64_t now = pp_mono_ms();
  m->update_tokens +=
      (double)(now - m->update_refill_ms) / 1000.0 * cfg->update_rate;
  if (m->update_tokens > cfg->update_burst)
    m->update_tokens = cfg->update_burst;
  m->update_refill_ms = now;
  if (m->update_tokens < 1.0)
    return false;
  m->update_tokens -= 1.0;
  return true;
}

int collab_code_change(collab_member_t *m, pp_bytes_t update, int64_t ack_id,
                       const char **err_code, const char **err_message,
                       bool *close) {
  collab_room_t *room = m->room;
  const collab_rooms_config_t *cfg = &room->rooms->cfg;
  *close = false;
  if (update.len > cfg->max_update_bytes) {
    *err_code = "payload_too_large";
    *err_message = "This update is larger than the server accepts.";
    return PP_ETOOLARGE;
  }
  if (!rooms__take_update_token(m)) {
    *err_code = "rate_limited";
    *err_message = "Too many edits per second; this one was not applied.";
    return PP_ERATELIMITED;
  }
  if (room->doc_bytes + update.len > cfg->max_doc_bytes) {
    *err_code = "document_too_large";
    *err_message = "The document has reached its size limit.";
    return PP_ETOOLARGE;
  }
  collab_yupdate_stats_t stats;
  int rc = collab_doc_apply(room->doc, update, &stats);
  if (rc == PP_EINVAL) {
    *err_code = "invalid_update";
    *err_message = "This is not a Yjs update of the session's document.";
    *close = true;
    pp_logf(PP_LOG_WARN, "invalid update", " session=%s user=%s bytes=%zu",
            room->id, m->id, update.len);
    return rc;
  }
  if (rc) {
    *err_code = "unavailable";
    *err_message = "out of memory";
    return rc;
  }
  room->doc_bytes += update.len;
  room->code_dirty = true;
  room->updates_since_snapshot++;
  room->bytes_since_snapshot += update.len;
  rooms__broadcast_bytes(room, m, "code_change", update);
  write_t *w = calloc(1, sizeof *w);
  if (w) {
    w->room = room;
    w->member = m;
    w->ack_id = ack_id;
    if (collab_persist_update(room->rooms->persist, room->id, update, m->id,
                              m->name, rooms__write_done, w) == 0) {
      w->next = room->writes;
      room->writes = w;
      room->jobs++;
      return 0;
    }
    free(w);
  }
  *err_code = "storage_error";
  *err_message = "The update was applied but could not be queued for saving.";
  return PP_ENOMEM;
}

/* ---- awareness ------------------------------------------------------------
 */

static claim_t *rooms__claim_find(collab_member_t *m, uint64_t id) {
  for (size_t i = 0; i < m->n_claims; i++) {
    if (m->claims[i].client_id == id)
      return &m->claims[i];
  }
  return NULL;
}

static bool rooms__claimed_by_other(collab_member_t *m, uint64_t id) {
  for (collab_member_t *o = m->room->members; o; o = o->next) {
    if (o != m && rooms__claim_find(o, id))
      return true;
  }
  return false;
}

/* Relays m's pending (coalesced) states as one update. */
static void rooms__flush_member(collab_member_t *m, int64_t now) {
  collab_awareness_entry_t entries[COLLAB_MAX_CLIENT_IDS];
  size_t n = 0;
  for (size_t i = 0; i < m->n_claims; i++) {
    claim_t *c = &m->claims[i];
    if (!c->state)
      continue;
    entries[n].client_id = c->client_id;
    entries[n].clock = c->clock;
    entries[n].state = pp_bytes(c->state, c->state_len);
    n++;
  }
  if (n) {
    pp_buf_t out;
    pp_buf_init(&out, COLLAB_AWARENESS_MAX_STATE * COLLAB_MAX_CLIENT_IDS + 64);
    if (collab_awareness_encode(entries, n, &out) == 0)
      rooms__broadcast_bytes(m->room, m, "cursor_move",
                             pp_bytes(out.data, out.len));
    pp_buf_free(&out);
  }
  /* Drop sent states; a removal ("null") also gives the client id back. */
  size_t k = 0;
  for (size_t i = 0; i < m->n_claims; i++) {
    claim_t c = m->claims[i];
    bool removed =
        c.state && c.state_len == 4 && memcmp(c.state, "null", 4) == 0;
    free(c.state);
    c.state = NULL;
    if (!removed)
      m->claims[k++] = c;
  }
  m->n_claims = k;
  m->pending = false;
  m->last_relay_ms = now;
}

static void rooms__on_flush(uv_timer_t *t) {
  collab_room_t *room = t->data;
  room->flush_armed = false;
  int64_t now = pp_mono_ms();
  for (collab_member_t *m = room->members; m; m = m->next) {
    if (m->pending)
      rooms__flush_member(m, now);
  }
}

int collab_awareness(collab_member_t *m, pp_bytes_t update,
                     const char **err_code) {
  collab_awareness_entry_t entries[COLLAB_AWARENESS_MAX_ENTRIES];
  size_t n;
  if (collab_awareness_decode(update, entries, COLLAB_AWARENESS_MAX_ENTRIES,
                              &n)) {
    *err_code = "invalid_awareness";
    return PP_EINVAL;
  }
  /* Validate every entry before changing anything. */
  size_t new_claims = 0;
  for (size_t i = 0; i < n; i++) {
    if (rooms__claimed_by_other(m, entries[i].client_id)) {
      *err_code = "awareness_not_yours";
      return PP_EINVAL;
    }
    if (!rooms__claim_find(m, entries[i].client_id))
      new_claims++;
  }
  if (m->n_claims + new_claims > COLLAB_MAX_CLIENT_IDS) {
    *err_code = "awareness_not_yours";
    return PP_EINVAL;
  }
  for (size_t i = 0; i < n; i++) {
    claim_t *c = rooms__claim_find(m, entries[i].client_id);
    if (!c) {
      c = &m->claims[m->n_claims++];
      memset(c, 0, sizeof *c);
      c->client_id = entries[i].client_id;
    }
    if (entries[i].clock > c->clock || !c->state)
      c->clock = entries[i].clock;
    free(c->state);
    c->state = malloc(entries[i].state.len + 1);
    if (!c->state) {
      *err_code = "unavailable";
      return PP_ENOMEM;
    }
    memcpy(c->state, entries[i].state.ptr, entries[i].state.len);
    c->state_len = entries[i].state.len;
  }
  m->pending = true;
  int64_t now = pp_mono_ms();
  collab_room_t *room = m->room;
  unsigned window = room->rooms->cfg.awareness_window_ms;
  if (now - m->last_relay_ms >= (int64_t)window) {
    rooms__flush_member(m, now);
  } else if (!room->flush_armed) {
    room->flush_armed = true;
    uv_timer_start(&room->flush, rooms__on_flush,
                   (uint64_t)(window - (unsigned)(now - m->last_relay_ms)), 0);
  }
  return 0;
}

/* ---- language and runs ----------------------------------------------------
 */

typedef struct {
  collab_rooms_t *rooms;
  char session[PP_UUID_LEN + 1];
  char by[MEMBER_ID_LEN + 1];
} lang_req_t;

static void rooms__language_saved(void *ctx,
                                  const collab_session_result_t *res) {
  lang_req_t *lr = ctx;
  if (res->status && !lr->rooms->freeing)
    pp_logf(PP_LOG_WARN, "language not saved", " session=%s error=%s",
            lr->session, pp_errname(res->status));
  free(lr);
}

int collab_set_language(collab_member_t *m, pp_bytes_t language,
                        const char **err_code) {
  const collab_language_t *lang = collab_language_find(language);
  if (!lang) {
    *err_code = "invalid_language";
    return PP_EINVAL;
  }
  collab_room_t *room = m->room;
  lang_req_t *lr = calloc(1, sizeof *lr);
  if (!lr) {
    *err_code = "unavailable";
    return PP_ENOMEM;
  }
  lr->rooms = room->rooms;
  snprintf(lr->session, sizeof lr->session, "%s", room->id);
  snprintf(lr->by, sizeof lr->by, "%s", m->id);
  if (collab_sessions_set_language(room->rooms->sessions,
                                   pp_bytes_str(room->id), lang->id,
                                   rooms__language_saved, lr)) {
    free(lr);
    *err_code = "unavailable";
    return PP_EUNAVAILABLE;
  }
  snprintf(room->language, sizeof room->language, "%s", lang->id);
  rooms__broadcast_json(
      room, m, "language_change",
      json_pack("{s:s, s:s}", "language", lang->id, "by", m->id));
  return 0;
}

int collab_execution(collab_member_t *m, const json_t *payload,
                     const char **err_code) {
  collab_run_effects_t fx;
  int rc = collab_run_event(&m->run, &m->room->rooms->cfg.runs, payload,
                            pp_now_ms(), &fx, err_code);
  if (rc)
    return rc;
  rooms__keep_run(m, fx.record, fx.record_started_at_ms);
  if (fx.relay) {
    json_object_set_new(fx.relay, "by", json_string(m->id));
    if (m->run.active &&
        strcmp(json_string_value(json_object_get(fx.relay, "type")),
               "started") == 0)
      json_object_set_new(fx.relay, "name", json_string(m->name));
    rooms__broadcast_json(m->room, m, "execution", fx.relay);
  }
  return 0;
}

/* ---- REST changes and expiry ------------------------------------------- */

void collab_rooms_session_deleted(collab_rooms_t *rooms, const char *id) {
  collab_room_t *room = rooms__find(rooms, id);
  if (room)
    rooms__end_room(room, "session_deleted",
                    "The interviewer deleted this session.");
}

void collab_rooms_session_changed(collab_rooms_t *rooms,
                                  const store_session_t *s) {
  collab_room_t *room = rooms__find(rooms, s->id);
  if (!room)
    return;
  if (!s->is_active) {
    rooms__end_room(room, "session_ended",
                    "The interviewer has ended this session.");
    return;
  }
  snprintf(room->title, sizeof room->title, "%s", s->title ? s->title : "");
  room->expires_at_ms = s->expires_at_ms;
  json_decref(room->run_settings);
  room->run_settings = collab_run_settings_json(s->run_settings);
  char expires[PP_RFC3339_LEN + 1];
  pp_format_rfc3339(s->expires_at_ms, expires);
  rooms__broadcast_json(room, NULL, "session_updated",
                        json_pack("{s:s, s:s, s:b, s:i, s:O}", "title",
                                  room->title, "expires_at", expires,
                                  "has_password", s->password_hash != NULL,
                                  "run_timeout_seconds", s->run_timeout_seconds,
                                  "run_settings", room->run_settings));
  if (strcmp(room->language, s->language) != 0) {
    snprintf(room->language, sizeof room->language, "%s", s->language);
    rooms__broadcast_json(
        room, NULL, "language_change",
        json_pack("{s:s, s:n}", "language", s->language, "by"));
  }
}

static void rooms__on_expiry(uv_timer_t *t) {
  collab_rooms_t *rooms = t->data;
  int64_t now = pp_now_ms();
  for (size_t b = 0; b < ROOMS_BUCKETS; b++) {
    collab_room_t *room = rooms->buckets[b];
    while (room) {
      collab_room_t *next = room->hash_next;
      if (room->expires_at_ms <= now && (room->members || room->waiters))
        rooms__end_room(room, "session_expired", "This session has expired.");
      room = next;
    }
  }
}

size_t collab_rooms_count(const collab_rooms_t *rooms) { return rooms->count; }

int collab_rooms_live_text(collab_rooms_t *rooms, const char *id,
                           pp_buf_t *out) {
  collab_room_t *room = rooms__find(rooms, id);
  if (!room || !room->doc)
    return PP_ENOTFOUND;
  return collab_doc_text(room->doc, out);
}

/* ---- lifecycle ------------------------------------------------------------
 */

collab_rooms_t *collab_rooms_new(uv_loop_t *loop,
                                 const collab_rooms_config_t *cfg,
                                 collab_sessions_t *sessions, store_t *store,
                                 auth_limits_t *limits,
                                 const collab_transport_t *transport) {
  collab_rooms_t *rooms = calloc(1, sizeof *rooms);
  if (!rooms)
    return NULL;
  rooms->persist = collab_persist_new(loop, store, rooms__code, rooms);
  if (!rooms->persist) {
    free(rooms);
    return NULL;
  }
  rooms->loop = loop;
  rooms->cfg = *cfg;
  rooms->sessions = sessions;
  rooms->limits = limits;
  rooms->tr = transport;
  uv_timer_init(loop, &rooms->expiry);
  rooms->expiry.data = rooms;
  rooms->handles_open = 1;
  uv_timer_start(&rooms->expiry, rooms__on_expiry, 1000, 1000);
  /* Housekeeping must not keep a shutting-down loop alive. */
  uv_unref((uv_handle_t *)&rooms->expiry);
  return rooms;
}

void collab_rooms_free(collab_rooms_t *rooms) {
  if (!rooms)
    return;
  rooms->freeing = true;
  for (size_t b = 0; b < ROOMS_BUCKETS; b++) {
    while (rooms->buckets[b]) {
      collab_room_t *room = rooms->buckets[b];
      while (room->members) {
        collab_member_t *m = room->members;
        rooms__member_unlink(m);
        rooms__member_free(m);
      }
      while (room->writes) {
        write_t *w = room->writes;
        room->writes = w->next;
        free(w);
      }
      while (room->waiters) {
        waiter_t *w = room->waiters;
        room->waiters = w->next;
        free(w->req->state_vector);
        free(w->req);
        free(w);
      }
      rooms__room_drop(room);
    }
  }
  collab_persist_free(rooms->persist);
  uv_timer_stop(&rooms->expiry);
  uv_close((uv_handle_t *)&rooms->expiry, rooms__handle_closed);
}
