#define _POSIX_C_SOURCE 200809L
#include "collab/sessions.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

struct collab_sessions {
  uv_loop_t *loop;
  store_t *store;
  bool sweeping;
};

typedef enum {
  OP_CREATE,
  OP_GET,
  OP_UPDATE,
  OP_DELETE,
  OP_SET_LANGUAGE,
  OP_RUNS,
  OP_SWEEP
} op_kind_t;

typedef struct {
  uv_work_t work;
  collab_sessions_t *cs;
  op_kind_t kind;
  char id[PP_UUID_LEN + 1];
  char *password; /* owned copy of a presented password */
  size_t password_len;
  char *token; /* owned copy of a presented token */
  size_t token_len;
  collab_session_fields_t fields;
  collab_session_result_t res;
  long purged;
  size_t limit; /* OP_RUNS */
  collab_session_cb cb;
  void *ctx;
} op_t;

void collab_session_fields_clear(collab_session_fields_t *f) {
  free(f->title);
  free(f->run_settings);
  if (f->password) {
    sodium_memzero(f->password, f->password_len);
    free(f->password);
  }
  memset(f, 0, sizeof *f);
}

json_t *collab_run_settings_json(const char *text) {
  json_t *j = text ? json_loads(text, 0, NULL) : NULL;
  if (!json_is_object(j)) {
    json_decref(j);
    j = json_object();
  }
  return j;
}

collab_sessions_t *collab_sessions_new(uv_loop_t *loop, store_t *store) {
  collab_sessions_t *cs = calloc(1, sizeof *cs);
  if (!cs)
    return NULL;
  cs->loop = loop;
  cs->store = store;
  return cs;
}

void collab_sessions_free(collab_sessions_t *cs) { free(cs); }

static char *sessions__dup(pp_bytes_t b) {
  char *p = malloc(b.len + 1);
  if (!p)
    return NULL;
  memcpy(p, b.ptr, b.len);
  p[b.len] = '\0';
  return p;
}

static void sessions__op_free(op_t *op) {
  if (op->password) {
    sodium_memzero(op->password, op->password_len);
    free(op->password);
  }
  free(op->token);
  collab_session_fields_clear(&op->fields);
  store_session_clear(&op->res.session);
  store_runs_clear(&op->res.runs);
  free(op);
}

static op_t *sessions__op_new(collab_sessions_t *cs, op_kind_t kind,
                              pp_bytes_t id, const collab_credentials_t *cred,
                              collab_session_cb cb, void *ctx) {
  op_t *op = calloc(1, sizeof *op);
  if (!op)
    return NULL;
  op->cs = cs;
  op->kind = kind;
  op->cb = cb;
  op->ctx = ctx;
  op->work.data = op;
  if (id.len) {
    if (id.len > PP_UUID_LEN) {
      free(op);
      return NULL;
    }
    memcpy(op->id, id.ptr, id.len);
  }
  if (cred && cred->password.len) {
    if (!(op->password = sessions__dup(cred->password))) {
      sessions__op_free(op);
      return NULL;
    }
    op->password_len = cred->password.len;
  }
  if (cred && cred->token.len) {
    if (!(op->token = sessions__dup(cred->token))) {
      sessions__op_free(op);
      return NULL;
    }
    op->token_len = cred->token.len;
  }
  return op;
}

/* Applies the requested field changes to s (hashing a new password). */
static int sessions__apply(store_session_t *s, collab_session_fields_t *f,
                           int64_t now_ms) {
  if (f->has_title) {
    free(s->title);
    s->title = f->title;
    f->title = NULL;
  }
  if (f->has_language)
    memcpy(s->language, f->language, sizeof s->language);
  if (f->has_password) {
    free(s->password_hash);
    s->password_hash = NULL;
    if (f->password) {
      char hash[AUTH_PASSWORD_HASH_MAX];
      int rc = auth_password_hash(pp_bytes(f->password, f->password_len), hash);
      if (rc)
        return rc;
      if (!(s->password_hash = strdup(hash)))
        return PP_ENOMEM;
    }
  }
  if (f->has_ttl)
    s->expires_at_ms = now_ms + f->ttl_seconds * 1000;
  if (f->has_is_active)
    s->is_active = f->is_active;
  if (f->has_run_timeout)
    s->run_timeout_seconds = f->run_timeout_seconds;
  if (f->has_run_settings) {
    free(s->run_settings);
    s->run_settings = f->run_settings;
    f->run_settings = NULL;
  }
  return 0;
}

