#define _POSIX_C_SOURCE 200809L
#include "http/session_request.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/languages.h"
#include "util/error.h"
#include "util/utf8.h"

static int req__fail(http_request_error_t *err, int status, const char *code,
                     const char *field, const char *message) {
  err->status = status;
  err->code = code;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  snprintf(err->message, sizeof err->message, "%s", message);
  return PP_EINVAL;
}

static int req__invalid(http_request_error_t *err, const char *field,
                        const char *message) {
  return req__fail(err, 422, "invalid_field", field, message);
}

static char *req__dup(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

static int req__title(json_t *v, collab_session_fields_t *out,
                      http_request_error_t *err) {
  if (!json_is_string(v))
    return req__invalid(err, "title", "title must be a string");
  pp_bytes_t s = pp_bytes(json_string_value(v), json_string_length(v));
  long chars = pp_utf8_count(s);
  if (chars < 0 || chars > COLLAB_TITLE_MAX_CHARS)
    return req__invalid(err, "title",
                        "title must be at most 200 characters long");
  if (pp_utf8_has_control(s))
    return req__invalid(err, "title",
                        "title must not contain control characters");
  if (!(out->title = req__dup(s.ptr, s.len)))
    return PP_ENOMEM;
  out->has_title = true;
  return 0;
}

static int req__language(json_t *v, collab_session_fields_t *out,
                         http_request_error_t *err) {
  if (!json_is_string(v))
    return req__invalid(err, "language", "language must be a string");
  pp_bytes_t s = pp_bytes(json_string_value(v), json_string_length(v));
  const collab_language_t *lang = collab_language_find(s);
  if (!lang)
    return req__invalid(err, "language",
                        "unknown language; see GET /api/languages");
  snprintf(out->language, sizeof out->language, "%s", lang->id);
  out->has_language = true;
  return 0;
}

static int req__password(json_t *v, http_session_request_kind_t kind,
                         collab_session_fields_t *out,
                         http_request_error_t *err) {
  if (json_is_null(v) && kind == HTTP_SESSION_UPDATE) {
    out->has_password = true;
    out->password = NULL;
    return 0;
  }
  if (!json_is_string(v))
    return req__invalid(err, "password",
                        kind == HTTP_SESSION_UPDATE
                            ? "password must be a string, or null to remove it"
                            : "password must be a string");
  pp_bytes_t s = pp_bytes(json_string_value(v), json_string_length(v));
  long chars = pp_utf8_count(s);
  if (chars < 1 || chars > COLLAB_PASSWORD_MAX_CHARS)
    return req__invalid(err, "password",
                        "password must be 1 to 128 characters long");
  if (!(out->password = req__dup(s.ptr, s.len)))
    return PP_ENOMEM;
  out->password_len = s.len;
  out->has_password = true;
  return 0;
}

static int req__ttl(json_t *v, collab_session_fields_t *out,
                    http_request_error_t *err) {
  if (!json_is_integer(v))
    return req__invalid(err, "ttl_seconds", "ttl_seconds must be an integer");
  json_int_t t = json_integer_value(v);
  if (t < COLLAB_TTL_MIN_S || t > COLLAB_TTL_MAX_S)
    return req__invalid(err, "ttl_seconds",
                        "ttl_seconds must be between 60 and 2592000 (30 days)");
  out->ttl_seconds = (int64_t)t;
  out->has_ttl = true;
  return 0;
}

static int req__is_active(json_t *v, collab_session_fields_t *out,
                          http_request_error_t *err) {
  if (!json_is_boolean(v))
    return req__invalid(err, "is_active", "is_active must be true or false");
  out->is_active = json_is_true(v);
  out->has_is_active = true;
  return 0;
}

static int req__run_timeout(json_t *v, collab_session_fields_t *out,
                            http_request_error_t *err) {
  json_int_t t = json_is_integer(v) ? json_integer_value(v) : 0;
  if (!json_is_integer(v) || t < COLLAB_RUN_TIMEOUT_MIN_S ||
      t > COLLAB_RUN_TIMEOUT_MAX_S)
    return req__invalid(
        err, "run_timeout_seconds",
        "run_timeout_seconds must be an integer between 1 and 300");
  out->run_timeout_seconds = (int)t;
  out->has_run_timeout = true;
  return 0;
}

/* run_settings: {c_flags?, cpp_flags?, sql_setup?}, all strings; stored as
 * compact JSON with sorted keys. The whole object replaces the old one. */
static int req__run_settings(json_t *v, collab_session_fields_t *out,
                             http_request_error_t *err) {
  static const char field[] = "run_settings";
  if (!json_is_object(v))
    return req__invalid(err, field, "run_settings must be an object");
  const char *key;
  json_t *value;
  json_object_foreach(v, key, value) {
    bool flags = strcmp(key, "c_flags") == 0 || strcmp(key, "cpp_flags") == 0;
    if (!flags && strcmp(key, "sql_setup") != 0)
      return req__invalid(
          err, field, "run_settings takes c_flags, cpp_flags and sql_setup");
    if (!json_is_string(value))
      return req__invalid(err, field, "run_settings values must be strings");
    pp_bytes_t s =
        pp_bytes(json_string_value(value), json_string_length(value));
    if (flags && (pp_utf8_count(s) > COLLAB_RUN_FLAGS_MAX_CHARS ||
                  pp_utf8_has_control(s)))
      return req__invalid(err, field,
                          "compiler flags must be one line of at most 500 "
                          "characters");
    if (!flags &&
        (s.len > COLLAB_RUN_SETUP_MAX_BYTES || memchr(s.ptr, 0, s.len)))
      return req__invalid(err, field,
                          "sql_setup must be at most 32 KiB of text");
  }
  out->run_settings = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
  if (!out->run_settings)
    return PP_ENOMEM;
  out->has_run_settings = true;
  return 0;
}

static int req__field(const char *key, json_t *v,
                      http_session_request_kind_t kind,
                      collab_session_fields_t *out, http_request_error_t *err) {
  if (strcmp(key, "title") == 0)
    return req__title(v, out, err);
  if (strcmp(key, "language") == 0)
    return req__language(v, out, err);
  if (strcmp(key, "password") == 0)
    return req__password(v, kind, out, err);
  if (strcmp(key, "ttl_seconds") == 0)
    return req__ttl(v, out, err);
  if (strcmp(key, "is_active") == 0 && kind == HTTP_SESSION_UPDATE)
    return req__is_active(v, out, err);
  if (strcmp(key, "run_timeout_seconds") == 0)
    return req__run_timeout(v, out, err);
  if (strcmp(key, "run_settings") == 0)
    return req__run_settings(v, out, err);
  char field[64], msg[128];
  /* Keys are valid UTF-8 (jansson checks); cut long ones for the reply. */
  snprintf(field, sizeof field, "%.48s", key);
  snprintf(msg, sizeof msg, "unknown field '%s'", field);
  return req__fail(err, 422, "unknown_field", field, msg);
}

/* jansson refuses numbers beyond int64/double as a decode error, but such a
 * body is valid JSON with an out-of-range value: find the key the number
 * belongs to (the last "key": before the error position) to name it. */
static int req__number_overflow(pp_bytes_t body, size_t pos,
                                http_session_request_kind_t kind,
                                http_request_error_t *err) {
  if (pos > body.len)
    pos = body.len;
  size_t i = pos;
  while (i > 0 && body.ptr[i - 1] != ':')
    i--;
  if (i == 0)
    return req__fail(err, 422, "invalid_field", NULL,
                     "a number is out of range");
  i--; /* at ':' */
  while (i > 0 && (body.ptr[i - 1] == ' ' || body.ptr[i - 1] == '\t' ||
                   body.ptr[i - 1] == '\r' || body.ptr[i - 1] == '\n'))
    i--;
  size_t end = i;
  if (end == 0 || body.ptr[end - 1] != '"')
    return req__fail(err, 422, "invalid_field", NULL,
                     "a number is out of range");
  size_t start = end - 1;
  while (start > 0 && body.ptr[start - 1] != '"')
    start--;
  char key[64];
  size_t n = end - 1 - start;
  snprintf(key, sizeof key, "%.*s", (int)(n < 48 ? n : 48), body.ptr + start);
  static const char *const known[] = {"title",     "language",
                                      "password",  "ttl_seconds",
                                      "is_active", "run_timeout_seconds"};
  for (size_t k = 0; k < sizeof known / sizeof known[0]; k++) {
    if (strcmp(key, known[k]) == 0 && (k != 4 || kind == HTTP_SESSION_UPDATE)) {
      char msg[128];
      snprintf(msg, sizeof msg, "%s is out of range", key);
      return req__fail(err, 422, "invalid_field", key, msg);
    }
  }
  char msg[128];
  snprintf(msg, sizeof msg, "unknown field '%s'", key);
  return req__fail(err, 422, "unknown_field", key, msg);
}

int http_session_request_parse(pp_bytes_t body,
                               http_session_request_kind_t kind,
                               collab_session_fields_t *out,
                               http_request_error_t *err) {
  memset(out, 0, sizeof *out);
  memset(err, 0, sizeof *err);
  size_t i = 0;
  while (i < body.len && (body.ptr[i] == ' ' || body.ptr[i] == '\t' ||
                          body.ptr[i] == '\r' || body.ptr[i] == '\n'))
    i++;
  if (i == body.len)
    return 0;
  json_error_t jerr;
  json_t *root = json_loadb(body.ptr, body.len,
                            JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
  if (!root && json_error_code(&jerr) == json_error_numeric_overflow)
    return req__number_overflow(body, jerr.position, kind, err);
  if (!root) {
    char msg[200];
    snprintf(msg, sizeof msg, "malformed JSON at line %d column %d: %.120s",
             jerr.line, jerr.column, jerr.text);
    return req__fail(err, 400, "malformed_json", NULL, msg);
  }
  int rc = 0;
  if (!json_is_object(root)) {
    rc = req__fail(err, 422, "invalid_body", NULL,
                   "the request body must be a JSON object");
  } else {
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
      if ((rc = req__field(key, v, kind, out, err)))
        break;
    }
  }
  json_decref(root);
  if (rc) {
    collab_session_fields_clear(out);
    if (rc == PP_ENOMEM)
      return PP_ENOMEM;
    return PP_EINVAL;
  }
  return 0;
}
