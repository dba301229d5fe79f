#include "http/router.h"

#include <stdio.h>
#include <string.h>

static bool route__take(pp_bytes_t *rest, const char *prefix) {
  size_t n = strlen(prefix);
  if (rest->len < n || memcmp(rest->ptr, prefix, n) != 0)
    return false;
  rest->ptr += n;
  rest->len -= n;
  return true;
}

void http_route_match(pp_bytes_t target, http_route_t *out) {
  memset(out, 0, sizeof *out);
  const char *q = target.len ? memchr(target.ptr, '?', target.len) : NULL;
  pp_bytes_t path = target;
  if (q) {
    path.len = (size_t)(q - target.ptr);
    out->query = pp_bytes(q + 1, target.len - path.len - 1);
  }
  out->path = path;
  out->id = HTTP_ROUTE_STATIC;
  out->allowed = HTTP_METHOD_GET | HTTP_METHOD_HEAD;

  pp_bytes_t rest = path;
  static const char *const realtime[] = {"socket.io", "engine.io"};
  for (int i = 0; i < 2; i++) {
    pp_bytes_t r = path;
    if (route__take(&r, "/") && route__take(&r, realtime[i]) &&
        (r.len == 0 || pp_bytes_eq(r, "/"))) {
      out->id = HTTP_ROUTE_REALTIME;
      out->param = pp_bytes(path.ptr + 1, strlen(realtime[i]));
      out->allowed = HTTP_METHOD_GET | HTTP_METHOD_POST | HTTP_METHOD_OPTIONS;
      return;
    }
  }
  if (!route__take(&rest, "/api"))
    return;
  if (rest.len && rest.ptr[0] != '/')
    return; /* e.g. "/apix": not the API */
  out->id = HTTP_ROUTE_NOT_FOUND;
  out->allowed = 0;
  /* One trailing slash is forgiven: "/api/sessions/" == "/api/sessions". */
  if (rest.len > 1 && rest.ptr[rest.len - 1] == '/')
    rest.len--;
  if (pp_bytes_eq(rest, "/health")) {
    out->id = HTTP_ROUTE_HEALTH;
    out->allowed = HTTP_METHOD_GET;
  } else if (pp_bytes_eq(rest, "/languages")) {
    out->id = HTTP_ROUTE_LANGUAGES;
    out->allowed = HTTP_METHOD_GET;
  } else if (pp_bytes_eq(rest, "/config")) {
    out->id = HTTP_ROUTE_CONFIG;
    out->allowed = HTTP_METHOD_GET;
  } else if (pp_bytes_eq(rest, "/openapi.json")) {
    out->id = HTTP_ROUTE_OPENAPI;
    out->allowed = HTTP_METHOD_GET;
  } else if (pp_bytes_eq(rest, "/docs")) {
    out->id = HTTP_ROUTE_DOCS;
    out->allowed = HTTP_METHOD_GET;
  } else if (pp_bytes_eq(rest, "/sessions")) {
    out->id = HTTP_ROUTE_SESSIONS;
    out->allowed = HTTP_METHOD_POST;
  } else if (route__take(&rest, "/sessions/") && rest.len) {
    const char *slash = memchr(rest.ptr, '/', rest.len);
    if (!slash) {
      out->id = HTTP_ROUTE_SESSION;
      out->param = rest;
      out->allowed = HTTP_METHOD_GET | HTTP_METHOD_PATCH | HTTP_METHOD_DELETE;
    } else if (slash > rest.ptr &&
               pp_bytes_eq(
                   pp_bytes(slash, rest.len - (size_t)(slash - rest.ptr)),
                   "/runs")) {
      out->id = HTTP_ROUTE_SESSION_RUNS;
      out->param = pp_bytes(rest.ptr, (size_t)(slash - rest.ptr));
      out->allowed = HTTP_METHOD_GET;
    }
  }
}

const char *http_method_name(http_method_t m) {
  switch (m) {
  case HTTP_METHOD_GET:
    return "GET";
  case HTTP_METHOD_HEAD:
    return "HEAD";
  case HTTP_METHOD_POST:
    return "POST";
  case HTTP_METHOD_PUT:
    return "PUT";
  case HTTP_METHOD_PATCH:
    return "PATCH";
  case HTTP_METHOD_DELETE:
    return "DELETE";
  case HTTP_METHOD_OPTIONS:
    return "OPTIONS";
  default:
    return "OTHER";
  }
}

const char *http_methods_allow(unsigned mask, char *out, size_t outsz) {
  static const http_method_t order[] = {HTTP_METHOD_GET,    HTTP_METHOD_HEAD,
                                        HTTP_METHOD_POST,   HTTP_METHOD_PUT,
                                        HTTP_METHOD_PATCH,  HTTP_METHOD_DELETE,
                                        HTTP_METHOD_OPTIONS};
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    if (!(mask & order[i]))
      continue;
    int n = snprintf(out + o, outsz - o, "%s%s", o ? ", " : "",
                     http_method_name(order[i]));
    if (n < 0 || (size_t)n >= outsz - o)
      break;
    o += (size_t)n;
  }
  return out;
}
