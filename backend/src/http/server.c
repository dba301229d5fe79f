/* libwebsockets glue: turns lws callbacks into http_request_t lifecycles.
 * A request is owned by its connection until an async operation takes it
 * (in_flight); if the client disconnects meanwhile the request is orphaned
 * (wsi = NULL) and freed when the operation reports back. */
#define _POSIX_C_SOURCE 200809L
#include "http/server.h"

#include <libwebsockets.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api_docs.h"
#include "http/internal.h"
#include "http/origins.h"
#include "http/static_files.h"
#include "util/clock.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/log.h"

/* Bodies up to this size are read and discarded before a 413, so that the
 * client sees the answer instead of a reset; larger ones close at once. */
#define HTTP_DRAIN_MAX (1024 * 1024)

/* Per connection: the HTTP transaction in progress, or the WebSocket the
 * connection was upgraded to. */
typedef struct {
  http_request_t *req;
  http_ws_t *ws;
} http_pss_t;

/* COOP + COEP make the app cross-origin isolated, which the runner frame
 * inherits: SharedArrayBuffer (Python interrupts, synchronous stdin) needs
 * the whole frame tree isolated. */
static const char *const security_headers[][2] = {
    {"x-content-type-options:", "nosniff"},
    {"referrer-policy:", "no-referrer"},
    {"x-frame-options:", "DENY"},
    {"cross-origin-opener-policy:", "same-origin"},
    {"cross-origin-embedder-policy:", "require-corp"},
    {"cross-origin-resource-policy:", "same-origin"},
};

/* The runner is framed by the app, so no X-Frame-Options: its CSP's
 * frame-ancestors names the app; CORP is set per file in runner.c.
 * Origin-Agent-Cluster keys the runner by origin, not site, so Chromium can
 * give it its own process: a program that exhausts memory kills the runner,
 * not the app tab (app and runner share a site when only ports differ). */
static const char *const runner_security_headers[][2] = {
    {"origin-agent-cluster:", "?1"},
    {"x-content-type-options:", "nosniff"},
    {"referrer-policy:", "no-referrer"},
    {"cross-origin-opener-policy:", "same-origin"},
    {"cross-origin-embedder-policy:", "require-corp"},
};

#define HTTP_CSP_APP_FMT                                                       \
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src "       \
  "'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' "       \
  "data:; connect-src 'self'; worker-src 'self' blob:; frame-src %s; "         \
  "object-src 'none'; base-uri 'none'; form-action 'self'; "                   \
  "frame-ancestors 'none'"

bool http__runner_enabled(const http_server_t *srv) {
  return srv->runner_port ||
         (srv->deps.cfg->runner_url && *srv->deps.cfg->runner_url);
}

const char *http__app_page_csp(http_request_t *req) {
  char runner[HTTP_ORIGIN_MAX] = "'none'";
  const http_server_t *srv = req->srv;
  if (http__runner_enabled(srv)) {
    if (!http_listener_origin(
            srv->deps.cfg->runner_url,
            pp_bytes(req->host, req->host_len > 0 ? (size_t)req->host_len : 0),
            srv->runner_port, runner, sizeof runner))
      snprintf(runner, sizeof runner, "'none'");
  }
  snprintf(req->csp_buf, sizeof req->csp_buf, HTTP_CSP_APP_FMT, runner);
  return req->csp = req->csp_buf;
}

