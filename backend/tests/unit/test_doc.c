#include "collab/doc.h"
#include "collab/yupdate.h"
#include "test.h"
#include "test_support.h"
#include "util/error.h"

/* Updates produced by the JavaScript yjs 13 library (client 1234):
 * insert "hello", append " wörld 🚀", delete the first character. */
static const char JS_U1[] = "0101d20900040104636f64650568656c6c6f00";
static const char JS_U2[] = "0101d2090584d209040c2077c3b6726c6420f09f9a8000";
static const char JS_U3[] = "0001d209010001";
static const char JS_STATE[] =
    "0102d20900010104636f64650184d2090010656c6c6f2077c3b6726c6420f09f9a80"
    "01d209010001";
static const char JS_SV[] = "01d2090e";

static const collab_yupdate_limits_t limits = {64, 100000, 100000};

/* Decodes hex into buf (NUL padded); returns the byte length. */
static size_t unhex(const char *hex, char *buf, size_t cap) {
  size_t n = strlen(hex) / 2;
  CHECK(n <= cap);
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    CHECK(sscanf(hex + 2 * i, "%2x", &v) == 1);
    buf[i] = (char)v;
  }
  return n;
}

static int validate_hex(const char *hex) {
  char buf[512];
  size_t n = unhex(hex, buf, sizeof buf);
  return collab_yupdate_validate(pp_bytes(buf, n), &limits, NULL);
}

void test_yupdate_accepts_yjs_updates(void) {
  const char *ok[] = {JS_U1, JS_U2, JS_U3, JS_STATE, "0000"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    test_ctx("valid update %zu", i);
    CHECK_INT(validate_hex(ok[i]), 0);
  }
}

void test_yupdate_rejects_hostile_updates(void) {
  static const char *const bad[] = {
      "",                                           /* empty */
      "0101d20900040104636f64650568656c6c6f",       /* no delete set */
      "0101d20900040104636f64650568656c6c6f0000",   /* trailing byte */
      "0101d20900040104636f6465056865",             /* truncated string */
      "0101d20900040104636f6478050568656c6c6f00",   /* root "codx" */
      "0101d20900240104636f646501610568656c6c6f00", /* parentSub */
      "0101d20900070104636f64650200",               /* nested type content */
      "0101d20900080104636f646501770161"
      "00",                                   /* Any content */
      "0101d20900040104636f6465036100620000", /* NUL inside string */
      "0101d20900040104636f646502c3280000",   /* invalid UTF-8 */
      "0101d2090004000101000161"
      "00",                           /* parent by ID */
      "0101d20900040104636f64650000", /* empty string */
      "0101d209000000",               /* GC of length 0 */
      "0101d20900010104636f646500"
      "00",                       /* Deleted of length 0 */
      "0101d209ffffffff0f0a0100", /* clock + len > 2^32 */
      "0101ffffffffffffffff010000"
      "0a0100",                 /* client id > 2^53 */
      "01ffffffffffffffff0f",   /* claims 2^53 structs */
      "0001d209ffffffff0f0200", /* delete range > 2^32 */
      "41",                     /* 65 clients > max */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    test_ctx("hostile update %zu: %s", i, bad[i]);
    CHECK_INT(validate_hex(bad[i]), PP_EINVAL);
  }
}

void test_ystate_vector_vectors(void) {
  char buf[64];
  size_t n = unhex(JS_SV, buf, sizeof buf);
  CHECK_INT(collab_ystate_vector_validate(pp_bytes(buf, n), 64), 0);
  CHECK_INT(collab_ystate_vector_validate(pp_bytes("\x00", 1), 64), 0);
  CHECK_INT(collab_ystate_vector_validate(pp_bytes("\x01\x05", 2), 64),
            PP_EINVAL);
  CHECK_INT(collab_ystate_vector_validate(pp_bytes("\x00\x00", 2), 64),
            PP_EINVAL);
  CHECK_INT(collab_ystate_vector_validate(pp_bytes("\x41", 1), 64), PP_EINVAL);
}

static collab_doc_t *doc_with_js_edits(void) {
  collab_doc_t *doc = collab_doc_new(&limits);
  CHECK(doc != NULL);
  const char *ups[] = {JS_U1, JS_U2, JS_U3};
  for (size_t i = 0; i < 3; i++) {
    char buf[128];
    size_t n = unhex(ups[i], buf, sizeof buf);
    CHECK_INT(collab_doc_apply(doc, pp_bytes(buf, n), NULL), 0);
  }
  return doc;
}

