#include <stdint.h>

#include "collab/awareness.h"
#include "test.h"
#include "test_support.h"
#include "util/error.h"

/* Builds an awareness update from (client, clock, state) triples. */
static void aw_build(pp_buf_t *b, size_t n, const uint64_t *ids,
                     const uint64_t *clocks, const char *const *states) {
  collab_awareness_entry_t e[8];
  for (size_t i = 0; i < n; i++) {
    e[i].client_id = ids[i];
    e[i].clock = clocks[i];
    e[i].state = pp_bytes_str(states[i]);
  }
  CHECK(collab_awareness_encode(e, n, b) == 0);
}

void test_varuint_vectors(void) {
  static const struct {
    const char *bytes;
    size_t len;
    int rc;
    uint64_t value;
  } v[] = {
      {LIT("\x00"), 0, 0},
      {LIT("\x7f"), 0, 127},
      {LIT("\x80\x01"), 0, 128},
      {LIT("\xff\xff\xff\xff\xff\xff\xff\x0f"), 0, (1ULL << 53) - 1},
      {LIT("\x80\x80\x80\x80\x80\x80\x80\x10"), PP_EINVAL, 0}, /* 2^53 */
      {LIT("\x80"), PP_EINVAL, 0},                             /* truncated */
      {LIT(""), PP_EINVAL, 0},
      {LIT("\xff\xff\xff\xff\xff\xff\xff\xff\x01"), PP_EINVAL, 0}, /* 9 bytes */
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("varuint vector %zu", i);
    size_t pos = 0;
    uint64_t out = 0;
    CHECK_INT(collab_varuint_read(pp_bytes(v[i].bytes, v[i].len), &pos, &out),
              v[i].rc);
    if (v[i].rc == 0) {
      CHECK(out == v[i].value);
      CHECK_INT(pos, v[i].len);
      pp_buf_t b;
      pp_buf_init(&b, 16);
      CHECK(collab_varuint_write(&b, out) == 0);
      CHECK_INT(b.len, v[i].len);
      CHECK(memcmp(b.data, v[i].bytes, b.len) == 0);
      pp_buf_free(&b);
    }
  }
}

void test_awareness_roundtrip(void) {
  pp_buf_t b;
  pp_buf_init(&b, 4096);
  const uint64_t ids[] = {42, 1ULL << 40};
  const uint64_t clocks[] = {3, 0};
  const char *const states[] = {"{\"cursor\":{\"anchor\":1}}", "null"};
  aw_build(&b, 2, ids, clocks, states);
  collab_awareness_entry_t e[4];
  size_t n = 0;
  CHECK_INT(collab_awareness_decode(pp_bytes(b.data, b.len), e, 4, &n), 0);
  CHECK_INT(n, 2);
  CHECK(e[0].client_id == 42 && e[0].clock == 3 && !e[0].removed);
  CHECK(pp_bytes_eq(e[0].state, "{\"cursor\":{\"anchor\":1}}"));
  CHECK(e[1].client_id == (1ULL << 40) && e[1].removed);
  pp_buf_free(&b);
}

void test_awareness_rejects_malformed(void) {
  static const struct {
    const char *bytes;
    size_t len;
  } bad[] = {
      {LIT("")},                         /* empty */
      {LIT("\x00")},                     /* zero entries */
      {LIT("\x01\x2a\x01\x05{}")},       /* state shorter than claimed */
      {LIT("\x01\x2a\x01\x02{}\x00")},   /* trailing byte */
      {LIT("\x02\x2a\x01\x02{}")},       /* second entry missing */
      {LIT("\x01\x2a\x01\x02\xff\xfe")}, /* invalid UTF-8 state */
      {LIT("\x11")},                     /* 17 entries > max */
      {LIT("\x01\x2a\x01\x80\x80\x02")}, /* state length 32768 > max */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    test_ctx("malformed awareness %zu", i);
    collab_awareness_entry_t e[COLLAB_AWARENESS_MAX_ENTRIES];
    size_t n = 99;
    CHECK_INT(collab_awareness_decode(pp_bytes(bad[i].bytes, bad[i].len), e,
                                      COLLAB_AWARENESS_MAX_ENTRIES, &n),
              PP_EINVAL);
  }
}