static int sessions__do_create(op_t *op) {
  store_session_t *s = &op->res.session;
  int64_t now = pp_now_ms();
  pp_uuid_v4(s->id);
  s->created_at_ms = now;
  s->expires_at_ms = now + (int64_t)COLLAB_TTL_DEFAULT_S * 1000;
  s->is_active = true;
  s->run_timeout_seconds = COLLAB_RUN_TIMEOUT_DEFAULT_S;
  snprintf(s->language, sizeof s->language, "%s", "javascript");
  if (!(s->title = strdup(COLLAB_DEFAULT_TITLE)) || !(s->code = strdup("")))
    return PP_ENOMEM;
  s->code_len = 0;
  int rc = sessions__apply(s, &op->fields, now);
  if (rc)
    return rc;
  auth_token_new(op->res.token, s->token_hash);
  rc = store_create_session(op->cs->store, s);
  if (rc == PP_ECONFLICT) { /* a v4 collision: draw again once */
    pp_uuid_v4(s->id);
    rc = store_create_session(op->cs->store, s);
  }
  return rc;
}

/* Loads the session and checks existence and expiry. */
static int sessions__load(op_t *op, store_session_t *s) {
  int rc = store_get_session(op->cs->store, op->id, s);
  if (rc)
    return rc;
  if (s->expires_at_ms <= pp_now_ms())
    return PP_EEXPIRED;
  return 0;
}

static int sessions__check_interviewer(op_t *op, const store_session_t *s) {
  if (!op->token)
    return PP_ETOKEN_REQUIRED;
  if (!auth_token_verify(pp_bytes(op->token, op->token_len), s->token_hash))
    return PP_ETOKEN_WRONG;
  return 0;
}

static int sessions__do_get(op_t *op) {
  store_session_t *s = &op->res.session;
  int rc = sessions__load(op, s);
  if (rc)
    return rc;
  op->res.is_interviewer =
      op->token &&
      auth_token_verify(pp_bytes(op->token, op->token_len), s->token_hash);
  if (!s->password_hash || op->res.is_interviewer)
    return 0;
  if (!op->password)
    return PP_EPASSWORD_REQUIRED;
  return auth_password_verify(s->password_hash,
                              pp_bytes(op->password, op->password_len));
}

static int sessions__do_update(op_t *op) {
  store_session_t *s = &op->res.session;
  int rc = sessions__load(op, s);
  if (rc || (rc = sessions__check_interviewer(op, s)))
    return rc;
  if ((rc = sessions__apply(s, &op->fields, pp_now_ms())))
    return rc;
  return store_update_session(op->cs->store, s);
}

static int sessions__do_delete(op_t *op) {
  store_session_t s;
  int rc = sessions__load(op, &s);
  if (!rc)
    rc = sessions__check_interviewer(op, &s);
  store_session_clear(&s);
  if (rc)
    return rc;
  return store_delete_session(op->cs->store, op->id);
}

static int sessions__do_set_language(op_t *op) {
  store_session_t *s = &op->res.session;
  int rc = sessions__load(op, s);
  if (rc)
    return rc;
  memcpy(s->language, op->fields.language, sizeof s->language);
  return store_update_session(op->cs->store, s);
}

static int sessions__do_runs(op_t *op) {
  int rc = sessions__do_get(op);
  if (rc)
    return rc;
  return store_list_runs(op->cs->store, op->id, op->limit, &op->res.runs);
}

static void sessions__work(uv_work_t *w) {
  op_t *op = w->data;
  int rc = PP_EINVAL;
  switch (op->kind) {
  case OP_CREATE:
    rc = sessions__do_create(op);
    break;
  case OP_GET:
    rc = sessions__do_get(op);
    break;
  case OP_UPDATE:
    rc = sessions__do_update(op);
    break;
  case OP_DELETE:
    rc = sessions__do_delete(op);
    break;
  case OP_SET_LANGUAGE:
    rc = sessions__do_set_language(op);
    break;
  case OP_RUNS:
    rc = sessions__do_runs(op);
    break;
  case OP_SWEEP:
    rc = store_purge_expired(op->cs->store, pp_now_ms(), &op->purged);
    break;
  }
  op->res.status = rc;
  if (rc)
    store_session_clear(&op->res.session);
}

