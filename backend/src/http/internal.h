/* Shared between the files of http/ only. */
#ifndef PP_HTTP_INTERNAL_H
#define PP_HTTP_INTERNAL_H

#include <libwebsockets.h>
#include <uv.h>

#include "http/cors.h"
#include "http/realtime.h"
#include "http/request.h"
#include "http/server.h"
#include "http/static_files.h"

typedef struct http_ws http_ws_t;

struct http_server {
  http_deps_t deps;
  void *context; /* struct lws_context * */
  void *vhost;   /* struct lws_vhost * */
  int port;
  void *runner_vhost; /* struct lws_vhost *; NULL when --runner-port 0 */
  int runner_port;
  json_t *runtimes; /* runner_dir/runtimes.json: language -> {bytes}; NULL
                       when the runner has not been built */
  http_cors_t *cors;
  char *docs_html; /* owned, generated from the OpenAPI document */
  size_t docs_len;
  const char *openapi; /* embedded, static */
  size_t openapi_len;
  uint32_t id_prefix;
  uint64_t next_id;
  http_mount_t mounts[HTTP_MAX_MOUNTS];
  int n_mounts;
  http_ws_t *websockets; /* live WebSocket connections */
  http_ws_t *dirty;      /* WebSockets with bytes queued since the last flush */
  /* Flush the dirty outboxes once per loop turn: after the I/O callbacks
   * (check) and before the loop sleeps (prepare, for timer callbacks). */
  uv_prepare_t *flush_prepare;
  uv_check_t *flush_check;
};

/* realtime.c */
http_mount_t *http__rt_mount(http_server_t *srv, pp_bytes_t name);
void http__rt_polling(http_request_t *req);
int http__rt_ws_filter(http_server_t *srv, struct lws *wsi, http_ws_t **out);
void http__rt_ws_established(http_ws_t *ws);
int http__rt_ws_receive(http_ws_t *ws, const void *in, size_t len);
int http__rt_ws_writeable(http_ws_t *ws);
void http__rt_ws_closed(http_ws_t *ws);
/* Writes every outbox that got bytes since the last call. */
void http__rt_ws_flush_all(http_server_t *srv);

/* Routes an /api request to its handler (api.c). */
void http__api_dispatch(http_request_t *req);
/* Serves a front-end file or its fallback (server.c). Returns the lws
 * callback result. */
int http__static_serve(http_request_t *req);

/* How a static file is served: cacheable for good or revalidated, its
 * Cross-Origin-Resource-Policy (NULL: none) and Content-Security-Policy. */
typedef struct {
  bool immutable;
  const char *corp;
  const char *csp;
} http_file_headers_t;
/* Serves f (or its precompressed sibling the client accepts) with the
 * common headers and h (server.c). Returns the lws callback result. */
int http__serve_file(http_request_t *req, const http_static_file_t *f,
                     const http_file_headers_t *h);

/* The runner origin's static files (runner.c). Returns the lws callback
 * result. */
int http__runner_serve(http_request_t *req);
/* True when the app can embed a runner: served here or configured. */
bool http__runner_enabled(const http_server_t *srv);
/* Adds the headers every response carries (server.c). */
int http__common_headers(http_request_t *req, struct lws *wsi, const char *csp,
                         unsigned char **p, unsigned char *end);
/* Writes the CSP of an app page (framing only the runner) into req. */
const char *http__app_page_csp(http_request_t *req);

/* Content-Security-Policy values. */
#define HTTP_CSP_API                                                           \
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
#define HTTP_CSP_DOCS                                                          \
  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "    \
  "base-uri 'none'; form-action 'none'"

#endif
