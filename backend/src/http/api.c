/* The /api handlers: request checks, calls into collab/, JSON replies. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/token.h"
#include "collab/languages.h"
#include "collab/sessions.h"
#include "http/internal.h"
#include "http/origins.h"
#include "http/session_request.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

static pp_bytes_t api__hdr(const char *value, int len) {
  return len > 0 ? pp_bytes(value, (size_t)len) : pp_bytes("", 0);
}

/* Maps a collab/store error to the HTTP error of docs/API.md. */
static void api__reply_pp_error(http_request_t *req, int err) {
  switch (err) {
  case PP_ENOTFOUND:
    http_reply_error(req, 404, "session_not_found", "no such session", NULL);
    return;
  case PP_EEXPIRED:
    http_reply_error(req, 410, "session_expired", "this session has expired",
                     NULL);
    return;
  case PP_EPASSWORD_REQUIRED:
    http_reply_error(req, 401, "password_required",
                     "this session is protected by a password; send it in the "
                     "X-Session-Password header",
                     NULL);
    return;
  case PP_EPASSWORD_WRONG:
    http_reply_error(req, 401, "invalid_password", "wrong session password",
                     NULL);
    return;
  case PP_ETOKEN_REQUIRED:
    http_add_header(req, "WWW-Authenticate", "Bearer realm=\"pairpad\"");
    http_reply_error(req, 401, "token_required",
                     "send the interviewer token as 'Authorization: Bearer "
                     "<token>'",
                     NULL);
    return;
  case PP_ETOKEN_WRONG:
    http_reply_error(req, 403, "invalid_token",
                     "the interviewer token does not match this session", NULL);
    return;
  case PP_EUNAVAILABLE:
  case PP_ESTORE:
    pp_logf(PP_LOG_ERROR, "store error", " req=%s error=%s", req->id,
            pp_errname(err));
    http_reply_error(req, 503, "store_unavailable",
                     "the database is unavailable; try again shortly", NULL);
    return;
  default:
    pp_logf(PP_LOG_ERROR, "internal error", " req=%s error=%s", req->id,
            pp_errname(err));
    http_reply_error(req, 500, "internal_error",
                     "unexpected server error; see the server log for this "
                     "request id",
                     NULL);
  }
}

static json_t *api__session_json(const store_session_t *s) {
  char created[PP_RFC3339_LEN + 1], expires[PP_RFC3339_LEN + 1];
  pp_format_rfc3339(s->created_at_ms, created);
  pp_format_rfc3339(s->expires_at_ms, expires);
  return json_pack("{s:s, s:s, s:s, s:s%, s:s, s:s, s:b, s:b, s:i, s:o}", "id",
                   s->id, "title", s->title ? s->title : "", "language",
                   s->language, "code", s->code ? s->code : "", s->code_len,
                   "created_at", created, "expires_at", expires, "has_password",
                   s->password_hash != NULL, "is_active", s->is_active,
                   "run_timeout_seconds", s->run_timeout_seconds,
                   "run_settings", collab_run_settings_json(s->run_settings));
}

/* Base URL for share links: --public-url, else the request's Host. */
static void api__base_url(http_request_t *req, char *out, size_t outsz) {
  const char *pub = req->srv->deps.cfg->public_url;
  if (pub && *pub) {
    size_t n = strlen(pub);
    while (n && pub[n - 1] == '/')
      n--;
    snprintf(out, outsz, "%.*s", (int)n, pub);
    return;
  }
  bool host_ok = req->host_len > 0;
  for (int i = 0; host_ok && i < req->host_len; i++) {
    char c = req->host[i];
    host_ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
              c == '[' || c == ']';
  }
  snprintf(out, outsz, "http://%s", host_ok ? req->host : "localhost");
}

/* ---- handlers --------------------------------------------------------------
 */

static void api__health(http_request_t *req) {
  static const char body[] = "{\"status\":\"ok\"}";
  http_reply(req, 200, "application/json", body, sizeof body - 1);
}

/* A language is runnable when the runner origin is served and its build
 * manifest (runtimes.json) lists a runtime for it. */
