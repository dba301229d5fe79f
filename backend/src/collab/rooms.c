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
#include "collab/languages.h"
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
};

struct collab_room {
  collab_room_t *hash_next;
  collab_rooms_t *rooms;
  char id[PP_UUID_LEN + 1];
  char title[COLLAB_NAME_MAX_CHARS * 16];
  char language[25];
  int64_t expires_at_ms;
  collab_member_t *members;
  size_t n_members;
  uv_timer_t flush; /* coalesced awareness */
  bool flush_armed;
  bool closing;
};

struct collab_join_req {
  collab_rooms_t *rooms;
  void *conn;
  char name[COLLAB_NAME_MAX_CHARS * 4 + 1];
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
  free(m);
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

void collab_leave(collab_member_t *m) {
  collab_room_t *room = m->room;
  rooms__member_unlink(m);
  rooms__announce_removal(m);
  json_t *left = json_pack("{s:s}", "id", m->id);
  rooms__broadcast_json(room, NULL, "user_left", left);
  pp_logf(PP_LOG_INFO, "left", " session=%s user=%s members=%zu", room->id,
          m->id, room->n_members);
  rooms__member_free(m);
  if (!room->members)
    rooms__room_drop(room);
}

/* Ends a room: every member gets error {code, message} and is disconnected. */
static void rooms__end_room(collab_room_t *room, const char *code,
                            const char *message) {
  while (room->members) {
    collab_member_t *m = room->members;
    rooms__member_unlink(m);
    room->rooms->tr->kick(m->conn, code, message);
    rooms__member_free(m);
  }
  pp_logf(PP_LOG_INFO, "room ended", " session=%s reason=%s", room->id, code);
  rooms__room_drop(room);
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

static void rooms__join_done(void *ctx, const collab_session_result_t *res) {
  collab_join_req_t *req = ctx;
  collab_rooms_t *rooms = req->rooms;
  collab_join_result_t out = {0};
  if (req->cancelled || rooms->freeing) {
    free(req);
    return;
  }
  collab_room_t *room = NULL;
  if (res->status) {
    out.error_code = rooms__error_code(res->status, &out.error_message);
  } else if (!res->session.is_active) {
    out.error_code = "session_ended";
    out.error_message = "The interviewer has ended this session.";
  } else if (!(room = rooms__room_get(rooms, &res->session))) {
    out.error_code = "unavailable";
    out.error_message = "out of memory";
  } else if (room->n_members >= rooms->cfg.max_members) {
    out.error_code = "room_full";
    out.error_message = "This session has reached its participant limit.";
  }
  if (out.error_code) {
    if (room && !room->members)
      rooms__room_drop(room);
    req->cb(req->ctx, &out);
    free(req);
    return;
  }
  collab_member_t *m = calloc(1, sizeof *m);
  if (!m) {
    out.error_code = "unavailable";
    out.error_message = "out of memory";
    if (!room->members)
      rooms__room_drop(room);
    req->cb(req->ctx, &out);
    free(req);
    return;
  }
  m->room = room;
  m->conn = req->conn;
  m->interviewer = res->is_interviewer;
  m->color = rooms__pick_color(room);
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
  pp_format_rfc3339(res->session.expires_at_ms, expires);
  out.ack = json_pack("{s:b, s:o, s:o, s:{s:s, s:s, s:s, s:s}}", "ok", 1,
                      "user", rooms__user_json(m), "participants", participants,
                      "session", "id", room->id, "title",
                      res->session.title ? res->session.title : "", "language",
                      res->session.language, "expires_at", expires);
  /* The room keeps the freshest metadata. */
  snprintf(room->language, sizeof room->language, "%s", res->session.language);
  room->expires_at_ms = res->session.expires_at_ms;

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
  free(req);
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
  int retry;
  if (in->password.len && !auth_limits_take(rooms->limits, AUTH_LIMIT_PASSWORD,
                                            pp_bytes_str(in->addr), &retry)) {
    *err_code = "rate_limited";
    *err_message = "Too many password attempts; wait a minute and retry.";
    return NULL;
  }
  collab_join_req_t *req = calloc(1, sizeof *req);
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
    free(req);
    *err_code = "unavailable";
    *err_message = "The server cannot load this session right now.";
    return NULL;
  }
  return req;
}

void collab_join_cancel(collab_join_req_t *req) { req->cancelled = true; }

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
  const char *type = json_string_value(json_object_get(payload, "type"));
  const char *run_id = json_string_value(json_object_get(payload, "run_id"));
  if (!json_is_object(payload) || !type || !run_id || strlen(run_id) > 64 ||
      (strcmp(type, "started") != 0 && strcmp(type, "output") != 0 &&
       strcmp(type, "finished") != 0)) {
    *err_code = "invalid_execution";
    return PP_EINVAL;
  }
  char *text = json_dumps(payload, JSON_COMPACT);
  size_t size = text ? strlen(text) : 0;
  free(text);
  if (!size || size > m->room->rooms->cfg.max_execution_bytes) {
    *err_code = "payload_too_large";
    return PP_ETOOLARGE;
  }
  json_t *copy = json_deep_copy(payload);
  json_object_set_new(copy, "by", json_string(m->id));
  rooms__broadcast_json(m->room, m, "execution", copy);
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
      if (room->expires_at_ms <= now)
        rooms__end_room(room, "session_expired", "This session has expired.");
      room = next;
    }
  }
}

size_t collab_rooms_count(const collab_rooms_t *rooms) { return rooms->count; }

/* ---- lifecycle ------------------------------------------------------------
 */

collab_rooms_t *collab_rooms_new(uv_loop_t *loop,
                                 const collab_rooms_config_t *cfg,
                                 collab_sessions_t *sessions,
                                 auth_limits_t *limits,
                                 const collab_transport_t *transport) {
  collab_rooms_t *rooms = calloc(1, sizeof *rooms);
  if (!rooms)
    return NULL;
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
      rooms__room_drop(room);
    }
  }
  uv_timer_stop(&rooms->expiry);
  uv_close((uv_handle_t *)&rooms->expiry, rooms__handle_closed);
}