static void sessions__after(uv_work_t *w, int status) {
  op_t *op = w->data;
  if (status == UV_ECANCELED)
    op->res.status = PP_EUNAVAILABLE;
  if (op->kind == OP_SWEEP) {
    op->cs->sweeping = false;
    if (op->res.status)
      pp_logf(PP_LOG_WARN, "sweep failed", " error=%s",
              pp_errname(op->res.status));
    else if (op->purged)
      pp_logf(PP_LOG_INFO, "expired sessions purged", " count=%ld", op->purged);
  } else if (op->cb) {
    op->cb(op->ctx, &op->res);
  }
  sessions__op_free(op);
}

static int sessions__queue(op_t *op) {
  int rc =
      uv_queue_work(op->cs->loop, &op->work, sessions__work, sessions__after);
  if (rc) {
    sessions__op_free(op);
    return PP_EUNAVAILABLE;
  }
  return 0;
}

int collab_sessions_create(collab_sessions_t *cs,
                           collab_session_fields_t *fields,
                           collab_session_cb cb, void *ctx) {
  op_t *op = sessions__op_new(cs, OP_CREATE, pp_bytes("", 0), NULL, cb, ctx);
  if (!op)
    return PP_ENOMEM;
  op->fields = *fields;
  memset(fields, 0, sizeof *fields);
  return sessions__queue(op);
}

int collab_sessions_get(collab_sessions_t *cs, pp_bytes_t id,
                        const collab_credentials_t *cred, collab_session_cb cb,
                        void *ctx) {
  if (!pp_uuid_is_valid_v4(id))
    return PP_ENOTFOUND;
  op_t *op = sessions__op_new(cs, OP_GET, id, cred, cb, ctx);
  return op ? sessions__queue(op) : PP_ENOMEM;
}

int collab_sessions_update(collab_sessions_t *cs, pp_bytes_t id,
                           const collab_credentials_t *cred,
                           collab_session_fields_t *fields,
                           collab_session_cb cb, void *ctx) {
  if (!pp_uuid_is_valid_v4(id))
    return PP_ENOTFOUND;
  op_t *op = sessions__op_new(cs, OP_UPDATE, id, cred, cb, ctx);
  if (!op)
    return PP_ENOMEM;
  op->fields = *fields;
  memset(fields, 0, sizeof *fields);
  return sessions__queue(op);
}

int collab_sessions_runs(collab_sessions_t *cs, pp_bytes_t id,
                         const collab_credentials_t *cred, size_t limit,
                         collab_session_cb cb, void *ctx) {
  op_t *op = sessions__op_new(cs, OP_RUNS, id, cred, cb, ctx);
  if (!op)
    return PP_ENOMEM;
  op->limit = limit;
  return sessions__queue(op);
}

int collab_sessions_delete(collab_sessions_t *cs, pp_bytes_t id,
                           const collab_credentials_t *cred,
                           collab_session_cb cb, void *ctx) {
  if (!pp_uuid_is_valid_v4(id))
    return PP_ENOTFOUND;
  op_t *op = sessions__op_new(cs, OP_DELETE, id, cred, cb, ctx);
  return op ? sessions__queue(op) : PP_ENOMEM;
}

int collab_sessions_set_language(collab_sessions_t *cs, pp_bytes_t id,
                                 const char *language, collab_session_cb cb,
                                 void *ctx) {
  if (!pp_uuid_is_valid_v4(id))
    return PP_ENOTFOUND;
  op_t *op = sessions__op_new(cs, OP_SET_LANGUAGE, id, NULL, cb, ctx);
  if (!op)
    return PP_ENOMEM;
  snprintf(op->fields.language, sizeof op->fields.language, "%s", language);
  op->fields.has_language = true;
  return sessions__queue(op);
}

int collab_sessions_sweep(collab_sessions_t *cs) {
  if (cs->sweeping)
    return 0;
  op_t *op = sessions__op_new(cs, OP_SWEEP, pp_bytes("", 0), NULL, NULL, NULL);
  if (!op)
    return PP_ENOMEM;
  cs->sweeping = true;
  int rc = sessions__queue(op);
  if (rc)
    cs->sweeping = false;
  return rc;
}