static void api__languages(http_request_t *req) {
  size_t n;
  const collab_language_t *langs = collab_languages(&n);
  const json_t *runtimes =
      http__runner_enabled(req->srv) ? req->srv->runtimes : NULL;
  json_t *arr = json_array();
  for (size_t i = 0; arr && i < n; i++) {
    json_t *rt = json_object_get(runtimes, langs[i].id);
    json_int_t bytes = json_integer_value(json_object_get(rt, "bytes"));
    json_array_append_new(
        arr, json_pack("{s:s, s:s, s:s, s:s, s:b, s:I}", "id", langs[i].id,
                       "name", langs[i].name, "monaco", langs[i].monaco,
                       "extension", langs[i].extension, "runnable", rt != NULL,
                       "runtime_bytes", rt && bytes > 0 ? bytes : 0));
  }
  http_reply_json(req, 200, arr);
}

/* What the web app needs to know about this deployment. */
static void api__config(http_request_t *req) {
  char url[HTTP_ORIGIN_MAX + 2];
  const char *configured = req->srv->deps.cfg->runner_url;
  json_t *runner = json_null();
  if (configured && *configured) {
    runner = json_string(configured);
  } else if (http__runner_enabled(req->srv) &&
             http_listener_origin(NULL, api__hdr(req->host, req->host_len),
                                  req->srv->runner_port, url, sizeof url - 1)) {
    strcat(url, "/");
    runner = json_string(url);
  }
  http_reply_json(req, 200, json_pack("{s:o}", "runner_url", runner));
}

static void api__openapi(http_request_t *req) {
  http_reply(req, 200, "application/json", req->srv->openapi,
             req->srv->openapi_len);
}

static void api__docs(http_request_t *req) {
  req->csp = HTTP_CSP_DOCS;
  http_reply(req, 200, "text/html; charset=utf-8", req->srv->docs_html,
             req->srv->docs_len);
}

static void api__on_created(void *ctx, const collab_session_result_t *res) {
  http_request_t *req = ctx;
  if (!http_request_resume(req))
    return;
  if (res->status) {
    api__reply_pp_error(req, res->status);
    return;
  }
  const store_session_t *s = &res->session;
  char base[512], url[700], location[128];
  api__base_url(req, base, sizeof base);
  json_t *j = api__session_json(s);
  snprintf(url, sizeof url, "%s/s/%s", base, s->id);
  json_object_set_new(j, "join_url", json_string(url));
  snprintf(url, sizeof url, "%s/s/%s#token=%s", base, s->id, res->token);
  json_object_set_new(j, "interviewer_url", json_string(url));
  json_object_set_new(j, "interviewer_token", json_string(res->token));
  snprintf(location, sizeof location, "/api/sessions/%s", s->id);
  http_add_header(req, "Location", location);
  http_reply_json(req, 201, j);
}

static void api__on_session(void *ctx, const collab_session_result_t *res) {
  http_request_t *req = ctx;
  if (!http_request_resume(req))
    return;
  if (res->status) {
    api__reply_pp_error(req, res->status);
    return;
  }
  json_t *j = api__session_json(&res->session);
  /* A live room's document is ahead of the `code` column. */
  collab_rooms_t *rooms = req->srv->deps.rooms;
  pp_buf_t live;
  pp_buf_init(&live, (size_t)-1 / 4);
  if (rooms && collab_rooms_live_text(rooms, res->session.id, &live) == 0)
    json_object_set_new(j, "code",
                        json_stringn(live.data ? live.data : "", live.len));
  pp_buf_free(&live);
  http_reply_json(req, 200, j);
}

/* PATCH done: live rooms learn the change even if the client has gone. */
static void api__on_updated(void *ctx, const collab_session_result_t *res) {
  http_request_t *req = ctx;
  collab_rooms_t *rooms = req->srv->deps.rooms;
  if (!res->status && rooms)
    collab_rooms_session_changed(rooms, &res->session);
  api__on_session(ctx, res);
}

static void api__on_deleted(void *ctx, const collab_session_result_t *res) {
  http_request_t *req = ctx;
  collab_rooms_t *rooms = req->srv->deps.rooms;
  if (!res->status && rooms) {
    char id[PP_UUID_LEN + 1];
    size_t n =
        req->route.param.len < PP_UUID_LEN ? req->route.param.len : PP_UUID_LEN;
    memcpy(id, req->route.param.ptr, n);
    id[n] = '\0';
    collab_rooms_session_deleted(rooms, id);
  }
  if (!http_request_resume(req))
    return;
  if (res->status)
    api__reply_pp_error(req, res->status);
  else
    http_reply_no_content(req, 204);
}