static const char NOT_BUILT_HTML[] =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Pairpad</title><style>body{font:16px/1.5 system-ui,sans-serif;"
    "max-width:40rem;margin:4rem auto;padding:0 1rem}code{background:#eee;"
    "padding:0 .3em}</style></head><body><h1>Pairpad is running</h1>"
    "<p>The web front end has not been built into <code>--static-dir</code> "
    "yet. The REST API is live: see <a href=\"/api/docs\">/api/docs</a>.</p>"
    "</body></html>";

static void http__request_free(http_request_t *req) {
  if (!req)
    return;
  pp_buf_free(&req->body);
  free(req->resp_body);
  sodium_memzero(req->password, sizeof req->password);
  free(req);
}

static void http__access_log(http_request_t *req, int status) {
  if (!pp_log_enabled(PP_LOG_INFO))
    return;
  char qpath[600];
  pp_log_quote(req->route.path.ptr, req->route.path.len, qpath, sizeof qpath);
  double ms = (double)(pp_mono_us() - req->start_us) / 1000.0;
  pp_logf(PP_LOG_INFO, "request",
          " req=%s method=%s path=%s status=%d dur_ms=%.3f addr=%s", req->id,
          http_method_name(req->method), qpath, status, ms, req->addr);
}

/* ---- replies ---------------------------------------------------------- */

static void http__queue(http_request_t *req) {
  req->replied = true;
  if (req->wsi && !req->in_flight)
    lws_callback_on_writable((struct lws *)req->wsi);
}

void http_reply_owned(http_request_t *req, int status, const char *content_type,
                      char *body, size_t len) {
  if (req->replied) {
    free(body);
    return;
  }
  req->status = status;
  req->content_type_out = content_type;
  req->resp_body = body;
  req->resp_len = len;
  http__queue(req);
}

void http_reply(http_request_t *req, int status, const char *content_type,
                const char *body, size_t len) {
  char *copy = malloc(len + 1);
  if (!copy) {
    req->close_after = true;
    http_reply_owned(req, 500, "application/json", NULL, 0);
    return;
  }
  memcpy(copy, body, len);
  copy[len] = '\0';
  http_reply_owned(req, status, content_type, copy, len);
}

void http_reply_json(http_request_t *req, int status, json_t *json) {
  char *s = json ? json_dumps(json, JSON_COMPACT) : NULL;
  json_decref(json);
  if (!s) {
    http_reply_error(req, 500, "internal_error", "cannot encode the response",
                     NULL);
    return;
  }
  http_reply_owned(req, status, "application/json", s, strlen(s));
}

void http_reply_error(http_request_t *req, int status, const char *code,
                      const char *message, const char *field) {
  json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
  if (err && field && *field)
    json_object_set_new(err, "field", json_string(field));
  json_t *outer = err ? json_pack("{s:o}", "error", err) : NULL;
  char *s = outer ? json_dumps(outer, JSON_COMPACT) : NULL;
  json_decref(outer);
  if (!s) {
    static const char fallback[] =
        "{\"error\":{\"code\":\"internal_error\",\"message\":\"out of "
        "memory\"}}";
    http_reply(req, 500, "application/json", fallback, sizeof fallback - 1);
    return;
  }
  http_reply_owned(req, status, "application/json", s, strlen(s));
}

void http_reply_no_content(http_request_t *req, int status) {
  http_reply_owned(req, status, NULL, NULL, 0);
}

void http_add_header(http_request_t *req, const char *name, const char *value) {
  if (req->n_extra >= HTTP_MAX_EXTRA_HEADERS)
    return;
  http_header_t *h = &req->extra[req->n_extra++];
  snprintf(h->name, sizeof h->name, "%s:", name);
  for (char *p = h->name; *p; p++) {
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  }
  snprintf(h->value, sizeof h->value, "%s", value);
}

bool http_request_resume(http_request_t *req) {
  req->in_flight = false;
  if (!req->wsi) {
    http__request_free(req);
    return false;
  }
  return true;
}

int http__common_headers(http_request_t *req, struct lws *wsi, const char *csp,
                         unsigned char **p, unsigned char *end) {
  const char *const(*table)[2] =
      req->runner ? runner_security_headers : security_headers;
  size_t n = req->runner ? sizeof runner_security_headers /
                               sizeof runner_security_headers[0]
                         : sizeof security_headers / sizeof security_headers[0];
  for (size_t i = 0; i < n; i++) {
    const char *v = table[i][1];
    if (lws_add_http_header_by_name(wsi, (const unsigned char *)table[i][0],
                                    (const unsigned char *)v, (int)strlen(v), p,
                                    end))
      return -1;
  }
  if (lws_add_http_header_by_name(
          wsi, (const unsigned char *)"content-security-policy:",
          (const unsigned char *)csp, (int)strlen(csp), p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"x-request-id:",
                                  (const unsigned char *)req->id,
                                  (int)strlen(req->id), p, end))
    return -1;
  for (int i = 0; i < req->n_extra; i++) {
    if (lws_add_http_header_by_name(wsi,
                                    (const unsigned char *)req->extra[i].name,
                                    (const unsigned char *)req->extra[i].value,
                                    (int)strlen(req->extra[i].value), p, end))
      return -1;
  }
  return 0;
}

/* Writes the queued response; returns the lws callback result. */
static int http__write_response(http_request_t *req, struct lws *wsi,
                                http_pss_t *pss) {
  unsigned char hbuf[LWS_PRE + 8192];
  unsigned char *start = hbuf + LWS_PRE, *p = start,
                *end = hbuf + sizeof hbuf - 1;
  const char *csp = req->csp ? req->csp : HTTP_CSP_API;
  int failed = lws_add_http_header_status(wsi, (unsigned)req->status, &p, end);
  if (!failed && req->content_type_out)
    failed = lws_add_http_header_by_token(
        wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
        (const unsigned char *)req->content_type_out,
        (int)strlen(req->content_type_out), &p, end);
  if (!failed && req->status != 204)
    failed = lws_add_http_header_content_length(wsi, req->resp_len, &p, end);
  if (!failed && (strncmp(req->route.path.ptr, "/api", 4) == 0 ||
                  req->route.id == HTTP_ROUTE_REALTIME))
    failed = lws_add_http_header_by_name(
        wsi, (const unsigned char *)"cache-control:",
        (const unsigned char *)"no-store", 8, &p, end);
  if (!failed && req->close_after)
    failed = lws_add_http_header_by_token(
        wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5, &p, end);
  if (!failed)
    failed = http__common_headers(req, wsi, csp, &p, end);
  if (!failed)
    failed = lws_finalize_http_header(wsi, &p, end);
  int status = req->status;
  bool close_after = req->close_after;
  if (failed ||
      lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS) < 0) {
    pss->req = NULL;
    http__access_log(req, status);
    http__request_free(req);
    return -1;
  }
  int rc = 0;
  if (req->resp_len) {
    unsigned char *body = malloc(LWS_PRE + req->resp_len);
    if (!body || (memcpy(body + LWS_PRE, req->resp_body, req->resp_len),
                  lws_write(wsi, body + LWS_PRE, req->resp_len,
                            LWS_WRITE_HTTP_FINAL) < 0))
      rc = -1;
    free(body);
  }
  pss->req = NULL;
  http__access_log(req, status);
  http__request_free(req);
  if (rc || close_after)
    return -1;
  return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* ---- request intake ------------------------------------------------------ */

static int http__copy_hdr(struct lws *wsi, enum lws_token_indexes t, char *dst,
                          size_t dstsz) {
  int len = lws_hdr_total_length(wsi, t);
  if (len <= 0) {
    dst[0] = '\0';
    return -1;
  }
  if ((size_t)len >= dstsz) {
    dst[0] = '\0';
    return -2;
  }
  return lws_hdr_copy(wsi, dst, (int)dstsz, t) < 0 ? -2 : len;
}

static int http__copy_custom(struct lws *wsi, const char *name, char *dst,
                             size_t dstsz) {
  int nlen = (int)strlen(name);
  int len = lws_hdr_custom_length(wsi, name, nlen);
  if (len < 0) {
    dst[0] = '\0';
    return -1;
  }
  if ((size_t)len >= dstsz) {
    dst[0] = '\0';
    return -2;
  }
  return lws_hdr_custom_copy(wsi, dst, (int)dstsz, name, nlen) < 0 ? -2 : len;
}

static http_method_t http__method(int m) {
  switch (m) {
  case LWSHUMETH_GET:
    return HTTP_METHOD_GET;
  case LWSHUMETH_POST:
    return HTTP_METHOD_POST;
  case LWSHUMETH_OPTIONS:
    return HTTP_METHOD_OPTIONS;
  case LWSHUMETH_PUT:
    return HTTP_METHOD_PUT;
  case LWSHUMETH_PATCH:
    return HTTP_METHOD_PATCH;
  case LWSHUMETH_DELETE:
    return HTTP_METHOD_DELETE;
  case LWSHUMETH_HEAD:
    return HTTP_METHOD_HEAD;
  default:
    return HTTP_METHOD_OTHER;
  }
}

static http_request_t *http__request_new(http_server_t *srv, struct lws *wsi) {
  http_request_t *req = calloc(1, sizeof *req);
  if (!req)
    return NULL;
  req->srv = srv;
  req->wsi = wsi;
  req->start_us = pp_mono_us();
  snprintf(req->id, sizeof req->id, "%08x%08llx", srv->id_prefix,
           (unsigned long long)(++srv->next_id & 0xffffffffull));
  pp_buf_init(&req->body, HTTP_BODY_MAX);
  lws_get_peer_simple(wsi, req->addr, sizeof req->addr);

  char *uri = NULL;
  int uri_len = 0;
  int m = lws_http_get_uri_and_method(wsi, &uri, &uri_len);
  req->method = http__method(m);
  size_t n = 1;
  if (uri && uri_len > 0) {
    /* lws has percent-decoded the path: a %00 survives as a NUL byte, so the
     * length is kept explicitly rather than trusting strlen. */
    n = (size_t)uri_len < sizeof req->target - 1 ? (size_t)uri_len
                                                 : sizeof req->target - 1;
    memcpy(req->target, uri, n);
  } else {
    req->target[0] = '/';
  }
  req->target[n] = '\0';
  http_route_match(pp_bytes(req->target, n), &req->route);
  if (req->route.id == HTTP_ROUTE_REALTIME) {
    http_mount_t *mount = http__rt_mount(srv, req->route.param);
    if (mount)
      pp_buf_init(&req->body, mount->max_payload);
  }

  req->host_len =
      http__copy_hdr(wsi, WSI_TOKEN_HOST, req->host, sizeof req->host);
  req->origin_len =
      http__copy_hdr(wsi, WSI_TOKEN_ORIGIN, req->origin, sizeof req->origin);
  req->authorization_len =
      http__copy_hdr(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, req->authorization,
                     sizeof req->authorization);
  req->content_type_len =
      http__copy_hdr(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, req->content_type,
                     sizeof req->content_type);
  req->password_len = http__copy_custom(
      wsi, "x-session-password:", req->password, sizeof req->password);
  char cl[32];
  req->content_length = -1;
  if (http__copy_hdr(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, cl, sizeof cl) > 0)
    req->content_length = strtoll(cl, NULL, 10);
  return req;
}

static int http__file_headers(http_request_t *req, struct lws *wsi,
                              const http_file_headers_t *h,
                              const char *encoding, unsigned char *buf,
                              size_t bufsz) {
  unsigned char *p = buf, *end = buf + bufsz - 1;
  const char *cache =
      h->immutable ? "public, max-age=31536000, immutable" : "no-cache";
  if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                  (const unsigned char *)cache,
                                  (int)strlen(cache), &p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"vary:",
                                  (const unsigned char *)"Accept-Encoding", 15,
                                  &p, end) ||
      (h->corp &&
       lws_add_http_header_by_name(
           wsi, (const unsigned char *)"cross-origin-resource-policy:",
           (const unsigned char *)h->corp, (int)strlen(h->corp), &p, end)) ||
      (encoding &&
       lws_add_http_header_by_name(
           wsi, (const unsigned char *)"content-encoding:",
           (const unsigned char *)encoding, (int)strlen(encoding), &p, end)) ||
      http__common_headers(req, wsi, h->csp, &p, end))
    return -1;
  return (int)(p - buf);
}

