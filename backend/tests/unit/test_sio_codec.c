/* Vector tables for the Engine.IO v4 and Socket.IO v5 codecs. */
#include <sodium.h>

#include "sio/eio_packet.h"
#include "sio/sio_packet.h"
#include "test.h"
#include "test_support.h"
#include "util/buf.h"
#include "util/error.h"

#define DEPTH 32 /* max_depth used by the sio vectors */

static void check_bytes(pp_bytes_t got, const char *want, size_t want_len) {
  CHECK_INT(got.len, want_len);
  CHECK(want_len == 0 || memcmp(got.ptr, want, want_len) == 0);
}

/* ------------------------------------------------------------ eio frame */

void test_eio_frame_vectors(void) {
  const struct {
    const char *in;
    size_t len;
    bool is_binary;
    int rc;
    eio_packet_type_t type;
    const char *data;
    size_t data_len;
  } v[] = {
      {LIT("0"), false, 0, EIO_OPEN, LIT("")},
      {LIT("1"), false, 0, EIO_CLOSE, LIT("")},
      {LIT("2"), false, 0, EIO_PING, LIT("")},
      {LIT("2probe"), false, 0, EIO_PING, LIT("probe")},
      {LIT("3"), false, 0, EIO_PONG, LIT("")},
      {LIT("3probe"), false, 0, EIO_PONG, LIT("probe")},
      {LIT("4"), false, 0, EIO_MESSAGE, LIT("")},
      {LIT("4hello"), false, 0, EIO_MESSAGE, LIT("hello")},
      {LIT("42[\"a\",1]"), false, 0, EIO_MESSAGE, LIT("2[\"a\",1]")},
      {LIT("4a\x1e"
           "b\0c"),
       false, 0, EIO_MESSAGE,
       LIT("a\x1e"
           "b\0c")},
      {LIT("5"), false, 0, EIO_UPGRADE, LIT("")},
      {LIT("6"), false, 0, EIO_NOOP, LIT("")},
      {LIT("\x01\x02\x03\x04"), true, 0, EIO_MESSAGE, LIT("\x01\x02\x03\x04")},
      {LIT("4hello"), true, 0, EIO_MESSAGE, LIT("4hello")},
      {LIT(""), true, 0, EIO_MESSAGE, LIT("")},
      /* malformed */
      {LIT(""), false, PP_EINVAL, 0, LIT("")},
      {LIT("abc"), false, PP_EINVAL, 0, LIT("")},
      {LIT("7"), false, PP_EINVAL, 0, LIT("")},
      {LIT("9x"), false, PP_EINVAL, 0, LIT("")},
      {LIT("/4"), false, PP_EINVAL, 0, LIT("")},
      {LIT("bAQIDBA=="), false, PP_EINVAL, 0, LIT("")},
      {LIT("0{\"sid\":\"x\"}"), false, PP_EINVAL, 0, LIT("")},
      {LIT("1x"), false, PP_EINVAL, 0, LIT("")},
      {LIT("5probe"), false, PP_EINVAL, 0, LIT("")},
      {LIT("6x"), false, PP_EINVAL, 0, LIT("")},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("frame #%zu \"%s\" binary=%d", i, v[i].in, v[i].is_binary);
    eio_packet_t p;
    CHECK_INT(eio_decode_frame(pp_bytes(v[i].in, v[i].len), v[i].is_binary, &p),
              v[i].rc);
    if (v[i].rc)
      continue;
    CHECK_INT(p.type, v[i].type);
    CHECK_INT(p.binary, v[i].is_binary);
    check_bytes(p.data, v[i].data, v[i].data_len);
    if (!v[i].is_binary) /* text data borrows from the frame */
      CHECK(p.data.ptr == v[i].in + 1);
  }
}

/* ---------------------------------------------------------- eio payload */

typedef struct {
  size_t n;
  eio_packet_t p[8];
  int stop_at; /* return 42 from the callback for packet #stop_at */
} collected_t;

static int collect(void *ctx, const eio_packet_t *p) {
  collected_t *c = ctx;
  CHECK(c->n < 8);
  c->p[c->n++] = *p;
  return (int)c->n - 1 == c->stop_at ? 42 : 0;
}

