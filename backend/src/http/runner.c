/* The runner origin: the static runner page and language runtimes that
 * execute user code in the browser. It serves files only (no API, no
 * realtime), and its CSP keeps user code off the network and lets only the
 * app frame it. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "http/internal.h"
#include "http/origins.h"
#include "http/static_files.h"

/* 'unsafe-eval': Pyodide evaluates EM_ASM snippets of its shared libraries.
 * Harmless here: the origin holds nothing and connect-src keeps it offline. */
#define RUNNER_CSP_FMT                                                         \
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval' "    \
  "blob:; worker-src 'self' blob:; connect-src 'self'; style-src 'self' "      \
  "'unsafe-inline'; img-src 'self' data:; font-src 'self'; frame-ancestors "   \
  "%s; base-uri 'none'; form-action 'none'"

static const char NOT_BUILT_HTML[] =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Pairpad runner</title></head><body><p>The code runner has not "
    "been built into <code>--runner-dir</code>.</p></body></html>";

static const char *runner__csp(http_request_t *req) {
  char app[HTTP_ORIGIN_MAX];
  const http_server_t *srv = req->srv;
  if (!http_listener_origin(
          srv->deps.cfg->public_url,
          pp_bytes(req->host, req->host_len > 0 ? (size_t)req->host_len : 0),
          srv->port, app, sizeof app))
    snprintf(app, sizeof app, "'none'");
  snprintf(req->csp_buf, sizeof req->csp_buf, RUNNER_CSP_FMT, app);
  return req->csp = req->csp_buf;
}

/* The runner build's convention: apart from the page and the runtime
 * manifest, every file lives under a hashed (/assets/) or versioned
 * (/<runtime>/<version>/) path, so it can be cached for good. */
static bool runner__immutable(pp_bytes_t path) {
  return !pp_bytes_eq(path, "/") && !pp_bytes_eq(path, "/index.html") &&
         !pp_bytes_eq(path, "/runtimes.json");
}

int http__runner_serve(http_request_t *req) {
  runner__csp(req);
  if (req->method != HTTP_METHOD_GET && req->method != HTTP_METHOD_HEAD) {
    http_add_header(req, "Allow", "GET, HEAD");
    http_reply_error(req, 405, "method_not_allowed",
                     "the runner origin serves static files only", NULL);
    return 0;
  }
  http_static_file_t f;
  http_static_result_t r =
      http_static_resolve(req->srv->deps.cfg->runner_dir, req->route.path, &f);
  bool is_index = pp_bytes_eq(req->route.path, "/") ||
                  pp_bytes_eq(req->route.path, "/index.html");
  if (r == HTTP_STATIC_FORBIDDEN || r == HTTP_STATIC_MISSING ||
      (r == HTTP_STATIC_APP && !is_index)) {
    http_reply_error(req, 404, "not_found", "no such file", NULL);
    return 0;
  }
  if (r == HTTP_STATIC_APP && !f.file[0]) {
    http_reply(req, 503, "text/html; charset=utf-8", NOT_BUILT_HTML,
               sizeof NOT_BUILT_HTML - 1);
    return 0;
  }
  /* The page is embedded by the app (another origin); runtime files are
   * fetched by the runner itself. */
  bool document = strncmp(f.mime, "text/html", 9) == 0;
  http_file_headers_t h = {runner__immutable(req->route.path),
                           document ? "cross-origin" : "same-origin",
                           runner__csp(req)};
  return http__serve_file(req, &f, &h);
}
