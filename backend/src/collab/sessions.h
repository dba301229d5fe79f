/* Session lifecycle: create, read, change, delete and expire sessions with
 * their credential rules. Every operation runs its database and hashing work
 * on the libuv thread pool and reports back on the loop thread. */
#ifndef PP_COLLAB_SESSIONS_H
#define PP_COLLAB_SESSIONS_H

#include <jansson.h>
#include <uv.h>

#include "auth/token.h"
#include "collab/session_fields.h"
#include "store/store.h"
#include "util/bytes.h"

typedef struct collab_sessions collab_sessions_t;

typedef struct {
  int status;                     /* 0 or PP_E* */
  store_session_t session;        /* valid when status == 0 (not for delete) */
  char token[AUTH_TOKEN_LEN + 1]; /* create only: the one-time token */
  bool is_interviewer; /* get: a valid interviewer token was presented */
  store_runs_t runs;   /* runs: the session's latest code runs */
} collab_session_result_t;

/* res is borrowed for the duration of the call. */
typedef void (*collab_session_cb)(void *ctx,
                                  const collab_session_result_t *res);

typedef struct {
  pp_bytes_t password; /* X-Session-Password, len 0 = absent */
  pp_bytes_t token;    /* bearer token, len 0 = absent */
} collab_credentials_t;

/* loop and store are borrowed and must outlive the object. */
collab_sessions_t *collab_sessions_new(uv_loop_t *loop, store_t *store);
/* Call after the loop has run every pending operation to completion. */
void collab_sessions_free(collab_sessions_t *cs);

/* Each operation copies what it needs from its inputs. It returns 0 and later
 * calls cb exactly once on the loop thread, or returns a PP_E* code and never
 * calls cb. fields is moved: its owned strings belong to the operation. */
int collab_sessions_create(collab_sessions_t *cs,
                           collab_session_fields_t *fields,
                           collab_session_cb cb, void *ctx);
int collab_sessions_get(collab_sessions_t *cs, pp_bytes_t id,
                        const collab_credentials_t *cred, collab_session_cb cb,
                        void *ctx);
int collab_sessions_update(collab_sessions_t *cs, pp_bytes_t id,
                           const collab_credentials_t *cred,
                           collab_session_fields_t *fields,
                           collab_session_cb cb, void *ctx);
int collab_sessions_delete(collab_sessions_t *cs, pp_bytes_t id,
                           const collab_credentials_t *cred,
                           collab_session_cb cb, void *ctx);
/* Sets the language of a live session (no credentials: the caller is a
 * participant who already joined). cb receives the updated session. */
int collab_sessions_set_language(collab_sessions_t *cs, pp_bytes_t id,
                                 const char *language, collab_session_cb cb,
                                 void *ctx);
/* The latest `limit` code runs of a session, with the credentials rules of
 * collab_sessions_get; res->runs holds them. */
int collab_sessions_runs(collab_sessions_t *cs, pp_bytes_t id,
                         const collab_credentials_t *cred, size_t limit,
                         collab_session_cb cb, void *ctx);
/* The run_settings column as a JSON object (new reference; an empty object
 * when text is NULL or not an object). */
json_t *collab_run_settings_json(const char *text);
/* Purges expired sessions in the background, logging the count. */
int collab_sessions_sweep(collab_sessions_t *cs);

#endif