void test_eio_payload_vectors(void) {
  typedef struct {
    eio_packet_type_t type;
    bool binary;
    const char *data;
    size_t len;
  } want_t;
  const struct {
    const char *in;
    size_t len;
    size_t max_packets;
    size_t scratch_max;
    int rc;
    size_t n;
    want_t p[3];
  } v[] = {
      /* engine.io v4 test suite examples */
      {LIT("4hello\x1e"
           "bAQIDBA=="),
       4,
       64,
       0,
       2,
       {{EIO_MESSAGE, false, LIT("hello")},
        {EIO_MESSAGE, true, LIT("\x01\x02\x03\x04")}}},
      {LIT("4test1\x1e"
           "4test2\x1e"
           "4test3"),
       4,
       64,
       0,
       3,
       {{EIO_MESSAGE, false, LIT("test1")},
        {EIO_MESSAGE, false, LIT("test2")},
        {EIO_MESSAGE, false, LIT("test3")}}},
      {LIT("4test1\x1e"
           "4test2\x1e"
           "4test3"),
       3,
       64,
       0,
       3,
       {{0}}},
      {LIT("2"), 1, 64, 0, 1, {{EIO_PING, false, LIT("")}}},
      {LIT("3probe"), 1, 64, 0, 1, {{EIO_PONG, false, LIT("probe")}}},
      {LIT("1"), 1, 64, 0, 1, {{EIO_CLOSE, false, LIT("")}}},
      {LIT("6\x1e"
           "4"),
       2,
       64,
       0,
       2,
       {{EIO_NOOP, false, LIT("")}, {EIO_MESSAGE, false, LIT("")}}},
      {LIT("b"), 1, 64, 0, 1, {{EIO_MESSAGE, true, LIT("")}}},
      {LIT("bAQ=="), 1, 64, 0, 1, {{EIO_MESSAGE, true, LIT("\x01")}}},
      {LIT("bAQI="), 1, 64, 0, 1, {{EIO_MESSAGE, true, LIT("\x01\x02")}}},
      {LIT("b+/+/\x1e"
           "bAA=="),
       2,
       64,
       0,
       2,
       {{EIO_MESSAGE, true, LIT("\xfb\xff\xbf")},
        {EIO_MESSAGE, true, LIT("\x00")}}},
      {LIT("bAQIDBA=="),
       1,
       4,
       0,
       1,
       {{EIO_MESSAGE, true, LIT("\x01\x02\x03\x04")}}},
      /* a 'b' record that is not text: '4' data may hold anything else */
      {LIT("4b\x1e"
           "4\xff"),
       2,
       64,
       0,
       2,
       {{EIO_MESSAGE, false, LIT("b")}, {EIO_MESSAGE, false, LIT("\xff")}}},
      /* malformed */
      {LIT(""), 4, 64, PP_EINVAL, 0, {{0}}},
      {LIT("\x1e"), 4, 64, PP_EINVAL, 0, {{0}}},
      {LIT("4a\x1e\x1e"
           "4b"),
       4,
       64,
       PP_EINVAL,
       0,
       {{0}}},
      {LIT("4a\x1e"), 4, 64, PP_EINVAL, 0, {{0}}},
      {LIT("\x1e"
           "4a"),
       4,
       64,
       PP_EINVAL,
       0,
       {{0}}},
      {LIT("4test1\x1e"
           "4test2\x1e"
           "4test3"),
       2,
       64,
       PP_EINVAL,
       0,
       {{0}}},
      {LIT("4a"), 0, 64, PP_EINVAL, 0, {{0}}},
      {LIT("abc"), 4, 64, PP_EINVAL, 0, {{0}}},
      {LIT("4a\x1e"
           "7"),
       4,
       64,
       PP_EINVAL,
       0,
       {{0}}},
      {LIT("4a\x1e"
           "0{}"),
       4,
       64,
       PP_EINVAL,
       0,
       {{0}}},
      {LIT("4a\x1e"
           "1x"),
       4,
       64,
       PP_EINVAL,
       0,
       {{0}}},
      {LIT("5x"), 4, 64, PP_EINVAL, 0, {{0}}},
      {LIT("6x"), 4, 64, PP_EINVAL, 0, {{0}}},
      {LIT("bAQ="), 4, 64, PP_EINVAL, 0, {{0}}},      /* bad padding */
      {LIT("bAQ"), 4, 64, PP_EINVAL, 0, {{0}}},       /* no padding */
      {LIT("bAR=="), 4, 64, PP_EINVAL, 0, {{0}}},     /* non-zero pad bits */
      {LIT("b!!!!"), 4, 64, PP_EINVAL, 0, {{0}}},     /* not base64 */
      {LIT("b-_8="), 4, 64, PP_EINVAL, 0, {{0}}},     /* URL-safe alphabet */
      {LIT("bAQ==AQ=="), 4, 64, PP_EINVAL, 0, {{0}}}, /* padding inside */
      {LIT("bAQ\n="), 4, 64, PP_EINVAL, 0, {{0}}},
      /* libsodium 1.0.18 alone would accept bytes >= 0x80 as digits */
      {LIT("b\xff\xff\xff\xff"), 4, 64, PP_EINVAL, 0, {{0}}},
      {LIT("bAQ\x80="), 4, 64, PP_EINVAL, 0, {{0}}},
      {LIT("b\x80\x80\x80\x80\x1e"
           "4a"),
       4,
       64,
       PP_EINVAL,
       0,
       {{0}}},
      {LIT("bAQ==\x1e"
           "4a\x1e"
           "b===="),
       4,
       64,
       PP_EINVAL,
       0,
       {{0}}},
      {LIT("bAQIDBAU="), 4, 4, PP_ETOOLARGE, 0, {{0}}},
      {LIT("bAQID\x1e"
           "bBA=="),
       4,
       3,
       PP_ETOOLARGE,
       0,
       {{0}}},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("payload #%zu \"%s\"", i, v[i].in);
    pp_buf_t scratch;
    pp_buf_init(&scratch, v[i].scratch_max);
    collected_t c = {.stop_at = -1};
    CHECK_INT(eio_payload_decode(pp_bytes(v[i].in, v[i].len), v[i].max_packets,
                                 &scratch, collect, &c),
              v[i].rc);
    CHECK_INT(c.n, v[i].n); /* a malformed payload delivers nothing */
    for (size_t k = 0; k < c.n && v[i].p[0].data; k++) {
      CHECK_INT(c.p[k].type, v[i].p[k].type);
      CHECK_INT(c.p[k].binary, v[i].p[k].binary);
      check_bytes(c.p[k].data, v[i].p[k].data, v[i].p[k].len);
    }
    pp_buf_free(&scratch);
  }
}

