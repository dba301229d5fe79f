/* Fuzzes Socket.IO packet decoding and checks that an accepted packet obeys
 * the rules of sio_packet.h and that encode -> decode gives the same packet,
 * whose encoding is again the same bytes. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "sio/sio_packet.h"
#include "util/error.h"

#define DEPTH 32

static void check_rules(const sio_packet_t *p) {
  bool bin = p->type == SIO_BINARY_EVENT || p->type == SIO_BINARY_ACK;
  assert(p->nsp[0] == '/' && strlen(p->nsp) <= SIO_NSP_MAX);
  assert(p->ack_id >= -1 && p->ack_id <= SIO_ACK_ID_MAX);
  assert(bin ? p->attachments >= 1 && p->attachments <= SIO_MAX_ATTACHMENTS
             : p->attachments == 0);
  assert(p->data || p->type == SIO_CONNECT || p->type == SIO_DISCONNECT);
  assert(!p->data || p->type != SIO_DISCONNECT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sio_packet_t p, q;
  int rc = sio_packet_decode(pp_bytes((const char *)data, size), DEPTH, &p);
  if (rc != 0) {
    assert(rc == PP_EINVAL && !p.data && p.ack_id == -1 && !p.attachments);
    return 0;
  }
  check_rules(&p);
  pp_buf_t a, b;
  pp_buf_init(&a, 1 << 20);
  pp_buf_init(&b, 1 << 20);
  assert(sio_packet_encode(&p, &a) == 0);
  assert(sio_packet_decode(pp_bytes(a.data, a.len), DEPTH, &q) == 0);
  assert(q.type == p.type && q.ack_id == p.ack_id &&
         q.attachments == p.attachments && strcmp(q.nsp, p.nsp) == 0);
  assert(p.data ? json_equal(p.data, q.data) : !q.data);
  assert(sio_packet_encode(&q, &b) == 0);
  assert(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
  pp_buf_free(&a);
  pp_buf_free(&b);
  sio_packet_clear(&p);
  sio_packet_clear(&q);
  return 0;
}
