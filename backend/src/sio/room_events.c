#include "sio/room_events.h"

#include <stdlib.h>
#include <string.h>

#include "sio/sio_packet.h"
#include "util/error.h"
#include "util/log.h"

/* Per Socket.IO connection to "/". */
typedef struct {
  sio_socket_t *sock;
  collab_member_t *member;
  collab_join_req_t *join;
  int64_t join_ack;
} room_conn_t;

/* ---- replies --------------------------------------------------------------
 */

static json_t *ev__error_obj(const char *code, const char *message) {
  return json_pack("{s:s, s:s}", "code", code, "message", message);
}

static void ev__error(sio_socket_t *sock, const char *code,
                      const char *message) {
  json_t *args = json_array();
  json_array_append_new(args, ev__error_obj(code, message));
  sio_emit(sock, "error", args, NULL, 0);
}

/* Answers an event: through its ack when it asked for one, else as an
 * `error` event (successes without an ack need no answer). */
static void ev__answer(sio_socket_t *sock, int64_t ack_id, const char *code,
                       const char *message) {
  if (ack_id >= 0 && !code) {
    sio_ack_ok(sock, ack_id);
  } else if (ack_id >= 0) {
    json_t *args = json_array();
    json_array_append_new(args, json_pack("{s:b, s:o}", "ok", 0, "error",
                                          ev__error_obj(code, message)));
    sio_ack(sock, ack_id, args, NULL, 0);
  } else if (code) {
    ev__error(sock, code, message);
  }
}

/* ---- transport for collab/rooms ------------------------------------------ */

static void ev__send_json(void *conn, const char *event, json_t *payload) {
  room_conn_t *rc = conn;
  json_t *args = json_array();
  json_array_append_new(args, payload);
  sio_emit(rc->sock, event, args, NULL, 0);
}

static void ev__send_bytes(void *conn, const char *event, pp_bytes_t bytes) {
  room_conn_t *rc = conn;
  sio_emit_bytes(rc->sock, event, bytes);
}

static void ev__kick(void *conn, const char *code, const char *message) {
  room_conn_t *rc = conn;
  rc->member = NULL; /* rooms frees it after we return */
  ev__error(rc->sock, code, message);
  sio_socket_disconnect(rc->sock, code); /* frees rc via on_disconnect */
}

static void ev__ack(void *conn, int64_t ack_id, const char *code,
                    const char *message) {
  room_conn_t *rc = conn;
  ev__answer(rc->sock, ack_id, code, message);
}

static const collab_transport_t room_transport = {ev__send_json, ev__send_bytes,
                                                  ev__kick, ev__ack};

const collab_transport_t *sio_room_transport(void) { return &room_transport; }

/* ---- helpers ------------------------------------------------------------- */

/* The bytes an argument carries: a placeholder -> its attachment. */
static bool ev__bytes_arg(const sio_event_t *ev, const json_t *v,
                          pp_bytes_t *out) {
  int num = sio_placeholder_num(v);
  if (num < 0 || (unsigned)num >= ev->n_att)
    return false;
  *out = ev->att[num];
  return true;
}

static pp_bytes_t ev__str(const json_t *obj, const char *key, bool *bad) {
  json_t *v = json_object_get(obj, key);
  if (!v || json_is_null(v))
    return pp_bytes("", 0);
  if (!json_is_string(v)) {
    *bad = true;
    return pp_bytes("", 0);
  }
  return pp_bytes(json_string_value(v), json_string_length(v));
}

static size_t ev__size(const sio_event_t *ev) {
  size_t n = json_dumpb(ev->args, NULL, 0, JSON_COMPACT);
  for (unsigned i = 0; i < ev->n_att; i++)
    n += ev->att[i].len;
  return n;
}

/* ---- join ---------------------------------------------------------------- */

static void ev__joined(void *ctx, collab_join_result_t *res) {
  room_conn_t *rc = ctx;
  rc->join = NULL;
  if (!res->member) {
    ev__answer(rc->sock, rc->join_ack, res->error_code, res->error_message);
    return;
  }
  rc->member = res->member;
  if (rc->join_ack >= 0) {
    /* update and state_vector travel as binary attachments */
    json_t *ack = json_deep_copy(res->ack);
    json_object_set_new(ack, "update", sio_placeholder_new(0));
    json_object_set_new(ack, "state_vector", sio_placeholder_new(1));
    json_t *args = json_array();
    json_array_append_new(args, ack);
    pp_bytes_t att[2] = {res->update, res->state_vector};
    sio_ack(rc->sock, rc->join_ack, args, att, 2);
  }
}

