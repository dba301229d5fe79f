/* Fuzzes request-target routing and checks the route borrows only from the
 * input and that a session route's id is one non-empty segment. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *in = (const char *)data;
  http_route_t r;
  http_route_match(pp_bytes(in, size), &r);
  assert(r.path.ptr == in || size == 0);
  assert(r.path.len <= size);
  assert(r.query.len == 0 || r.path.len + 1 + r.query.len == size);
  assert(!memchr(r.path.ptr ? r.path.ptr : in, '?', r.path.len));
  if (r.id == HTTP_ROUTE_SESSION) {
    assert(r.param.len > 0);
    assert(r.param.ptr >= in && r.param.ptr + r.param.len <= in + size);
    assert(!memchr(r.param.ptr, '/', r.param.len));
  } else if (r.id == HTTP_ROUTE_REALTIME) {
    assert(r.param.len == 9 && r.param.ptr == in + 1);
  } else {
    assert(r.param.len == 0);
  }
  if (r.id != HTTP_ROUTE_STATIC && r.id != HTTP_ROUTE_REALTIME)
    assert(r.path.len >= 4 && memcmp(r.path.ptr, "/api", 4) == 0);
  char allow[96];
  http_methods_allow(r.allowed, allow, sizeof allow);
  return 0;
}