void test_eio_payload_callback_and_scratch(void) {
  CHECK(sodium_init() >= 0);
  pp_buf_t scratch;
  pp_buf_init(&scratch, 64);
  /* The callback's result stops decoding and is returned. */
  collected_t c = {.stop_at = 1};
  pp_bytes_t in = pp_bytes_str("4a\x1e"
                               "bAQ==\x1e"
                               "4c");
  CHECK_INT(eio_payload_decode(in, 8, &scratch, collect, &c), 42);
  CHECK_INT(c.n, 2);
  /* scratch is reused: a second payload replaces the first one's bytes. */
  CHECK_INT(pp_buf_append(&scratch, "junk", 4), 0);
  c = (collected_t){.stop_at = -1};
  CHECK_INT(eio_payload_decode(pp_bytes_str("bAQID\x1e"
                                            "bBAUG"),
                               8, &scratch, collect, &c),
            0);
  CHECK_INT(scratch.len, 6);
  check_bytes(c.p[0].data, "\x01\x02\x03", 3);
  check_bytes(c.p[1].data, "\x04\x05\x06", 3);
  CHECK(c.p[0].data.ptr == scratch.data);
  /* Text packets borrow from the payload. */
  c = (collected_t){.stop_at = -1};
  CHECK_INT(eio_payload_decode(in, 8, &scratch, collect, &c), 0);
  CHECK(c.p[0].data.ptr == in.ptr + 1);
  CHECK(c.p[2].data.ptr == in.ptr + in.len - 1);
  pp_buf_free(&scratch);
}

/* ----------------------------------------------------------- eio encode */

void test_eio_encode_vectors(void) {
  CHECK(sodium_init() >= 0);
  /* Each row appends one packet to the output of the previous rows of the
   * same group; reset starts a new group. */
  const struct {
    bool reset;
    bool payload; /* eio_payload_append, else eio_encode_frame */
    eio_packet_type_t type;
    bool binary;
    const char *data;
    size_t len;
    int rc;
    const char *want;
    size_t want_len;
  } v[] = {
      {true, false, EIO_PING, false, LIT("probe"), 0, LIT("2probe")},
      {true, false, EIO_PONG, false, LIT("probe"), 0, LIT("3probe")},
      {true, false, EIO_OPEN, false, LIT("{\"sid\":\"x\"}"), 0,
       LIT("0{\"sid\":\"x\"}")},
      {true, false, EIO_CLOSE, false, LIT(""), 0, LIT("1")},
      {true, false, EIO_MESSAGE, false, LIT(""), 0, LIT("4")},
      {true, false, EIO_NOOP, false, LIT(""), 0, LIT("6")},
      {true, false, (eio_packet_type_t)7, false, LIT(""), PP_EINVAL, LIT("")},
      /* engine.io v4 payload examples */
      {true, true, EIO_MESSAGE, false, LIT("hello"), 0, LIT("4hello")},
      {false, true, EIO_MESSAGE, true, LIT("\x01\x02\x03\x04"), 0,
       LIT("4hello\x1e"
           "bAQIDBA==")},
      {true, true, EIO_MESSAGE, false, LIT("test1"), 0, LIT("4test1")},
      {false, true, EIO_MESSAGE, false, LIT("test2"), 0,
       LIT("4test1\x1e"
           "4test2")},
      {false, true, EIO_MESSAGE, false, LIT("test3"), 0,
       LIT("4test1\x1e"
           "4test2\x1e"
           "4test3")},
      {true, true, EIO_MESSAGE, true, LIT(""), 0, LIT("b")},
      {false, true, EIO_MESSAGE, true, LIT("\x01"), 0,
       LIT("b\x1e"
           "bAQ==")},
      {false, true, EIO_NOOP, false, LIT(""), 0,
       LIT("b\x1e"
           "bAQ==\x1e"
           "6")},
      /* refused: out stays as it was */
      {false, true, EIO_MESSAGE, false,
       LIT("a\x1e"
           "4b"),
       PP_EINVAL,
       LIT("b\x1e"
           "bAQ==\x1e"
           "6")},
      {false, true, EIO_PING, true, LIT("x"), PP_EINVAL,
       LIT("b\x1e"
           "bAQ==\x1e"
           "6")},
      {false, true, (eio_packet_type_t)9, false, LIT(""), PP_EINVAL,
       LIT("b\x1e"
           "bAQ==\x1e"
           "6")},
  };
  pp_buf_t out;
  pp_buf_init(&out, 1024);
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("encode #%zu", i);
    if (v[i].reset)
      pp_buf_reset(&out);
    pp_bytes_t d = pp_bytes(v[i].data, v[i].len);
    int rc = v[i].payload ? eio_payload_append(&out, v[i].type, v[i].binary, d)
                          : eio_encode_frame(&out, v[i].type, d);
    CHECK_INT(rc, v[i].rc);
    check_bytes(pp_bytes(out.data ? out.data : "", out.len), v[i].want,
                v[i].want_len);
  }
  pp_buf_free(&out);

  /* The maximum is respected and a refused append changes nothing. */
  pp_buf_init(&out, 11);
  CHECK_INT(eio_payload_append(&out, EIO_MESSAGE, false, pp_bytes_str("1234")),
            0);
  CHECK_INT(eio_payload_append(&out, EIO_MESSAGE, true, pp_bytes_str("abcd")),
            PP_ETOOLARGE); /* "\x1e" "bYWJjZA==" is 10 bytes */
  CHECK_INT(eio_encode_frame(&out, EIO_MESSAGE, pp_bytes_str("123456")),
            PP_ETOOLARGE);
  CHECK_INT(out.len, 5);
  CHECK_STR(out.data, "41234");
  CHECK_INT(eio_payload_append(&out, EIO_MESSAGE, true, pp_bytes_str("ab")), 0);
  CHECK_STR(out.data, "41234\x1e"
                      "bYWI=");
  pp_buf_free(&out);
}

