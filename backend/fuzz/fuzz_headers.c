/* Fuzzes the header values the API interprets: bearer tokens, UTF-8 checks,
 * same-origin matching and static path resolution. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "auth/token.h"
#include "http/cors.h"
#include "http/static_files.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pp_bytes_t in = pp_bytes((const char *)data, size);
  pp_bytes_t tok;
  if (auth_bearer_token(in, &tok)) {
    assert(tok.len > 0 && tok.len <= AUTH_TOKEN_MAX_INPUT);
    assert(tok.ptr >= in.ptr && tok.ptr + tok.len <= in.ptr + in.len);
  }
  long n = pp_utf8_count(in);
  assert(n >= -1 && n <= (long)size);
  if (n >= 0)
    (void)pp_utf8_has_control(in);
  size_t half = size / 2;
  (void)http_cors_same_origin(pp_bytes(in.ptr, half),
                              pp_bytes(in.ptr + half, size - half));
  (void)http_accepts_encoding(in, "br");
  (void)http_accepts_encoding(in, "gzip");
  http_static_file_t f;
  http_static_result_t r = http_static_resolve("/nonexistent-root", in, &f);
  for (size_t i = 0; i + 1 < size; i++) {
    if (in.ptr[i] == '/' && in.ptr[i + 1] == '.')
      assert(r == HTTP_STATIC_FORBIDDEN);
  }
  return 0;
}