static void check_text(collab_doc_t *doc, const char *want) {
  pp_buf_t t;
  pp_buf_init(&t, 1 << 20);
  CHECK_INT(collab_doc_text(doc, &t), 0);
  CHECK_STR(t.data ? t.data : "", want);
  pp_buf_free(&t);
}

void test_doc_applies_yjs_updates(void) {
  collab_doc_t *doc = doc_with_js_edits();
  check_text(doc, "ello w\xc3\xb6rld \xf0\x9f\x9a\x80");
  pp_buf_t sv;
  pp_buf_init(&sv, 1024);
  CHECK_INT(collab_doc_state_vector(doc, &sv), 0);
  char want[16];
  size_t n = unhex(JS_SV, want, sizeof want);
  CHECK_INT(sv.len, n);
  CHECK(memcmp(sv.data, want, n) == 0);
  pp_buf_free(&sv);
  collab_doc_free(doc);
}

void test_doc_diff_syncs_a_fresh_doc(void) {
  collab_doc_t *a = doc_with_js_edits();
  pp_buf_t full;
  pp_buf_init(&full, 1 << 20);
  CHECK_INT(collab_doc_diff(a, pp_bytes("", 0), &full), 0);
  collab_doc_t *b = collab_doc_new(&limits);
  CHECK_INT(collab_doc_apply(b, pp_bytes(full.data, full.len), NULL), 0);
  check_text(b, "ello w\xc3\xb6rld \xf0\x9f\x9a\x80");
  /* Against its own state vector the diff carries no structs (only the
   * delete set, which yrs always includes) and changes nothing. */
  pp_buf_t sv, diff;
  pp_buf_init(&sv, 1024);
  pp_buf_init(&diff, 1024);
  CHECK_INT(collab_doc_state_vector(b, &sv), 0);
  CHECK_INT(collab_doc_diff(a, pp_bytes(sv.data, sv.len), &diff), 0);
  CHECK(diff.len >= 2 && diff.data[0] == 0);
  CHECK_INT(collab_doc_apply(b, pp_bytes(diff.data, diff.len), NULL), 0);
  check_text(b, "ello w\xc3\xb6rld \xf0\x9f\x9a\x80");
  pp_buf_free(&full);
  pp_buf_free(&sv);
  pp_buf_free(&diff);
  collab_doc_free(a);
  collab_doc_free(b);
}

void test_doc_rejects_invalid_update_and_keeps_content(void) {
  collab_doc_t *doc = doc_with_js_edits();
  char buf[64];
  size_t n = unhex("0101d20900070104636f64650200", buf, sizeof buf);
  CHECK_INT(collab_doc_apply(doc, pp_bytes(buf, n), NULL), PP_EINVAL);
  CHECK_INT(collab_doc_diff(doc, pp_bytes("\x01\x05", 2), NULL), PP_EINVAL);
  check_text(doc, "ello w\xc3\xb6rld \xf0\x9f\x9a\x80");
  collab_doc_free(doc);
}

/* "a🚀b" by client 7 (JS yjs); then edits anchored inside the emoji's
 * surrogate pair (JS Yjs turns the halves into two U+FFFD, yrs does not):
 * an insertion between the halves, a deletion of one half. An insertion
 * after the whole emoji is fine. */
void test_doc_refuses_edits_inside_a_surrogate_pair(void) {
  collab_doc_t *doc = collab_doc_new(&limits);
  char buf[128];
  size_t n = unhex("01010700040104636f64650661f09f9a806200", buf, sizeof buf);
  CHECK_INT(collab_doc_apply(doc, pp_bytes(buf, n), NULL), 0);
  n = unhex("01010900c407010702015800", buf, sizeof buf);
  CHECK_INT(collab_doc_apply(doc, pp_bytes(buf, n), NULL), PP_EINVAL);
  n = unhex("000107010201", buf, sizeof buf);
  CHECK_INT(collab_doc_apply(doc, pp_bytes(buf, n), NULL), PP_EINVAL);
  check_text(doc, "a\xf0\x9f\x9a\x80"
                  "b");
  n = unhex("01010d00c407020703015900", buf, sizeof buf);
  CHECK_INT(collab_doc_apply(doc, pp_bytes(buf, n), NULL), 0);
  check_text(doc, "a\xf0\x9f\x9a\x80Yb");
  collab_doc_free(doc);
}