static bool api__rate_limited(http_request_t *req, auth_limit_kind_t kind) {
  int retry = 0;
  if (auth_limits_take(req->srv->deps.limits, kind, pp_bytes_str(req->addr),
                       &retry))
    return false;
  char v[16];
  snprintf(v, sizeof v, "%d", retry);
  http_add_header(req, "Retry-After", v);
  http_reply_error(req, 429, "rate_limited",
                   kind == AUTH_LIMIT_PASSWORD
                       ? "too many password attempts; wait before retrying"
                       : "too many sessions created; wait before retrying",
                   NULL);
  return true;
}

/* Checks Content-Type and parses the JSON body; replies on error. */
static bool api__parse_body(http_request_t *req,
                            http_session_request_kind_t kind,
                            collab_session_fields_t *fields) {
  if (req->content_type_len > 0) {
    static const char json_ct[] = "application/json";
    size_t n = sizeof json_ct - 1;
    bool ok = (size_t)req->content_type_len >= n &&
              strncasecmp(req->content_type, json_ct, n) == 0 &&
              (req->content_type[n] == '\0' || req->content_type[n] == ';' ||
               req->content_type[n] == ' ');
    if (!ok) {
      http_reply_error(req, 415, "unsupported_media_type",
                       "send the body as JSON with 'Content-Type: "
                       "application/json'",
                       NULL);
      return false;
    }
  } else if (req->content_type_len == -2) {
    http_reply_error(req, 415, "unsupported_media_type",
                     "Content-Type header too long", NULL);
    return false;
  }
  http_request_error_t err;
  int rc = http_session_request_parse(pp_bytes(req->body.data, req->body.len),
                                      kind, fields, &err);
  if (rc == PP_ENOMEM) {
    api__reply_pp_error(req, rc);
    return false;
  }
  if (rc) {
    http_reply_error(req, err.status, err.code, err.message, err.field);
    return false;
  }
  return true;
}

static void api__credentials(http_request_t *req, collab_credentials_t *cred) {
  cred->password = api__hdr(req->password, req->password_len);
  cred->token = pp_bytes("", 0);
  pp_bytes_t tok;
  pp_bytes_t hdr = api__hdr(req->authorization, req->authorization_len);
  bool bearer = hdr.len >= 7 && strncasecmp(hdr.ptr, "bearer ", 7) == 0;
  if (bearer && auth_bearer_token(hdr, &tok))
    cred->token = tok;
  else if (bearer || req->authorization_len == -2)
    cred->token = pp_bytes("invalid", 7); /* a Bearer token, but unusable */
  /* Other schemes (Basic, …) carry no interviewer token: treated as absent. */
}

static void api__start(http_request_t *req, int rc) {
  if (rc == 0)
    req->in_flight = true;
  else
    api__reply_pp_error(req, rc);
}

static void api__create(http_request_t *req) {
  collab_session_fields_t fields;
  if (!api__parse_body(req, HTTP_SESSION_CREATE, &fields))
    return;
  if (api__rate_limited(req, AUTH_LIMIT_CREATE_SESSION)) {
    collab_session_fields_clear(&fields);
    return;
  }
  int rc = collab_sessions_create(req->srv->deps.sessions, &fields,
                                  api__on_created, req);
  collab_session_fields_clear(&fields);
  api__start(req, rc);
}

static void api__session(http_request_t *req) {
  collab_credentials_t cred;
  api__credentials(req, &cred);
  pp_bytes_t id = req->route.param;
  collab_sessions_t *cs = req->srv->deps.sessions;
  int rc;
  if (req->method == HTTP_METHOD_GET) {
    if (req->password_len == -2) {
      http_reply_error(req, 401, "invalid_password", "wrong session password",
                       NULL);
      return;
    }
    if (cred.password.len && api__rate_limited(req, AUTH_LIMIT_PASSWORD))
      return;
    rc = collab_sessions_get(cs, id, &cred, api__on_session, req);
  } else if (req->method == HTTP_METHOD_PATCH) {
    collab_session_fields_t fields;
    if (!api__parse_body(req, HTTP_SESSION_UPDATE, &fields))
      return;
    rc = collab_sessions_update(cs, id, &cred, &fields, api__on_updated, req);
    collab_session_fields_clear(&fields);
  } else {
    rc = collab_sessions_delete(cs, id, &cred, api__on_deleted, req);
  }
  api__start(req, rc);
}