int http__serve_file(http_request_t *req, const http_static_file_t *f,
                     const http_file_headers_t *h) {
  struct lws *wsi = req->wsi;
  /* Precompressed siblings (app.js.br, app.js.gz) written at build time. */
  char accept[256] = "", compressed[sizeof f->file + 4];
  int alen =
      lws_hdr_copy(wsi, accept, sizeof accept, WSI_TOKEN_HTTP_ACCEPT_ENCODING);
  const char *encoding = http_static_precompressed(
      f, pp_bytes(accept, alen > 0 ? (size_t)alen : 0), compressed,
      sizeof compressed);
  unsigned char hdrs[4096];
  int n = http__file_headers(req, wsi, h, encoding, hdrs, sizeof hdrs);
  if (n < 0)
    return -1;
  req->status = 200;
  /* On success lws owns the transaction and reports FILE_COMPLETION. */
  return lws_serve_http_file(wsi, encoding ? compressed : f->file, f->mime,
                             (const char *)hdrs, n) < 0
             ? -1
             : 0;
}

int http__static_serve(http_request_t *req) {
  http_static_file_t f;
  http_static_result_t r =
      http_static_resolve(req->srv->deps.cfg->static_dir, req->route.path, &f);
  if (r == HTTP_STATIC_FORBIDDEN || r == HTTP_STATIC_MISSING) {
    http_reply_error(req, 404, "not_found", "no such file", NULL);
    return 0;
  }
  if (r == HTTP_STATIC_APP && !f.file[0]) {
    req->csp = HTTP_CSP_DOCS;
    http_reply(req, 200, "text/html; charset=utf-8", NOT_BUILT_HTML,
               sizeof NOT_BUILT_HTML - 1);
    return 0;
  }
  http_file_headers_t h = {f.immutable, NULL, http__app_page_csp(req)};
  return http__serve_file(req, &f, &h);
}