static void ev__join(void *app, room_conn_t *rc, const sio_event_t *ev) {
  collab_rooms_t *rooms = app;
  if (rc->member || rc->join) {
    ev__answer(rc->sock, ev->ack_id, "already_joined",
               "this connection has already joined a session");
    return;
  }
  json_t *p = json_array_get(ev->args, 0);
  bool bad = !json_is_object(p);
  collab_join_t in = {0};
  in.session_id = ev__str(p, "session_id", &bad);
  in.name = ev__str(p, "name", &bad);
  in.password = ev__str(p, "password", &bad);
  in.token = ev__str(p, "token", &bad);
  json_t *sv = json_object_get(p, "state_vector");
  if (sv && !json_is_null(sv) && !ev__bytes_arg(ev, sv, &in.state_vector))
    bad = true;
  in.addr = sio_socket_addr(rc->sock);
  if (bad) {
    ev__answer(rc->sock, ev->ack_id, "invalid_join",
               "join takes {session_id, name, password?, token?, "
               "state_vector?: bytes}");
    return;
  }
  const char *code = NULL, *message = NULL;
  rc->join_ack = ev->ack_id;
  rc->join = collab_join(rooms, rc, &in, ev__joined, rc, &code, &message);
  if (!rc->join)
    ev__answer(rc->sock, ev->ack_id, code, message);
}

/* ---- events ---------------------------------------------------------------
 */

static void ev__event(void *app, sio_socket_t *sock, const sio_event_t *ev) {
  room_conn_t *rc = sio_socket_data(sock);
  if (!rc->member && ev__size(ev) > SIO_ROOM_PREJOIN_MAX_BYTES) {
    sio_socket_close_connection(sock, "oversized message before join");
    return;
  }
  if (strcmp(ev->name, "join") == 0) {
    ev__join(app, rc, ev);
    return;
  }
  if (!rc->member) {
    ev__answer(sock, ev->ack_id, "not_joined", "join a session first");
    return;
  }
  const char *code = NULL;
  json_t *arg0 = json_array_get(ev->args, 0);
  if (strcmp(ev->name, "leave") == 0) {
    collab_leave(rc->member);
    rc->member = NULL;
    ev__answer(sock, ev->ack_id, NULL, NULL);
  } else if (strcmp(ev->name, "cursor_move") == 0) {
    pp_bytes_t bytes;
    if (!ev__bytes_arg(ev, arg0, &bytes))
      code = "invalid_awareness";
    else
      collab_awareness(rc->member, bytes, &code);
    ev__answer(sock, ev->ack_id, code,
               code ? "cursor_move takes one awareness update (bytes) for "
                      "your own client ids"
                    : NULL);
  } else if (strcmp(ev->name, "language_change") == 0) {
    bool bad = !json_is_object(arg0);
    pp_bytes_t lang = ev__str(arg0, "language", &bad);
    if (bad || collab_set_language(rc->member, lang, &code))
      code = code ? code : "invalid_language";
    ev__answer(sock, ev->ack_id, code,
               code ? "language_change takes {language} with an id of GET "
                      "/api/languages"
                    : NULL);
  } else if (strcmp(ev->name, "execution") == 0) {
    collab_execution(rc->member, arg0, &code);
    ev__answer(sock, ev->ack_id, code,
               code ? "execution takes {run_id, type: started|output|finished}"
                    : NULL);
  } else if (strcmp(ev->name, "code_change") == 0) {
    pp_bytes_t bytes;
    const char *message = NULL;
    bool close = false;
    if (!ev__bytes_arg(ev, arg0, &bytes)) {
      code = "invalid_update";
      message = "code_change takes one Yjs update (bytes)";
      close = true;
    } else if (collab_code_change(rc->member, bytes, ev->ack_id, &code,
                                  &message, &close) == 0) {
      return; /* acknowledged once durable */
    }
    ev__answer(sock, ev->ack_id, code, message);
    if (close)
      sio_socket_close_connection(sock, code);
  } else {
    ev__answer(sock, ev->ack_id, "unknown_event", "unknown event");
  }
}

/* ---- namespace lifecycle ---------------------------------------------------
 */

static bool ev__connect(void *app, sio_socket_t *sock, const json_t *auth,
                        json_t **error_data) {
  (void)app;
  (void)auth;
  room_conn_t *rc = calloc(1, sizeof *rc);
  if (!rc) {
    *error_data = json_pack("{s:s}", "message", "out of memory");
    return false;
  }
  rc->sock = sock;
  rc->join_ack = -1;
  sio_socket_set_data(sock, rc);
  return true;
}

static void ev__disconnect(void *app, sio_socket_t *sock, const char *reason) {
  (void)app;
  (void)reason;
  room_conn_t *rc = sio_socket_data(sock);
  if (!rc)
    return;
  if (rc->join)
    collab_join_cancel(rc->join);
  if (rc->member)
    collab_leave(rc->member);
  free(rc);
  sio_socket_set_data(sock, NULL);
}

static const sio_namespace_t namespaces[] = {
    {"/", ev__connect, NULL, ev__event, ev__disconnect},
};

const sio_namespace_t *sio_room_namespaces(size_t *count) {
  *count = 1;
  return namespaces;
}
