/* Shared between the files of http/ only. */
#ifndef PP_HTTP_INTERNAL_H
#define PP_HTTP_INTERNAL_H

#include "http/cors.h"
#include "http/request.h"
#include "http/server.h"

struct http_server {
  http_deps_t deps;
  void *context; /* struct lws_context * */
  void *vhost;   /* struct lws_vhost * */
  int port;
  http_cors_t *cors;
  char *docs_html; /* owned, generated from the OpenAPI document */
  size_t docs_len;
  const char *openapi; /* embedded, static */
  size_t openapi_len;
  uint32_t id_prefix;
  uint64_t next_id;
};

/* Routes an /api request to its handler (api.c). */
void http__api_dispatch(http_request_t *req);
/* Serves a front-end file or its fallback (server.c). Returns the lws
 * callback result. */
int http__static_serve(http_request_t *req);

/* Content-Security-Policy values. */
#define HTTP_CSP_API                                                           \
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
#define HTTP_CSP_DOCS                                                          \
  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "    \
  "base-uri 'none'; form-action 'none'"

#endif
