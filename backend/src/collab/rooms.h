/* Rooms: the live side of a session. Who is in it (name, colour, role),
 * presence and cursors (awareness), language, shared run state, and ending
 * the room when the session is deleted, ended or expires. The room never
 * sees the transport: it talks to connections through collab_transport_t. */
#ifndef PP_COLLAB_ROOMS_H
#define PP_COLLAB_ROOMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

#include "auth/limits.h"
#include "collab/runs.h"
#include "collab/sessions.h"
#include "collab/yupdate.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/bytes.h"

typedef struct collab_rooms collab_rooms_t;
typedef struct collab_member collab_member_t;
typedef struct collab_join_req collab_join_req_t;

#define COLLAB_NAME_MAX_CHARS 64
#define COLLAB_MAX_CLIENT_IDS 4 /* awareness client ids per member */

typedef struct {
  size_t max_members;            /* per room */
  unsigned awareness_window_ms;  /* a member's cursor updates relayed at most
                                    once per window; bursts coalesce */
  collab_runs_config_t runs;     /* `execution` events */
  size_t max_update_bytes;       /* one code_change */
  size_t max_doc_bytes;          /* snapshot + updates since, approximately */
  double update_rate;            /* code_change per second per member, */
  double update_burst;           /* after a burst of this many */
  size_t snapshot_every_updates; /* compaction triggers */
  size_t snapshot_every_bytes;
  collab_yupdate_limits_t yupdate; /* validator bounds per update */
} collab_rooms_config_t;

/* How rooms reach connections; conn is the transport's opaque handle. */
typedef struct {
  /* Emits event with one JSON argument (payload is stolen). */
  void (*send_json)(void *conn, const char *event, json_t *payload);
  /* Emits event with one binary argument. */
  void (*send_bytes)(void *conn, const char *event, pp_bytes_t bytes);
  /* Sends error {code, message} and disconnects. The member attached to
   * conn is freed right after this returns: forget it. */
  void (*kick)(void *conn, const char *code, const char *message);
  /* Answers the event that carried ack_id: {ok:true} when code is NULL,
   * else {ok:false, error:{code, message}}. */
  void (*ack)(void *conn, int64_t ack_id, const char *code,
              const char *message);
} collab_transport_t;

/* Everything borrowed must outlive the rooms. */
collab_rooms_t *collab_rooms_new(uv_loop_t *loop,
                                 const collab_rooms_config_t *cfg,
                                 collab_sessions_t *sessions, store_t *store,
                                 auth_limits_t *limits,
                                 const collab_transport_t *transport);
/* Kicks nobody: call after every connection is gone and the loop has run
 * the rooms' last writes (snapshots of rooms that emptied). Frees once the
 * rooms' timers have closed on the loop. */
void collab_rooms_free(collab_rooms_t *rooms);

typedef struct {
  pp_bytes_t session_id;
  pp_bytes_t name;
  pp_bytes_t password;     /* len 0 = none */
  pp_bytes_t token;        /* len 0 = none */
  pp_bytes_t state_vector; /* the client's Yjs state vector; len 0 = none */
  const char *addr;        /* client address, for throttling */
} collab_join_t;

typedef struct {
  collab_member_t *member; /* NULL when the join failed */
  const char *error_code;  /* static, when failed */
  const char *error_message;
  json_t *ack;       /* the join ack object without the bytes (borrowed) */
  pp_bytes_t update; /* server diff against the client's state vector */
  pp_bytes_t state_vector; /* the server's state vector */
} collab_join_result_t;

typedef void (*collab_join_cb)(void *ctx, collab_join_result_t *res);

/* Starts joining conn to a session. Returns a request (cancel it if conn
 * goes away first) and later calls cb once; or returns NULL with *err_code /
 * *err_message set (invalid input, throttled) and never calls cb. */
collab_join_req_t *collab_join(collab_rooms_t *rooms, void *conn,
                               const collab_join_t *in, collab_join_cb cb,
                               void *ctx, const char **err_code,
                               const char **err_message);
/* cb will not be called; the request frees itself. */
void collab_join_cancel(collab_join_req_t *req);

/* Leaves the room (explicit leave or disconnect): others get user_left and
 * an awareness removal of the member's cursors. Frees member. */
void collab_leave(collab_member_t *member);

/* Relays an awareness update from member to the others. Returns 0, or
 * PP_EINVAL (malformed, or speaks for a client id of someone else) with
 * *err_code set. */
int collab_awareness(collab_member_t *member, pp_bytes_t update,
                     const char **err_code);
/* A Yjs update from member: validated, applied, relayed to the others at
 * once, and acknowledged (transport ack with ack_id, when >= 0) once it is
 * durable. Returns 0, or an error with *err_code and *err_message; *close is
 * set when the update was malformed (the caller closes the connection). */
int collab_code_change(collab_member_t *member, pp_bytes_t update,
                       int64_t ack_id, const char **err_code,
                       const char **err_message, bool *close);
/* Persists and broadcasts a language change. */
int collab_set_language(collab_member_t *member, pp_bytes_t language,
                        const char **err_code);
/* Relays shared run state ({run_id, type, …}); payload borrowed. */
int collab_execution(collab_member_t *member, const json_t *payload,
                     const char **err_code);

const char *collab_member_id(const collab_member_t *m);
const char *collab_member_session(const collab_member_t *m);

/* REST changes reaching live rooms. */
void collab_rooms_session_deleted(collab_rooms_t *rooms, const char *id);
void collab_rooms_session_changed(collab_rooms_t *rooms,
                                  const store_session_t *s);
size_t collab_rooms_count(const collab_rooms_t *rooms);
/* Appends the live text of session id when its document is loaded (fresher
 * than the `code` column, which follows writes); PP_ENOTFOUND otherwise. */
int collab_rooms_live_text(collab_rooms_t *rooms, const char *id,
                           pp_buf_t *out);

#endif