void test_eio_binary_roundtrip(void) {
  CHECK(sodium_init() >= 0);
  char bin[256];
  for (size_t i = 0; i < sizeof bin; i++)
    bin[i] = (char)i;
  pp_buf_t out, scratch;
  pp_buf_init(&out, 4096);
  pp_buf_init(&scratch, 4096);
  for (size_t len = 0; len <= sizeof bin; len += 37) {
    test_ctx("binary length %zu", len);
    pp_buf_reset(&out);
    CHECK_INT(eio_payload_append(&out, EIO_MESSAGE, true, pp_bytes(bin, len)),
              0);
    CHECK_INT(eio_payload_append(&out, EIO_MESSAGE, false, pp_bytes_str("x")),
              0);
    collected_t c = {.stop_at = -1};
    CHECK_INT(eio_payload_decode(pp_bytes(out.data, out.len), 2, &scratch,
                                 collect, &c),
              0);
    CHECK_INT(c.n, 2);
    CHECK(c.p[0].binary);
    check_bytes(c.p[0].data, bin, len);
    check_bytes(c.p[1].data, "x", 1);
  }
  pp_buf_free(&out);
  pp_buf_free(&scratch);
}

/* ----------------------------------------------------------- sio decode */

/* Compact JSON of v ("" for NULL); owned by the caller. */
static char *dump(const json_t *v) {
  return v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : calloc(1, 1);
}

#define OK(type, nsp, ack, att, json) 0, type, nsp, ack, att, json
#define BAD PP_EINVAL, 0, "/", -1, 0, ""
#define PH(n) "{\"_placeholder\":true,\"num\":" #n "}"

