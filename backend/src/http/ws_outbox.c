#include "http/ws_outbox.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define WS_OPCODE_TEXT 0x1
#define WS_OPCODE_BINARY 0x2
#define WS_FIN 0x80

size_t http_ws_frame_header(unsigned char out[10], bool binary, size_t n) {
  out[0] = WS_FIN | (binary ? WS_OPCODE_BINARY : WS_OPCODE_TEXT);
  if (n < 126) {
    out[1] = (unsigned char)n;
    return 2;
  }
  if (n <= 0xffff) {
    out[1] = 126;
    out[2] = (unsigned char)(n >> 8);
    out[3] = (unsigned char)n;
    return 4;
  }
  out[1] = 127;
  uint64_t v = (uint64_t)n;
  for (int i = 0; i < 8; i++)
    out[2 + i] = (unsigned char)(v >> (8 * (7 - i)));
  return 10;
}

void http_ws_outbox_init(http_ws_outbox_t *o, size_t headroom, size_t max) {
  memset(o, 0, sizeof *o);
  o->headroom = headroom;
  o->max = max;
}

size_t http_ws_outbox_pending(const http_ws_outbox_t *o) {
  return o->len - o->head;
}

/* Makes room for `extra` more bytes: slides the pending bytes to the front
 * when that suffices, else grows the buffer. */
static int outbox__reserve(http_ws_outbox_t *o, size_t extra) {
  size_t pending = o->len - o->head;
  if (o->len + extra <= o->cap)
    return 0;
  if (pending + extra <= o->cap && o->head >= o->cap / 2) {
    memmove(o->mem + o->headroom, o->mem + o->headroom + o->head, pending);
    o->head = 0;
    o->len = pending;
    return 0;
  }
  size_t cap = o->cap ? o->cap : 256;
  while (cap < pending + extra)
    cap *= 2;
  unsigned char *mem = malloc(o->headroom + cap);
  if (!mem)
    return PP_ENOMEM;
  if (pending)
    memcpy(mem + o->headroom, o->mem + o->headroom + o->head, pending);
  free(o->mem);
  o->mem = mem;
  o->cap = cap;
  o->head = 0;
  o->len = pending;
  return 0;
}

int http_ws_outbox_frame(http_ws_outbox_t *o, bool binary, pp_bytes_t head,
                         pp_bytes_t body) {
  if (head.len > o->max || body.len > o->max - head.len)
    return PP_ETOOLARGE;
  size_t n = head.len + body.len;
  unsigned char header[10];
  size_t hlen = http_ws_frame_header(header, binary, n);
  size_t pending = o->len - o->head;
  if (hlen + n > o->max - pending)
    return PP_ETOOLARGE;
  int rc = outbox__reserve(o, hlen + n);
  if (rc)
    return rc;
  unsigned char *end = o->mem + o->headroom + o->len;
  memcpy(end, header, hlen);
  if (head.len)
    memcpy(end + hlen, head.ptr, head.len);
  if (body.len)
    memcpy(end + hlen + head.len, body.ptr, body.len);
  o->len += hlen + n;
  return 0;
}

unsigned char *http_ws_outbox_peek(http_ws_outbox_t *o, size_t *n) {
  *n = o->len - o->head;
  return *n ? o->mem + o->headroom + o->head : NULL;
}

void http_ws_outbox_consume(http_ws_outbox_t *o, size_t n) {
  size_t pending = o->len - o->head;
  o->head += n < pending ? n : pending;
  if (o->head < o->len)
    return;
  o->head = o->len = 0;
  if (o->cap > HTTP_WS_OUTBOX_KEEP) {
    free(o->mem);
    o->mem = NULL;
    o->cap = 0;
  }
}

void http_ws_outbox_free(http_ws_outbox_t *o) {
  free(o->mem);
  o->mem = NULL;
  o->cap = o->head = o->len = 0;
}
