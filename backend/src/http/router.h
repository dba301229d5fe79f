/* Maps a request path to a route. Pure function of bytes: fuzzed. */
#ifndef PP_HTTP_ROUTER_H
#define PP_HTTP_ROUTER_H

#include <stdbool.h>

#include "util/bytes.h"

typedef enum {
  HTTP_METHOD_OTHER = 0,
  HTTP_METHOD_GET = 1 << 0,
  HTTP_METHOD_HEAD = 1 << 1,
  HTTP_METHOD_POST = 1 << 2,
  HTTP_METHOD_PUT = 1 << 3,
  HTTP_METHOD_PATCH = 1 << 4,
  HTTP_METHOD_DELETE = 1 << 5,
  HTTP_METHOD_OPTIONS = 1 << 6
} http_method_t;

typedef enum {
  HTTP_ROUTE_STATIC,    /* everything outside /api: the front end */
  HTTP_ROUTE_NOT_FOUND, /* under /api but unknown */
  HTTP_ROUTE_HEALTH,
  HTTP_ROUTE_LANGUAGES,
  HTTP_ROUTE_CONFIG,
  HTTP_ROUTE_SESSIONS,
  HTTP_ROUTE_SESSION,      /* param = the id segment (not yet validated) */
  HTTP_ROUTE_SESSION_RUNS, /* .../{id}/runs; param = the id segment */
  HTTP_ROUTE_OPENAPI,
  HTTP_ROUTE_DOCS,
  HTTP_ROUTE_REALTIME /* /socket.io/ or /engine.io/: param = "socket.io" or
                         "engine.io" */
} http_route_id_t;

#define HTTP_PATH_MAX 2048

typedef struct {
  http_route_id_t id;
  pp_bytes_t param; /* borrowed from the path */
  unsigned allowed; /* http_method_t mask the route accepts */
  pp_bytes_t path;  /* the path without query string, borrowed */
  pp_bytes_t query; /* after '?', without it; len 0 when absent */
} http_route_t;

/* Splits off the query and matches the path. Never fails: unknown paths map
 * to HTTP_ROUTE_NOT_FOUND (under /api) or HTTP_ROUTE_STATIC. */
void http_route_match(pp_bytes_t target, http_route_t *out);
/* Writes "GET, POST" style text for an Allow header; returns out. */
const char *http_methods_allow(unsigned mask, char *out, size_t outsz);
const char *http_method_name(http_method_t m);

#endif