void test_sio_decode_vectors(void) {
  const struct {
    const char *in;
    size_t len;
    int rc;
    sio_packet_type_t type;
    const char *nsp;
    long long ack;
    unsigned attachments;
    const char *json; /* compact dump of data, "" when absent */
  } v[] = {
      /* CONNECT */
      {LIT("0"), OK(SIO_CONNECT, "/", -1, 0, "")},
      {LIT("0{\"token\":\"123\"}"),
       OK(SIO_CONNECT, "/", -1, 0, "{\"token\":\"123\"}")},
      {LIT("0/admin,{\"token\":\"123\"}"),
       OK(SIO_CONNECT, "/admin", -1, 0, "{\"token\":\"123\"}")},
      {LIT("0/custom"), OK(SIO_CONNECT, "/custom", -1, 0, "")},
      {LIT("0/custom,"), OK(SIO_CONNECT, "/custom", -1, 0, "")},
      {LIT("0/,{}"), OK(SIO_CONNECT, "/", -1, 0, "{}")},
      {LIT("0/caf\xc3\xa9,"), OK(SIO_CONNECT, "/caf\xc3\xa9", -1, 0, "")},
      {LIT("0{\"a\":1,\"a\":2}"), OK(SIO_CONNECT, "/", -1, 0, "{\"a\":2}")},
      {LIT("0[]"), BAD},
      {LIT("0\"x\""), BAD},
      {LIT("0null"), BAD},
      {LIT("0/admin,[]"), BAD},
      /* DISCONNECT */
      {LIT("1"), OK(SIO_DISCONNECT, "/", -1, 0, "")},
      {LIT("1/admin,"), OK(SIO_DISCONNECT, "/admin", -1, 0, "")},
      {LIT("1{}"), BAD},
      {LIT("1/admin,[]"), BAD},
      /* EVENT */
      {LIT("2[\"hello\",1]"), OK(SIO_EVENT, "/", -1, 0, "[\"hello\",1]")},
      {LIT("212[\"a\",1]"), OK(SIO_EVENT, "/", 12, 0, "[\"a\",1]")},
      {LIT("2/admin,456[\"project:delete\",123]"),
       OK(SIO_EVENT, "/admin", 456, 0, "[\"project:delete\",123]")},
      {LIT("2[1,2]"), OK(SIO_EVENT, "/", -1, 0, "[1,2]")},
      {LIT("2[1.5]"), OK(SIO_EVENT, "/", -1, 0, "[1.5]")},
      {LIT("2 [\"a\"] "), OK(SIO_EVENT, "/", -1, 0, "[\"a\"]")},
      {LIT("2[\"Connect\"]"), OK(SIO_EVENT, "/", -1, 0, "[\"Connect\"]")},
      {LIT("2[\"x\",{\"_placeholder\":false,\"num\":0}]"),
       OK(SIO_EVENT, "/", -1, 0, "[\"x\",{\"_placeholder\":false,\"num\":0}]")},
      {LIT("22147483647[\"a\"]"), OK(SIO_EVENT, "/", 2147483647, 0, "[\"a\"]")},
      {LIT("2007[\"a\"]"), OK(SIO_EVENT, "/", 7, 0, "[\"a\"]")},
      {LIT("2[\"\xe2\x82\xac\"]"),
       OK(SIO_EVENT, "/", -1, 0, "[\"\xe2\x82\xac\"]")},
      {LIT("2"), BAD},
      {LIT("2/admin,"), BAD},
      {LIT("2[]"), BAD},
      {LIT("2{}"), BAD},
      {LIT("2[null]"), BAD},
      {LIT("2[[\"a\"]]"), BAD},
      {LIT("2[{}]"), BAD},
      {LIT("2abc[\"message-with-ack\",1]"), BAD},
      {LIT("2[\"connect\"]"), BAD},
      {LIT("2[\"connect_error\"]"), BAD},
      {LIT("2[\"disconnect\"]"), BAD},
      {LIT("2[\"disconnecting\"]"), BAD},
      {LIT("2[\"newListener\"]"), BAD},
      {LIT("2[\"removeListener\",1]"), BAD},
      {LIT("2/admin,1[\"disconnect\"]"), BAD},
      {LIT("22147483648[\"a\"]"), BAD},
      {LIT("299999999999999999999999[\"a\"]"), BAD},
      {LIT("2[\"a\""), BAD},
      {LIT("2[\"a\"]x"), BAD},
      {LIT("2[\"a\"][\"b\"]"), BAD},
      {LIT("2[\"\xff\"]"), BAD},         /* invalid UTF-8 */
      {LIT("2[\"\xc0\x80\"]"), BAD},     /* overlong */
      {LIT("2[\"\xed\xa0\x80\"]"), BAD}, /* surrogate */
      {LIT("2[\"a\\u0000\"]"), BAD},     /* NUL inside a string */
      {LIT("2[\"a\",\0]"), BAD},
      {LIT("2[\"a\",99999999999999999999]"), BAD}, /* integer overflow */
      {LIT("2-[\"a\"]"), BAD},
      {LIT("2[\"a\",{\"_placeholder\":true,\"num\":0}]"), BAD},
      /* ACK */
      {LIT("3/admin,456[]"), OK(SIO_ACK, "/admin", 456, 0, "[]")},
      {LIT("31[\"a\",{\"b\":null}]"),
       OK(SIO_ACK, "/", 1, 0, "[\"a\",{\"b\":null}]")},
      {LIT("3"), BAD},
      {LIT("31"), BAD},
      {LIT("31{}"), BAD},
      {LIT("31\"a\""), BAD},
      {LIT("31[" PH(0) "]"), BAD},
      /* CONNECT_ERROR */
      {LIT("4{\"message\":\"Not authorized\"}"),
       OK(SIO_CONNECT_ERROR, "/", -1, 0, "{\"message\":\"Not authorized\"}")},
      {LIT("4/random,{\"message\":\"Invalid namespace\"}"),
       OK(SIO_CONNECT_ERROR, "/random", -1, 0,
          "{\"message\":\"Invalid namespace\"}")},
      {LIT("4\"error\""), OK(SIO_CONNECT_ERROR, "/", -1, 0, "\"error\"")},
      {LIT("4"), BAD},
      {LIT("4abc"), BAD},
      {LIT("4[]"), BAD},
      {LIT("41"), BAD},
      /* BINARY_EVENT */
      {LIT("51-[\"hello\"," PH(0) "]"),
       OK(SIO_BINARY_EVENT, "/", -1, 1, "[\"hello\"," PH(0) "]")},
      {LIT("52-/custom,[\"a\"," PH(1) "," PH(0) "]"),
       OK(SIO_BINARY_EVENT, "/custom", -1, 2, "[\"a\"," PH(1) "," PH(0) "]")},
      {LIT("52-/admin,456[\"upload\",{\"a\":[" PH(0) "],\"b\":" PH(1) "}]"),
       OK(SIO_BINARY_EVENT, "/admin", 456, 2,
          "[\"upload\",{\"a\":[" PH(0) "],\"b\":" PH(1) "}]")},
      {LIT("501-[7," PH(0) "]"),
       OK(SIO_BINARY_EVENT, "/", -1, 1, "[7," PH(0) "]")},
      {LIT("52[\"x\"]"), BAD}, /* missing '-' */
      {LIT("51[\"x\"," PH(0) "]"), BAD},
      {LIT("5-[\"x\"]"), BAD},
      {LIT("50-[\"x\"]"), BAD},
      {LIT("5a-[\"x\"]"), BAD},
      {LIT("51"), BAD},
      {LIT("51-"), BAD},
      {LIT("51-/a,"), BAD},
      {LIT("51-[\"x\"]"), BAD},                     /* placeholder missing */
      {LIT("51-[\"x\"," PH(0) "," PH(0) "]"), BAD}, /* duplicate */
      {LIT("51-[\"x\"," PH(1) "]"), BAD},           /* out of range */
      {LIT("52-[\"x\"," PH(0) "]"), BAD},           /* one missing */
      {LIT("51-[" PH(0) "]"), BAD},                 /* not an event name */
      {LIT("51-[\"connect\"," PH(0) "]"), BAD},     /* reserved */
      {LIT("517-[\"x\"]"), BAD},                    /* > 16 attachments */
      {LIT("54294967297-[\"x\"," PH(0) "]"), BAD},  /* wraps to 1 */
      /* BINARY_ACK */
      {LIT("61-/admin,456[" PH(0) "]"),
       OK(SIO_BINARY_ACK, "/admin", 456, 1, "[" PH(0) "]")},
      {LIT("61-1[[" PH(0) "]]"),
       OK(SIO_BINARY_ACK, "/", 1, 1, "[[" PH(0) "]]")},
      {LIT("61-1{\"a\":" PH(0) "}"), BAD},
      {LIT("61-1[{\"_placeholder\":true,\"num\":\"0\"}]"), BAD},
      {LIT("61-1[{\"_placeholder\":true,\"num\":0.0}]"), BAD},
      {LIT("61-1[{\"_placeholder\":true,\"num\":-1}]"), BAD},
      {LIT("61-1[{\"_placeholder\":true}]"), BAD},
      {LIT("61-1[{\"_placeholder\":true,\"num\":0,\"x\":1}]"), BAD},
      /* garbage and bad namespaces */
      {LIT(""), BAD},
      {LIT("abc"), BAD},
      {LIT("7"), BAD},
      {LIT("9[]"), BAD},
      {LIT("-1"), BAD},
      {LIT(" 2[\"a\"]"), BAD},
      {LIT("0/\xff,"), BAD},
      {LIT("0/a\tb,"), BAD},
      {LIT("0/a\0b,"), BAD},
      {LIT("0/a\xc2\x85,"), BAD}, /* C1 control */
      {LIT("0/a\x7f"), BAD},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("sio #%zu \"%s\"", i, v[i].in);
    sio_packet_t p;
    CHECK_INT(sio_packet_decode(pp_bytes(v[i].in, v[i].len), DEPTH, &p),
              v[i].rc);
    CHECK_INT(p.type, v[i].type);
    CHECK_STR(p.nsp, v[i].nsp);
    CHECK_INT(p.ack_id, v[i].ack);
    CHECK_INT(p.attachments, v[i].attachments);
    char *got = dump(p.data);
    CHECK_STR(got, v[i].json);
    free(got);
    sio_packet_clear(&p);
  }
}

