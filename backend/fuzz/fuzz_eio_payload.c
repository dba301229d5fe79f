/* Fuzzes long-polling payload decoding and checks that an accepted payload
 * yields one packet per 0x1e-separated record (none empty), that a rejected
 * one delivers nothing, and that re-encoding the packets gives back the
 * input byte for byte (so it decodes to the same packets). */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "sio/eio_packet.h"
#include "util/error.h"

#define MAX_PACKETS 16

typedef struct {
  size_t n;
  pp_buf_t out;
} reencode_t;

static int reencode(void *ctx, const eio_packet_t *p) {
  reencode_t *r = ctx;
  r->n++;
  assert(p->binary ? p->type == EIO_MESSAGE : (unsigned)p->type <= EIO_NOOP);
  assert(p->binary || !memchr(p->data.ptr, EIO_SEPARATOR, p->data.len));
  size_t before = r->out.len;
  assert(eio_payload_append(&r->out, p->type, p->binary, p->data) == 0);
  assert(r->out.len > before + (before > 0)); /* a non-empty record */
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pp_buf_t scratch;
  pp_buf_init(&scratch, 4096);
  reencode_t r = {0};
  pp_buf_init(&r.out, 2 * size + 16);
  int rc = eio_payload_decode(pp_bytes((const char *)data, size), MAX_PACKETS,
                              &scratch, reencode, &r);
  if (rc == 0) {
    size_t records = 1;
    for (size_t i = 0; i < size; i++)
      records += data[i] == EIO_SEPARATOR;
    assert(r.n == records && records <= MAX_PACKETS);
    assert(r.out.len == size && memcmp(r.out.data, data, size) == 0);
  } else {
    assert((rc == PP_EINVAL || rc == PP_ETOOLARGE) && r.n == 0);
  }
  pp_buf_free(&r.out);
  pp_buf_free(&scratch);
  return 0;
}
