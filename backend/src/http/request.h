/* One HTTP request as the API handlers see it: parsed method, route, the few
 * headers Pairpad reads, the body, and the reply functions. The transport
 * (lws) stays in server.c. */
#ifndef PP_HTTP_REQUEST_H
#define PP_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/router.h"
#include "util/buf.h"

#define HTTP_BODY_MAX (64 * 1024) /* REST bodies; Engine.IO uses its own */
#define HTTP_MAX_EXTRA_HEADERS 8

typedef struct http_server http_server_t;
typedef struct http_request http_request_t;

typedef struct {
  char name[40]; /* lower-case, with trailing ':' as lws wants */
  char value[256];
} http_header_t;

struct http_request {
  http_server_t *srv;
  void *wsi; /* struct lws *; NULL once the client has gone */
  char id[17];
  http_method_t method;
  char target[HTTP_PATH_MAX]; /* path + query as received */
  http_route_t route;         /* borrows from target */
  int64_t start_us;
  char addr[64];

  /* Headers Pairpad reads; *_len == -1 when absent, -2 when too long. */
  char host[256];
  int host_len;
  char origin[256];
  int origin_len;
  char authorization[320];
  int authorization_len;
  char password[600];
  int password_len;
  char content_type[128];
  int content_type_len;
  long long content_length; /* -1 when absent */

  pp_buf_t body;
  bool body_too_large;

  bool in_flight; /* an async operation holds this request */
  /* Called instead of orphaning when the client leaves while in_flight; the
   * request is freed right after it returns. */
  void (*on_abort)(http_request_t *req);
  struct http_mount *mount; /* realtime requests: the Engine.IO mount */
  char eio_sid[33];
  bool replied;
  int status;
  const char *content_type_out; /* static */
  const char *csp;              /* static, or csp_buf */
  char csp_buf[768];            /* a CSP naming the other origin */
  bool runner;                  /* arrived on the runner origin */
  char *resp_body;              /* owned */
  size_t resp_len;
  http_header_t extra[HTTP_MAX_EXTRA_HEADERS];
  int n_extra;
  bool close_after;
};

/* Replies (exactly once per request). Each queues the response and asks lws
 * for a writeable callback; safe to call from any loop-thread callback. */
void http_reply(http_request_t *req, int status, const char *content_type,
                const char *body, size_t len);
/* Takes ownership of body (malloc'ed). */
void http_reply_owned(http_request_t *req, int status, const char *content_type,
                      char *body, size_t len);
/* Serialises and decrefs json. */
void http_reply_json(http_request_t *req, int status, json_t *json);
void http_reply_error(http_request_t *req, int status, const char *code,
                      const char *message, const char *field);
void http_reply_no_content(http_request_t *req, int status);
/* Adds a response header (name without colon); ignored when the table is
 * full. Call before the reply. */
void http_add_header(http_request_t *req, const char *name, const char *value);

/* The async operation started on req finished: returns false when the client
 * went away meanwhile (the request is then freed and must not be touched). */
bool http_request_resume(http_request_t *req);

#endif