void test_sio_over_eio_messages(void) {
  /* Whole Engine.IO frames: a valid MESSAGE whose Socket.IO text is bad. */
  static const char *const frames[] = {
      "4abc",       "42{}",       "42abc[\"message-with-ack\",1]",
      "452[\"x\"]", "45-[\"x\"]", "4517-[\"x\"]",
      "42",         "4"};
  for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
    test_ctx("frame %s", frames[i]);
    eio_packet_t e;
    CHECK_INT(eio_decode_frame(pp_bytes_str(frames[i]), false, &e), 0);
    CHECK_INT(e.type, EIO_MESSAGE);
    sio_packet_t p;
    CHECK_INT(sio_packet_decode(e.data, DEPTH, &p), PP_EINVAL);
    CHECK(p.data == NULL);
  }
  eio_packet_t e;
  CHECK_INT(eio_decode_frame(pp_bytes_str("40/custom"), false, &e), 0);
  sio_packet_t p;
  CHECK_INT(sio_packet_decode(e.data, DEPTH, &p), 0);
  CHECK_INT(p.type, SIO_CONNECT);
  CHECK_STR(p.nsp, "/custom");
  CHECK(p.data == NULL);
  sio_packet_clear(&p);
}

/* ----------------------------------------------------------- sio encode */