#define API_RUNS_LIMIT 50

/* The records are JSON the server wrote itself: spliced, not re-parsed. */
static void api__on_runs(void *ctx, const collab_session_result_t *res) {
  http_request_t *req = ctx;
  if (!http_request_resume(req))
    return;
  if (res->status) {
    api__reply_pp_error(req, res->status);
    return;
  }
  pp_buf_t out;
  pp_buf_init(&out, (size_t)-1 / 4);
  int rc = pp_buf_append(&out, "{\"runs\":[", 9);
  for (size_t i = 0; !rc && i < res->runs.n; i++) {
    if (i)
      rc = pp_buf_append(&out, ",", 1);
    if (!rc)
      rc = pp_buf_append(&out, res->runs.items[i].data, res->runs.items[i].len);
  }
  if (!rc)
    rc = pp_buf_append(&out, "]}", 2);
  if (rc) {
    pp_buf_free(&out);
    api__reply_pp_error(req, PP_ENOMEM);
    return;
  }
  http_reply_owned(req, 200, "application/json", out.data, out.len);
}

static void api__runs(http_request_t *req) {
  collab_credentials_t cred;
  api__credentials(req, &cred);
  if (req->password_len == -2) {
    http_reply_error(req, 401, "invalid_password", "wrong session password",
                     NULL);
    return;
  }
  if (cred.password.len && api__rate_limited(req, AUTH_LIMIT_PASSWORD))
    return;
  int rc = collab_sessions_runs(req->srv->deps.sessions, req->route.param,
                                &cred, API_RUNS_LIMIT, api__on_runs, req);
  api__start(req, rc);
}

/* CORS: returns false when the request was answered (preflight). */
static bool api__cors(http_request_t *req) {
  if (req->origin_len <= 0)
    return true;
  pp_bytes_t origin = api__hdr(req->origin, req->origin_len);
  bool same = http_cors_same_origin(origin, api__hdr(req->host, req->host_len));
  bool allowed = !same && http_cors_allowed(req->srv->cors, origin);
  if (allowed) {
    http_add_header(req, "Access-Control-Allow-Origin", req->origin);
    http_add_header(req, "Vary", "Origin");
  }
  if (req->method != HTTP_METHOD_OPTIONS)
    return true;
  if (!allowed && !same) {
    http_reply_error(req, 403, "origin_not_allowed",
                     "this origin may not call the API", NULL);
    return false;
  }
  http_add_header(req, "Access-Control-Allow-Methods",
                  "GET, POST, PATCH, DELETE, OPTIONS");
  http_add_header(req, "Access-Control-Allow-Headers",
                  "Content-Type, Authorization, X-Session-Password");
  http_add_header(req, "Access-Control-Max-Age", "600");
  http_reply_no_content(req, 204);
  return false;
}

void http__api_dispatch(http_request_t *req) {
  if (!api__cors(req))
    return;
  const http_route_t *r = &req->route;
  if (r->id == HTTP_ROUTE_STATIC) {
    http_add_header(req, "Allow", "GET");
    http_reply_error(req, 405, "method_not_allowed",
                     "static files only support GET", NULL);
    return;
  }
  if (r->id == HTTP_ROUTE_NOT_FOUND) {
    http_reply_error(req, 404, "not_found", "no such API endpoint", NULL);
    return;
  }
  if (!(r->allowed & req->method)) {
    char allow[96];
    http_add_header(req, "Allow",
                    http_methods_allow(r->allowed, allow, sizeof allow));
    http_reply_error(req, 405, "method_not_allowed",
                     "this endpoint does not support that method", NULL);
    return;
  }
  switch (r->id) {
  case HTTP_ROUTE_HEALTH:
    api__health(req);
    break;
  case HTTP_ROUTE_LANGUAGES:
    api__languages(req);
    break;
  case HTTP_ROUTE_CONFIG:
    api__config(req);
    break;
  case HTTP_ROUTE_OPENAPI:
    api__openapi(req);
    break;
  case HTTP_ROUTE_DOCS:
    api__docs(req);
    break;
  case HTTP_ROUTE_SESSIONS:
    api__create(req);
    break;
  case HTTP_ROUTE_SESSION:
    api__session(req);
    break;
  case HTTP_ROUTE_SESSION_RUNS:
    api__runs(req);
    break;
  default:
    http_reply_error(req, 404, "not_found", "no such API endpoint", NULL);
  }
}
