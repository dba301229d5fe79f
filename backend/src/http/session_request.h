/* Parses and validates the JSON body of POST/PATCH /api/sessions into
 * collab_session_fields_t. Bounded: bodies over HTTP_BODY_MAX are refused by
 * the server before they get here, and jansson limits nesting depth. */
#ifndef PP_HTTP_SESSION_REQUEST_H
#define PP_HTTP_SESSION_REQUEST_H

#include "collab/session_fields.h"
#include "util/bytes.h"

typedef enum {
  HTTP_SESSION_CREATE, /* POST: title, language, password, ttl_seconds */
  HTTP_SESSION_UPDATE  /* PATCH: also is_active; password may be null */
} http_session_request_kind_t;

typedef struct {
  int status;        /* HTTP status: 400 or 422 */
  const char *code;  /* static: malformed_json, invalid_body, unknown_field,
                        invalid_field */
  char field[64];    /* offending field name, "" when none */
  char message[256]; /* human-readable */
} http_request_error_t;

/* Returns 0 with *out filled (caller clears it with
 * collab_session_fields_clear), or PP_EINVAL with *err filled and *out
 * zeroed. An empty body counts as {}. */
int http_session_request_parse(pp_bytes_t body,
                               http_session_request_kind_t kind,
                               collab_session_fields_t *out,
                               http_request_error_t *err);

#endif