void test_sio_encode_vectors(void) {
  const struct {
    sio_packet_type_t type;
    const char *nsp;
    long long ack;
    unsigned attachments;
    const char *json; /* NULL: no data */
    const char *want;
  } v[] = {
      {SIO_CONNECT, "/", -1, 0, "{\"sid\":\"x\"}", "0{\"sid\":\"x\"}"},
      {SIO_CONNECT, "/admin", -1, 0, "{\"sid\":\"x\"}",
       "0/admin,{\"sid\":\"x\"}"},
      {SIO_CONNECT, "/", -1, 0, NULL, "0"},
      {SIO_DISCONNECT, "/custom", -1, 0, NULL, "1/custom,"},
      {SIO_DISCONNECT, "/", -1, 0, NULL, "1"},
      {SIO_EVENT, "/", 12, 0, "[\"a\", 1]", "212[\"a\",1]"},
      {SIO_EVENT, "/", -1, 0, "[\"a\", 1.5, 2.0, -0, 1e3, null, true]",
       "2[\"a\",1.5,2.0,0,1000.0,null,true]"},
      {SIO_EVENT, "/admin", 0, 0, "[\"x\", {\"b\": 1, \"a\": [2]}]",
       "2/admin,0[\"x\",{\"b\":1,\"a\":[2]}]"},
      {SIO_EVENT, "/", -1, 0, "[\"\\u001e\\n\\\"\"]", "2[\"\\u001E\\n\\\"\"]"},
      {SIO_ACK, "/", 2147483647, 0, "[]", "32147483647[]"},
      {SIO_ACK, "/admin", 456, 0, "[\"ok\"]", "3/admin,456[\"ok\"]"},
      {SIO_CONNECT_ERROR, "/random", -1, 0,
       "{\"message\":\"Invalid namespace\"}",
       "4/random,{\"message\":\"Invalid namespace\"}"},
      {SIO_CONNECT_ERROR, "/", -1, 0, "\"nope\"", "4\"nope\""},
      {SIO_BINARY_EVENT, "/custom", -1, 2, "[\"a\"," PH(0) "," PH(1) "]",
       "52-/custom,[\"a\"," PH(0) "," PH(1) "]"},
      {SIO_BINARY_EVENT, "/", 3, 1, "[\"a\"," PH(0) "]",
       "51-3[\"a\"," PH(0) "]"},
      {SIO_BINARY_ACK, "/admin", 456, 1, "[" PH(0) "]",
       "61-/admin,456[" PH(0) "]"},
  };
  pp_buf_t out;
  pp_buf_init(&out, 1024);
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("encode #%zu %s", i, v[i].want);
    sio_packet_t p = {
        .type = v[i].type, .ack_id = v[i].ack, .attachments = v[i].attachments};
    snprintf(p.nsp, sizeof p.nsp, "%s", v[i].nsp);
    if (v[i].json) {
      p.data = json_loads(v[i].json, JSON_DECODE_ANY, NULL);
      CHECK(p.data != NULL);
    }
    pp_buf_reset(&out);
    CHECK_INT(sio_packet_encode(&p, &out), 0);
    CHECK_STR(out.data, v[i].want);
    /* and back */
    sio_packet_t q;
    CHECK_INT(sio_packet_decode(pp_bytes(out.data, out.len), DEPTH, &q), 0);
    CHECK_INT(q.type, p.type);
    CHECK_STR(q.nsp, p.nsp);
    CHECK_INT(q.ack_id, p.ack_id);
    CHECK_INT(q.attachments, p.attachments);
    CHECK(p.data ? json_equal(p.data, q.data) : q.data == NULL);
    sio_packet_clear(&q);
    sio_packet_clear(&p);
  }
  pp_buf_free(&out);

  /* A refused encode leaves the buffer unchanged. */
  pp_buf_init(&out, 8);
  CHECK_INT(pp_buf_appends(&out, "ab"), 0);
  sio_packet_t p = {.type = SIO_EVENT, .nsp = "/", .ack_id = 1};
  p.data = json_pack("[s]", "abcdef");
  CHECK_INT(sio_packet_encode(&p, &out), PP_ETOOLARGE);
  CHECK_STR(out.data, "ab");
  CHECK_INT(out.len, 2);
  sio_packet_clear(&p);
  p = (sio_packet_t){.type = SIO_EVENT, .nsp = "/abcdefgh", .ack_id = -1};
  CHECK_INT(sio_packet_encode(&p, &out), PP_ETOOLARGE);
  CHECK_STR(out.data, "ab");
  pp_buf_free(&out);
}

/* The JSON-free encoders give what sio_packet_encode gives for the same
 * packet (built the way sio_emit/sio_ack build them). */
static void check_like_generic(const char *got, size_t got_len,
                               sio_packet_t *p) {
  pp_buf_t want;
  pp_buf_init(&want, 4096);
  CHECK_INT(sio_packet_encode(p, &want), 0);
  CHECK_INT(got_len, want.len);
  CHECK(memcmp(got, want.data, want.len) == 0);
  pp_buf_free(&want);
  sio_packet_clear(p);
}

void test_sio_quick_encoders_match_generic(void) {
  static const char *const nsps[] = {"/", "/admin"};
  static const char *const events[] = {"code_change", "cursor_move", "X9"};
  static const long long acks[] = {0, 7, 456, 2147483647};
  char out[256];
  for (size_t n = 0; n < 2; n++) {
    for (size_t e = 0; e < 3; e++) {
      test_ctx("event %s %s", nsps[n], events[e]);
      size_t len =
          sio_packet_encode_bytes_event(nsps[n], events[e], out, sizeof out);
      sio_packet_t p = {
          .type = SIO_BINARY_EVENT, .ack_id = -1, .attachments = 1};
      snprintf(p.nsp, sizeof p.nsp, "%s", nsps[n]);
      p.data = json_pack("[so]", events[e], sio_placeholder_new(0));
      check_like_generic(out, len, &p);
    }
    for (size_t a = 0; a < 4; a++) {
      test_ctx("ack %s %lld", nsps[n], acks[a]);
      size_t len = sio_packet_encode_ok_ack(nsps[n], acks[a], out, sizeof out);
      sio_packet_t p = {.type = SIO_ACK, .ack_id = acks[a]};
      snprintf(p.nsp, sizeof p.nsp, "%s", nsps[n]);
      p.data = json_pack("[{sb}]", "ok", 1);
      check_like_generic(out, len, &p);
    }
  }
}

/* Names that JSON would escape, empty names and short buffers are refused,
 * so the caller takes the JSON path. */
void test_sio_quick_encoders_refuse(void) {
  char out[64];
  CHECK_INT(sio_packet_encode_bytes_event("/", "a\"b", out, sizeof out), 0);
  CHECK_INT(sio_packet_encode_bytes_event("/", "caf\xc3\xa9", out, sizeof out),
            0);
  CHECK_INT(sio_packet_encode_bytes_event("/", "", out, sizeof out), 0);
  CHECK_INT(sio_packet_encode_bytes_event("/", "code_change", out, 20), 0);
  CHECK_INT(sio_packet_encode_ok_ack("/", -1, out, sizeof out), 0);
  /* "312345[{"ok":true}]" is 19 bytes */
  CHECK_INT(sio_packet_encode_ok_ack("/", 12345, out, 18), 0);
  CHECK_INT(sio_packet_encode_ok_ack("/", 12345, out, 19), 19);
}

/* --------------------------------------------------- sio placeholders */

