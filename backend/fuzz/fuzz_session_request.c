/* Fuzzes the JSON body parser of POST/PATCH /api/sessions and checks that
 * whatever it accepts satisfies the field rules of docs/API.md. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "collab/languages.h"
#include "http/session_request.h"
#include "util/error.h"
#include "util/utf8.h"

static void check_fields(const collab_session_fields_t *f,
                         http_session_request_kind_t kind) {
  if (f->has_title) {
    pp_bytes_t t = pp_bytes_str(f->title);
    long n = pp_utf8_count(t);
    assert(n >= 0 && n <= COLLAB_TITLE_MAX_CHARS);
    assert(!pp_utf8_has_control(t));
  }
  if (f->has_language)
    assert(collab_language_find(pp_bytes_str(f->language)) != NULL);
  if (f->has_password && f->password) {
    long n = pp_utf8_count(pp_bytes(f->password, f->password_len));
    assert(n >= 1 && n <= COLLAB_PASSWORD_MAX_CHARS);
  }
  if (f->has_password && !f->password)
    assert(kind == HTTP_SESSION_UPDATE);
  if (f->has_ttl)
    assert(f->ttl_seconds >= COLLAB_TTL_MIN_S &&
           f->ttl_seconds <= COLLAB_TTL_MAX_S);
  if (f->has_is_active)
    assert(kind == HTTP_SESSION_UPDATE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const http_session_request_kind_t kinds[] = {HTTP_SESSION_CREATE,
                                                      HTTP_SESSION_UPDATE};
  for (size_t k = 0; k < 2; k++) {
    collab_session_fields_t f;
    http_request_error_t err;
    int rc = http_session_request_parse(pp_bytes((const char *)data, size),
                                        kinds[k], &f, &err);
    if (rc == 0) {
      check_fields(&f, kinds[k]);
      collab_session_fields_clear(&f);
    } else {
      assert(rc == PP_EINVAL || rc == PP_ENOMEM);
      if (rc == PP_EINVAL) {
        assert(err.status == 400 || err.status == 422);
        assert(err.code != NULL && err.message[0] != '\0');
      }
    }
  }
  return 0;
}