/* Decides what to do once headers (and any body) have arrived. */
static int http__dispatch(http_request_t *req) {
  if (req->runner)
    return http__runner_serve(req);
  if (req->route.id == HTTP_ROUTE_REALTIME) {
    http__rt_polling(req);
    return 0;
  }
  if (req->route.id == HTTP_ROUTE_STATIC &&
      (req->method == HTTP_METHOD_GET || req->method == HTTP_METHOD_HEAD))
    return http__static_serve(req);
  http__api_dispatch(req);
  return 0;
}

static int http__on_request(http_server_t *srv, struct lws *wsi,
                            http_pss_t *pss) {
  http__request_free(pss->req);
  http_request_t *req = pss->req = http__request_new(srv, wsi);
  if (!req)
    return -1;
  req->runner = srv->runner_vhost && lws_get_vhost(wsi) == srv->runner_vhost;
  if (req->content_length > (long long)req->body.max) {
    req->body_too_large = true;
    if (req->content_length > HTTP_DRAIN_MAX) {
      req->close_after = true;
      if (req->route.id == HTTP_ROUTE_REALTIME)
        return http__dispatch(req); /* Engine.IO answers 413 and ends the
                                       session */
      http_reply_error(req, 413, "payload_too_large",
                       "the request body is too large", NULL);
    }
    return 0; /* smaller oversized bodies are drained, then answered */
  }
  if (req->content_length > 0)
    return 0; /* wait for the body */
  if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
    req->close_after = true;
    http_reply_error(req, 411, "length_required",
                     "send the body with a Content-Length header", NULL);
    return 0;
  }
  return http__dispatch(req);
}