void test_sio_placeholder_rules(void) {
  const struct {
    const char *json;
    int num;
  } v[] = {
      {PH(0), 0},
      {PH(15), 15},
      {"{\"num\":3,\"_placeholder\":true}", 3},
      {PH(2147483647), 2147483647},
      {PH(2147483648), -1},
      {PH(-1), -1},
      {"{\"_placeholder\":true,\"num\":\"0\"}", -1},
      {"{\"_placeholder\":true,\"num\":1.0}", -1},
      {"{\"_placeholder\":1,\"num\":1}", -1},
      {"{\"_placeholder\":false,\"num\":1}", -1},
      {"{\"_placeholder\":true}", -1},
      {"{\"_placeholder\":true,\"num\":0,\"x\":0}", -1},
      {"[true,0]", -1},
      {"0", -1},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("placeholder %s", v[i].json);
    json_t *j = json_loads(v[i].json, JSON_DECODE_ANY, NULL);
    CHECK(j != NULL);
    CHECK_INT(sio_placeholder_num(j), v[i].num);
    json_decref(j);
  }
  CHECK_INT(sio_placeholder_num(NULL), -1);
  json_t *ph = sio_placeholder_new(7);
  CHECK_INT(sio_placeholder_num(ph), 7);
  char *s = dump(ph);
  CHECK_STR(s, PH(7));
  free(s);
  json_decref(ph);

  /* 16 attachments, each placeholder once, in any order: accepted; a 17th
   * or a missing one is not. */
  pp_buf_t in;
  pp_buf_init(&in, 4096);
  for (int variant = 0; variant < 3; variant++) {
    test_ctx("16 attachments, variant %d", variant);
    pp_buf_reset(&in);
    CHECK_INT(pp_buf_appends(&in, "516-[\"many\""), 0);
    for (int k = 15; k >= (variant == 2 ? 1 : 0); k--)
      CHECK_INT(pp_buf_appendf(&in, ",{\"x\":[" PH(% d) "]}", k), 0);
    if (variant == 1)
      CHECK_INT(pp_buf_appends(&in, "," PH(16)), 0);
    CHECK_INT(pp_buf_appends(&in, "]"), 0);
    sio_packet_t p;
    CHECK_INT(sio_packet_decode(pp_bytes(in.data, in.len), DEPTH, &p),
              variant == 0 ? 0 : PP_EINVAL);
    CHECK_INT(p.attachments, variant == 0 ? 16 : 0);
    sio_packet_clear(&p);
  }
  pp_buf_free(&in);
}

/* ------------------------------------------------- sio limits */

void test_sio_depth_and_namespace_limits(void) {
  /* depth: ["a",[[...[]...]]] with `levels` arrays in total */
  pp_buf_t in;
  pp_buf_init(&in, 16384);
  const struct {
    int levels;
    int max_depth;
    int rc;
  } d[] = {{1, 1, 0},
           {2, 2, 0},
           {3, 2, PP_EINVAL},
           {32, 32, 0},
           {33, 32, PP_EINVAL},
           {3000, 32, PP_EINVAL},
           {3000, 4096, PP_EINVAL} /* jansson's own limit */};
  for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
    test_ctx("depth %d, max %d", d[i].levels, d[i].max_depth);
    pp_buf_reset(&in);
    CHECK_INT(pp_buf_appends(&in, d[i].levels > 1 ? "2[\"a\"," : "2[\"a\""), 0);
    for (int k = 1; k < d[i].levels; k++)
      CHECK_INT(pp_buf_appends(&in, "["), 0);
    for (int k = 1; k < d[i].levels; k++)
      CHECK_INT(pp_buf_appends(&in, "]"), 0);
    CHECK_INT(pp_buf_appends(&in, "]"), 0);
    sio_packet_t p;
    CHECK_INT(sio_packet_decode(pp_bytes(in.data, in.len), d[i].max_depth, &p),
              d[i].rc);
    sio_packet_clear(&p);
  }
  /* objects count too */
  sio_packet_t p;
  CHECK_INT(sio_packet_decode(pp_bytes_str("0{\"a\":{\"b\":{}}}"), 3, &p), 0);
  sio_packet_clear(&p);
  CHECK_INT(sio_packet_decode(pp_bytes_str("0{\"a\":{\"b\":{}}}"), 2, &p),
            PP_EINVAL);

  /* namespace: SIO_NSP_MAX bytes fit, one more does not (with or without a
   * comma, and however long the rest is) */
  for (size_t len = SIO_NSP_MAX - 1; len <= SIO_NSP_MAX + 2; len++) {
    for (int comma = 0; comma < 2; comma++) {
      test_ctx("namespace of %zu bytes, comma %d", len, comma);
      pp_buf_reset(&in);
      CHECK_INT(pp_buf_appends(&in, "0/"), 0);
      for (size_t k = 1; k < len; k++)
        CHECK_INT(pp_buf_append(&in, "n", 1), 0);
      if (comma)
        CHECK_INT(pp_buf_appends(&in, ",{}"), 0);
      int want = len <= SIO_NSP_MAX ? 0 : PP_EINVAL;
      CHECK_INT(sio_packet_decode(pp_bytes(in.data, in.len), DEPTH, &p), want);
      if (want == 0) {
        CHECK_INT(strlen(p.nsp), len);
        CHECK(memcmp(p.nsp, in.data + 1, len) == 0);
      }
      sio_packet_clear(&p);
    }
  }
  pp_buf_free(&in);
}
