#include <stdint.h>

#include "http/ws_outbox.h"
#include "test.h"
#include "util/error.h"

#define PRE 16

/* One frame whose payload is p[0..n). */
static int frame(http_ws_outbox_t *o, bool binary, const char *p, size_t n) {
  return http_ws_outbox_frame(o, binary, pp_bytes("", 0), pp_bytes(p, n));
}

void test_ws_frame_header_lengths(void) {
  unsigned char h[10];
  CHECK_INT(http_ws_frame_header(h, false, 0), 2);
  CHECK_INT(h[0], 0x81);
  CHECK_INT(h[1], 0);
  CHECK_INT(http_ws_frame_header(h, true, 125), 2);
  CHECK_INT(h[0], 0x82);
  CHECK_INT(h[1], 125);
  CHECK_INT(http_ws_frame_header(h, false, 126), 4);
  CHECK_INT(h[1], 126);
  CHECK_INT(h[2], 0);
  CHECK_INT(h[3], 126);
  CHECK_INT(http_ws_frame_header(h, false, 65535), 4);
  CHECK_INT(h[2], 0xff);
  CHECK_INT(h[3], 0xff);
  CHECK_INT(http_ws_frame_header(h, true, 65536), 10);
  CHECK_INT(h[1], 127);
  static const unsigned char len64[8] = {0, 0, 0, 0, 0, 1, 0, 0};
  CHECK(memcmp(h + 2, len64, 8) == 0);
}

void test_ws_outbox_joins_frames_in_order(void) {
  http_ws_outbox_t o;
  http_ws_outbox_init(&o, PRE, 1024);
  CHECK_INT(frame(&o, false, "451-[\"a\"]", 9), 0);
  CHECK_INT(frame(&o, true, "\x01\x02", 2), 0);
  size_t n;
  unsigned char *p = http_ws_outbox_peek(&o, &n);
  static const unsigned char want[] = {0x81, 9,   '4', '5',  '1', '-', '[', '"',
                                       'a',  '"', ']', 0x82, 2,   1,   2};
  CHECK_INT(n, sizeof want);
  CHECK(memcmp(p, want, sizeof want) == 0);
  http_ws_outbox_free(&o);
}

void test_ws_outbox_keeps_headroom_before_pending_bytes(void) {
  http_ws_outbox_t o;
  http_ws_outbox_init(&o, PRE, 1 << 20);
  char payload[300];
  memset(payload, 'x', sizeof payload);
  for (int i = 0; i < 20; i++) {
    CHECK_INT(frame(&o, false, payload, sizeof payload), 0);
    size_t n;
    unsigned char *p = http_ws_outbox_peek(&o, &n);
    CHECK(p - o.mem >= PRE);
    http_ws_outbox_consume(&o, 100); /* a partial write */
  }
  http_ws_outbox_free(&o);
}

void test_ws_outbox_partial_consume_then_drain(void) {
  http_ws_outbox_t o;
  http_ws_outbox_init(&o, PRE, 1024);
  CHECK_INT(frame(&o, false, "hello", 5), 0); /* 7 bytes */
  http_ws_outbox_consume(&o, 3);
  size_t n;
  unsigned char *p = http_ws_outbox_peek(&o, &n);
  CHECK_INT(n, 4);
  CHECK(memcmp(p, "ello", 4) == 0);
  http_ws_outbox_consume(&o, 4);
  CHECK_INT(http_ws_outbox_pending(&o), 0);
  CHECK(http_ws_outbox_peek(&o, &n) == NULL);
  CHECK_INT(n, 0);
  http_ws_outbox_free(&o);
}

void test_ws_outbox_refuses_beyond_max_unchanged(void) {
  http_ws_outbox_t o;
  http_ws_outbox_init(&o, PRE, 64);
  char payload[60];
  memset(payload, 'y', sizeof payload);
  CHECK_INT(frame(&o, true, payload, 60), 0); /* 62 bytes */
  CHECK_INT(frame(&o, true, "ab", 2), PP_ETOOLARGE);
  CHECK_INT(http_ws_outbox_pending(&o), 62);
  CHECK_INT(frame(&o, true, payload, SIZE_MAX), PP_ETOOLARGE);
  CHECK_INT(http_ws_outbox_frame(&o, true, pp_bytes(payload, SIZE_MAX),
                                 pp_bytes(payload, SIZE_MAX)),
            PP_ETOOLARGE);
  CHECK_INT(http_ws_outbox_pending(&o), 62);
  http_ws_outbox_free(&o);
}

void test_ws_outbox_returns_large_buffers_when_drained(void) {
  http_ws_outbox_t o;
  http_ws_outbox_init(&o, PRE, 1 << 20);
  char big[4096];
  memset(big, 'z', sizeof big);
  CHECK_INT(frame(&o, false, big, sizeof big), 0);
  CHECK(o.cap > HTTP_WS_OUTBOX_KEEP);
  http_ws_outbox_consume(&o, http_ws_outbox_pending(&o));
  CHECK(o.mem == NULL);
  CHECK_INT(o.cap, 0);
  CHECK_INT(frame(&o, false, "a", 1), 0);
  http_ws_outbox_consume(&o, 3);
  CHECK(o.mem != NULL); /* small buffers are kept for the next message */
  CHECK(o.cap <= HTTP_WS_OUTBOX_KEEP);
  http_ws_outbox_free(&o);
}

void test_ws_outbox_frame_payload_is_head_then_body(void) {
  http_ws_outbox_t o;
  http_ws_outbox_init(&o, PRE, 1024);
  CHECK_INT(http_ws_outbox_frame(&o, false, pp_bytes("4", 1),
                                 pp_bytes("2[\"x\"]", 6)),
            0);
  size_t n;
  unsigned char *p = http_ws_outbox_peek(&o, &n);
  static const unsigned char want[] = {0x81, 7,   '4', '2', '[',
                                       '"',  'x', '"', ']'};
  CHECK_INT(n, sizeof want);
  CHECK(memcmp(p, want, sizeof want) == 0);
  http_ws_outbox_free(&o);
}