static int http__callback(struct lws *wsi, enum lws_callback_reasons reason,
                          void *user, void *in, size_t len) {
  http_pss_t *pss = user;
  struct lws_vhost *vh = lws_get_vhost(wsi);
  http_server_t *srv = vh ? lws_get_vhost_user(vh) : NULL;

  switch (reason) {
  case LWS_CALLBACK_HTTP:
    return http__on_request(srv, wsi, pss);

  case LWS_CALLBACK_HTTP_BODY:
    if (pss->req && !pss->req->body_too_large &&
        pp_buf_append(&pss->req->body, in, len) != 0) {
      pss->req->body_too_large = true;
      pp_buf_free(&pss->req->body);
    }
    return 0;

  case LWS_CALLBACK_HTTP_BODY_COMPLETION:
    if (!pss->req)
      return -1;
    if (pss->req->replied)
      return 0;
    if (pss->req->body_too_large && pss->req->route.id != HTTP_ROUTE_REALTIME) {
      http_reply_error(pss->req, 413, "payload_too_large",
                       "the request body is larger than 64 KiB", NULL);
      return 0;
    }
    return http__dispatch(pss->req);

  case LWS_CALLBACK_HTTP_WRITEABLE:
    if (!pss->req || !pss->req->replied || pss->req->in_flight)
      return 0;
    return http__write_response(pss->req, wsi, pss);

  case LWS_CALLBACK_HTTP_FILE_COMPLETION:
    if (pss->req) {
      http__access_log(pss->req, 200);
      http__request_free(pss->req);
      pss->req = NULL;
    }
    return lws_http_transaction_completed(wsi) ? -1 : 0;

  case LWS_CALLBACK_CLOSED_HTTP:
  case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    if (pss && pss->req) {
      http_request_t *req = pss->req;
      pss->req = NULL;
      if (req->in_flight && req->on_abort) {
        req->on_abort(req); /* the holder forgets it; we free it */
        http__request_free(req);
      } else if (req->in_flight) {
        req->wsi = NULL; /* freed by http_request_resume */
      } else {
        http__request_free(req);
      }
    }
    return 0;

  case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
    /* The runner origin has no realtime endpoint. */
    if (!srv || (srv->runner_vhost && vh == srv->runner_vhost))
      return -1;
    return http__rt_ws_filter(srv, wsi, &pss->ws);

  case LWS_CALLBACK_ESTABLISHED:
    if (!pss->ws)
      return -1;
    http__rt_ws_established(pss->ws);
    return 0;

  case LWS_CALLBACK_RECEIVE:
    return pss->ws ? http__rt_ws_receive(pss->ws, in, len) : -1;

  case LWS_CALLBACK_SERVER_WRITEABLE:
    return pss->ws ? http__rt_ws_writeable(pss->ws) : -1;

  case LWS_CALLBACK_CLOSED:
  case LWS_CALLBACK_WSI_DESTROY:
    if (pss && pss->ws) {
      http__rt_ws_closed(pss->ws);
      pss->ws = NULL;
    }
    if (reason == LWS_CALLBACK_WSI_DESTROY && pss && pss->req &&
        !pss->req->in_flight) {
      http__request_free(pss->req);
      pss->req = NULL;
    }
    return 0;

  default:
    return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}

static const struct lws_protocols http_protocols[] = {
    {"http", http__callback, sizeof(http_pss_t), 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0}};

static void http__lws_log(int level, const char *line) {
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    n--;
  char q[512];
  pp_log_quote(line, n, q, sizeof q);
  pp_logf(level == LLL_ERR ? PP_LOG_ERROR : PP_LOG_WARN, "libwebsockets",
          " detail=%s", q);
}

static void http__flush_on_prepare(uv_prepare_t *h) {
  http__rt_ws_flush_all(h->data);
}

static void http__flush_on_check(uv_check_t *h) {
  http__rt_ws_flush_all(h->data);
}

static void http__free_handle(uv_handle_t *h) { free(h); }

/* Starts the per-turn outbox flush; unreferenced, so it never keeps the
 * loop alive by itself. */
static int http__start_flush(http_server_t *srv, uv_loop_t *loop) {
  srv->flush_prepare = calloc(1, sizeof *srv->flush_prepare);
  srv->flush_check = calloc(1, sizeof *srv->flush_check);
  if (!srv->flush_prepare || !srv->flush_check) {
    free(srv->flush_prepare);
    free(srv->flush_check);
    srv->flush_prepare = NULL;
    srv->flush_check = NULL;
    return PP_ENOMEM;
  }
  uv_prepare_init(loop, srv->flush_prepare);
  uv_check_init(loop, srv->flush_check);
  srv->flush_prepare->data = srv;
  srv->flush_check->data = srv;
  uv_prepare_start(srv->flush_prepare, http__flush_on_prepare);
  uv_check_start(srv->flush_check, http__flush_on_check);
  uv_unref((uv_handle_t *)srv->flush_prepare);
  uv_unref((uv_handle_t *)srv->flush_check);
  return 0;
}

int http_server_start(uv_loop_t *loop, const http_deps_t *deps,
                      http_server_t **out, char *err, size_t errsz) {
  *out = NULL;
  http_server_t *srv = calloc(1, sizeof *srv);
  if (!srv)
    return PP_ENOMEM;
  srv->deps = *deps;
  srv->id_prefix = randombytes_random();
  srv->cors = http_cors_new(deps->cfg->cors_origins);
  if (!srv->cors || http__start_flush(srv, loop) != 0) {
    http_server_free(srv);
    return PP_ENOMEM;
  }
  for (size_t i = 0; i < pp_assets_api_count; i++) {
    if (strcmp(pp_assets_api[i].name, "openapi.json") == 0) {
      srv->openapi = (const char *)pp_assets_api[i].data;
      srv->openapi_len = pp_assets_api[i].len;
    }
  }
  int rc = http_api_docs_render(srv->openapi, srv->openapi_len, &srv->docs_html,
                                &srv->docs_len);
  if (rc) {
    snprintf(err, errsz, "cannot render the API docs page: %s",
             pp_strerror(rc));
    http_server_free(srv);
    return rc;
  }

  char manifest[4096];
  snprintf(manifest, sizeof manifest, "%s/runtimes.json",
           deps->cfg->runner_dir);
  srv->runtimes = json_load_file(manifest, 0, NULL);
  if (srv->runtimes && !json_is_object(srv->runtimes)) {
    json_decref(srv->runtimes);
    srv->runtimes = NULL;
  }

  lws_set_log_level(LLL_ERR | LLL_WARN, http__lws_log);
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  void *foreign_loops[1] = {loop};
  info.foreign_loops = foreign_loops;
  info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
                 LWS_SERVER_OPTION_DISABLE_IPV6;
  info.max_http_header_data = 8192;
  info.max_http_header_pool = 256;
  info.timeout_secs = 30;
  info.keepalive_timeout = 60;
  info.count_threads = 1;
  struct lws_context *ctx = lws_create_context(&info);
  if (!ctx) {
    snprintf(err, errsz, "cannot create the libwebsockets context");
    http_server_free(srv);
    return PP_EIO;
  }
  srv->context = ctx;

  memset(&info, 0, sizeof info);
  info.port = deps->cfg->port;
  info.iface = deps->cfg->host;
  info.protocols = http_protocols;
  info.vhost_name = "app";
  info.user = srv;
  info.options = LWS_SERVER_OPTION_DISABLE_IPV6;
  info.keepalive_timeout = 60;
  info.timeout_secs = 30;
  struct lws_vhost *vh = lws_create_vhost(ctx, &info);
  if (!vh) {
    snprintf(err, errsz, "cannot listen on %s:%d (address in use?)",
             deps->cfg->host, deps->cfg->port);
    http_server_free(srv);
    return PP_EIO;
  }
  srv->vhost = vh;
  srv->port = lws_get_vhost_listen_port(vh);

  if (deps->cfg->runner_port) {
    info.port = deps->cfg->runner_port;
    info.vhost_name = "runner";
    struct lws_vhost *rvh = lws_create_vhost(ctx, &info);
    if (!rvh) {
      snprintf(err, errsz,
               "cannot listen on %s:%d for the runner origin (address in "
               "use? --runner-port 0 turns it off)",
               deps->cfg->host, deps->cfg->runner_port);
      http_server_free(srv);
      return PP_EIO;
    }
    srv->runner_vhost = rvh;
    srv->runner_port = lws_get_vhost_listen_port(rvh);
  }
  *out = srv;
  return 0;
}

int http_server_port(const http_server_t *srv) { return srv->port; }

int http_server_runner_port(const http_server_t *srv) {
  return srv->runner_port;
}

void http_server_free(http_server_t *srv) {
  if (!srv)
    return;
  /* Stopped first: connections closing below must not be flushed. */
  if (srv->flush_prepare)
    uv_close((uv_handle_t *)srv->flush_prepare, http__free_handle);
  if (srv->flush_check)
    uv_close((uv_handle_t *)srv->flush_check, http__free_handle);
  srv->dirty = NULL;
  if (srv->context)
    lws_context_destroy(srv->context);

  http_cors_free(srv->cors);
  json_decref(srv->runtimes);
  free(srv->docs_html);
  free(srv);
}
