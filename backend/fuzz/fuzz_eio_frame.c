/* Fuzzes Engine.IO WebSocket frame decoding and checks that a binary frame is
 * a binary message of the whole frame, that an accepted text frame borrows
 * its data from the frame, carries data only for MESSAGE/PING/PONG and
 * re-encodes to the same bytes (as a frame and as a one-record payload). */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "sio/eio_packet.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pp_bytes_t in = pp_bytes((const char *)data, size);
  eio_packet_t p;
  assert(eio_decode_frame(in, true, &p) == 0);
  assert(p.type == EIO_MESSAGE && p.binary && p.data.ptr == in.ptr &&
         p.data.len == size);
  int rc = eio_decode_frame(in, false, &p);
  if (rc != 0) {
    assert(rc == PP_EINVAL && p.data.len == 0);
    return 0;
  }
  assert(!p.binary && (unsigned)p.type <= EIO_NOOP);
  assert(p.data.ptr == in.ptr + 1 && p.data.len == size - 1);
  assert(p.data.len == 0 || p.type == EIO_MESSAGE || p.type == EIO_PING ||
         p.type == EIO_PONG);
  pp_buf_t out;
  pp_buf_init(&out, size);
  assert(eio_encode_frame(&out, p.type, p.data) == 0);
  assert(out.len == size && memcmp(out.data, data, size) == 0);
  pp_buf_reset(&out);
  rc = eio_payload_append(&out, p.type, false, p.data);
  if (memchr(p.data.ptr, EIO_SEPARATOR, p.data.len))
    assert(rc == PP_EINVAL && out.len == 0);
  else
    assert(rc == 0 && out.len == size && memcmp(out.data, data, size) == 0);
  pp_buf_free(&out);
  return 0;
}
