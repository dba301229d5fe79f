#include <jansson.h>

#include "collab/languages.h"
#include "http/api_docs.h"
#include "http/cors.h"
#include "http/origins.h"
#include "http/router.h"
#include "http/session_request.h"
#include "http/static_files.h"
#include "test.h"
#include "test_support.h"
#include "util/embedded.h"
#include "util/error.h"

static void check_bytes(pp_bytes_t got, const char *want, size_t want_len) {
  if (got.len != want_len || (want_len && memcmp(got.ptr, want, want_len))) {
    fprintf(stderr, "got \"%.*s\" (%zu bytes), expected \"%.*s\" (%zu)\n",
            (int)(got.len > 200 ? 200 : got.len), got.ptr ? got.ptr : "",
            got.len, (int)(want_len > 200 ? 200 : want_len), want, want_len);
    exit(1);
  }
}

/* --------------------------------------------------------------- router */

#define SID "0b6f3c2e-9d4a-4e1b-8c7f-2a5d6e8f9a10"
#define GH (HTTP_METHOD_GET | HTTP_METHOD_HEAD)
#define GPD (HTTP_METHOD_GET | HTTP_METHOD_PATCH | HTTP_METHOD_DELETE)

void test_router_vectors(void) {
  /* Very long targets, built at run time. */
  static char long_api[14 + 3000 + 1] = "/api/sessions/";
  static char long_static[1 + 5000 + 1] = "/";
  memset(long_api + 14, 'a', 3000);
  memset(long_static + 1, 'x', 5000);
  const struct {
    const char *target;
    size_t len;
    http_route_id_t id;
    unsigned allowed;
    const char *param; /* expected bytes: ptr, len */
    size_t param_len;
    size_t path_len; /* path is target[0 .. path_len) */
    const char *query;
    size_t query_len;
  } v[] = {
      {LIT("/api/health"), HTTP_ROUTE_HEALTH, HTTP_METHOD_GET, LIT(""), 11,
       LIT("")},
      {LIT("/api/health?x=1&y"), HTTP_ROUTE_HEALTH, HTTP_METHOD_GET, LIT(""),
       11, LIT("x=1&y")},
      {LIT("/api/health?"), HTTP_ROUTE_HEALTH, HTTP_METHOD_GET, LIT(""), 11,
       LIT("")},
      {LIT("/api/health/"), HTTP_ROUTE_HEALTH, HTTP_METHOD_GET, LIT(""), 12,
       LIT("")},
      {LIT("/api/health//"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 13, LIT("")},
      {LIT("/api/healthz"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 12, LIT("")},
      {LIT("/api/languages"), HTTP_ROUTE_LANGUAGES, HTTP_METHOD_GET, LIT(""),
       14, LIT("")},
      {LIT("/api/openapi.json"), HTTP_ROUTE_OPENAPI, HTTP_METHOD_GET, LIT(""),
       17, LIT("")},
      {LIT("/api/docs"), HTTP_ROUTE_DOCS, HTTP_METHOD_GET, LIT(""), 9, LIT("")},
      {LIT("/api/docs/"), HTTP_ROUTE_DOCS, HTTP_METHOD_GET, LIT(""), 10,
       LIT("")},
      {LIT("/api/sessions"), HTTP_ROUTE_SESSIONS, HTTP_METHOD_POST, LIT(""), 13,
       LIT("")},
      {LIT("/api/sessions/"), HTTP_ROUTE_SESSIONS, HTTP_METHOD_POST, LIT(""),
       14, LIT("")},
      {LIT("/api/sessions?/x"), HTTP_ROUTE_SESSIONS, HTTP_METHOD_POST, LIT(""),
       13, LIT("/x")},
      {LIT("/api/sessions/abc"), HTTP_ROUTE_SESSION, GPD, LIT("abc"), 17,
       LIT("")},
      {LIT("/api/sessions/" SID), HTTP_ROUTE_SESSION, GPD, LIT(SID), 50,
       LIT("")},
      {LIT("/api/sessions/" SID "/"), HTTP_ROUTE_SESSION, GPD, LIT(SID), 51,
       LIT("")},
      {LIT("/api/sessions/" SID "?a=b/c"), HTTP_ROUTE_SESSION, GPD, LIT(SID),
       50, LIT("a=b/c")},
      {LIT("/api/sessions/" SID "/extra"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 56,
       LIT("")},
      {LIT("/api/sessions/" SID "/runs"), HTTP_ROUTE_SESSION_RUNS,
       HTTP_METHOD_GET, LIT(SID), 55, LIT("")},
      {LIT("/api/sessions/" SID "/runs/"), HTTP_ROUTE_SESSION_RUNS,
       HTTP_METHOD_GET, LIT(SID), 56, LIT("")},
      {LIT("/api/sessions//runs"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 19,
       LIT("")},
      {LIT("/api/sessions/a/b/runs"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 22,
       LIT("")},
      {LIT("/api/config"), HTTP_ROUTE_CONFIG, HTTP_METHOD_GET, LIT(""), 11,
       LIT("")},
      {LIT("/api/sessions/" SID "//"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 52,
       LIT("")},
      {LIT("/api/sessions//"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 15, LIT("")},
      {LIT("/api/sessions//x"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 16, LIT("")},
      {LIT("/api"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 4, LIT("")},
      {LIT("/api/"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 5, LIT("")},
      {LIT("/api?x=1"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 4, LIT("x=1")},
      {LIT("/api/unknown"), HTTP_ROUTE_NOT_FOUND, 0, LIT(""), 12, LIT("")},
      {LIT("/apix"), HTTP_ROUTE_STATIC, GH, LIT(""), 5, LIT("")},
      {LIT("/apix/health"), HTTP_ROUTE_STATIC, GH, LIT(""), 12, LIT("")},
      {LIT("/API/health"), HTTP_ROUTE_STATIC, GH, LIT(""), 11, LIT("")},
      {LIT("/"), HTTP_ROUTE_STATIC, GH, LIT(""), 1, LIT("")},
      {LIT("/s/" SID "?x"), HTTP_ROUTE_STATIC, GH, LIT(""), 39, LIT("x")},
      {LIT("/assets/app.123.js"), HTTP_ROUTE_STATIC, GH, LIT(""), 18, LIT("")},
      {LIT(""), HTTP_ROUTE_STATIC, GH, LIT(""), 0, LIT("")},
      {LIT("?"), HTTP_ROUTE_STATIC, GH, LIT(""), 0, LIT("")},
      {LIT("?/api/health"), HTTP_ROUTE_STATIC, GH, LIT(""), 0,
       LIT("/api/health")},
      {long_api, sizeof long_api - 1, HTTP_ROUTE_SESSION, GPD, long_api + 14,
       3000, sizeof long_api - 1, LIT("")},
      {long_static, sizeof long_static - 1, HTTP_ROUTE_STATIC, GH, LIT(""),
       sizeof long_static - 1, LIT("")},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu", i);
    http_route_t r;
    memset(&r, 0xa5, sizeof r);
    http_route_match(pp_bytes(v[i].target, v[i].len), &r);
    CHECK_INT(r.id, v[i].id);
    CHECK_INT(r.allowed, v[i].allowed);
    check_bytes(r.param, v[i].param, v[i].param_len);
    check_bytes(r.path, v[i].target, v[i].path_len);
    check_bytes(r.query, v[i].query, v[i].query_len);
    if (v[i].path_len)
      CHECK(r.path.ptr == v[i].target); /* borrowed, not copied */
  }
}

void test_router_allow_header(void) {
  static const struct {
    unsigned mask;
    const char *text;
  } v[] = {
      {0, ""},
      {HTTP_METHOD_GET, "GET"},
      {HTTP_METHOD_POST, "POST"},
      {GH, "GET, HEAD"},
      {HTTP_METHOD_DELETE | HTTP_METHOD_PATCH | HTTP_METHOD_GET,
       "GET, PATCH, DELETE"},
      {0x7f, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    char out[96];
    memset(out, 'x', sizeof out);
    CHECK(http_methods_allow(v[i].mask, out, sizeof out) == out);
    CHECK_STR(out, v[i].text);
  }
}

void test_router_method_names(void) {
  CHECK_STR(http_method_name(HTTP_METHOD_GET), "GET");
  CHECK_STR(http_method_name(HTTP_METHOD_HEAD), "HEAD");
  CHECK_STR(http_method_name(HTTP_METHOD_POST), "POST");
  CHECK_STR(http_method_name(HTTP_METHOD_PUT), "PUT");
  CHECK_STR(http_method_name(HTTP_METHOD_PATCH), "PATCH");
  CHECK_STR(http_method_name(HTTP_METHOD_DELETE), "DELETE");
  CHECK_STR(http_method_name(HTTP_METHOD_OPTIONS), "OPTIONS");
  CHECK_STR(http_method_name(HTTP_METHOD_OTHER), "OTHER");
}

/* ------------------------------------------------------ session request */

#define ZEROS48                                                                \
  "000000000000000000000000"                                                   \
  "000000000000000000000000"
#define C HTTP_SESSION_CREATE
#define U HTTP_SESSION_UPDATE
#define OK 0, 0, NULL, ""
#define BAD_JSON PP_EINVAL, 400, "malformed_json", ""
#define BAD_BODY PP_EINVAL, 422, "invalid_body", ""
#define UNKNOWN(f) PP_EINVAL, 422, "unknown_field", f
#define INVALID(f) PP_EINVAL, 422, "invalid_field", f

/* Fills buf with '{"<key>":"' + n copies of unit + '"}'. */
static const char *repeat_body(char *buf, size_t bufsz, const char *key,
                               const char *unit, int n) {
  size_t o = (size_t)snprintf(buf, bufsz, "{\"%s\":\"", key);
  size_t ul = strlen(unit);
  for (int i = 0; i < n; i++) {
    CHECK(o + ul + 3 < bufsz);
    memcpy(buf + o, unit, ul);
    o += ul;
  }
  snprintf(buf + o, bufsz - o, "\"}");
  return buf;
}

void test_session_request_vectors(void) {
  static char t200a[1024], t201a[1024], t200e[1024], t201e[1024], t200m[1024],
      t201m[1024], p128[1024], p129[1024], p128e[1024], p129e[1024],
      longkey[256];
  repeat_body(t200a, sizeof t200a, "title", "a", 200);
  repeat_body(t201a, sizeof t201a, "title", "a", 201);
  repeat_body(t200e, sizeof t200e, "title", "\xc3\xa9", 200); /* 2 bytes */
  repeat_body(t201e, sizeof t201e, "title", "\xc3\xa9", 201);
  repeat_body(t200m, sizeof t200m, "title", "\xf0\x9f\x98\x80", 200); /* 4 */
  repeat_body(t201m, sizeof t201m, "title", "\xe2\x82\xac", 201);     /* 3 */
  repeat_body(p128, sizeof p128, "password", "p", 128);
  repeat_body(p129, sizeof p129, "password", "p", 129);
  repeat_body(p128e, sizeof p128e, "password", "\xc3\xa9", 128);
  repeat_body(p129e, sizeof p129e, "password", "\xc3\xa9", 129);
  snprintf(longkey, sizeof longkey, "{\"%0100d\":1}", 0); /* 100 zeros */
  const struct {
    const char *body;
    http_session_request_kind_t kind;
    int rc;
    int status;
    const char *code;
    const char *field;
  } v[] = {
      /* empty bodies count as {} */
      {"", C, OK},
      {"", U, OK},
      {" \r\n\t", C, OK},
      {"{}", C, OK},
      {" { } ", U, OK},
      /* malformed JSON */
      {"{", C, BAD_JSON},
      {"{\"title\":", C, BAD_JSON},
      {"{\"title\":\"a\",}", C, BAD_JSON},
      {"{'title':'a'}", C, BAD_JSON},
      {"{\"title\":\"a\"} x", C, BAD_JSON},
      {"{}{}", C, BAD_JSON},
      {"nope", C, BAD_JSON},
      {"{\"title\":\"a\\x\"}", C, BAD_JSON},
      {"{title:\"a\"}", U, BAD_JSON},
      /* invalid UTF-8 bytes */
      {"{\"title\":\"\xff\"}", C, BAD_JSON},
      {"{\"title\":\"\xc0\xaf\"}", C, BAD_JSON},
      {"{\"title\":\"\xed\xa0\x80\"}", C, BAD_JSON},
      {"{\"title\":\"\xe2\x82\"}", C, BAD_JSON},
      {"{\"title\":\"\xf4\x90\x80\x80\"}", C, BAD_JSON},
      {"{\"ti\xfftle\":\"a\"}", C, BAD_JSON},
      /* escapes that cannot be represented */
      {"{\"title\":\"a\\u0000b\"}", C, BAD_JSON},
      {"{\"title\\u0000\":\"a\"}", U, BAD_JSON},
      {"{\"title\":\"\\ud800\"}", C, BAD_JSON},
      /* duplicate keys are ambiguous: refused */
      {"{\"title\":\"a\",\"title\":\"b\"}", C, BAD_JSON},
      {"{\"ttl_seconds\":60,\"ttl_seconds\":61}", U, BAD_JSON},
      /* valid JSON, not an object */
      {"[]", C, BAD_BODY},
      {"[{\"title\":\"a\"}]", C, BAD_BODY},
      {"\"x\"", C, BAD_BODY},
      {"1", C, BAD_BODY},
      {"null", C, BAD_BODY},
      {"true", U, BAD_BODY},
      /* unknown fields */
      {"{\"foo\":1}", C, UNKNOWN("foo")},
      {"{\"foo\":1}", U, UNKNOWN("foo")},
      {"{\"Title\":\"a\"}", C, UNKNOWN("Title")},
      {"{\"id\":\"x\"}", U, UNKNOWN("id")},
      {"{\"code\":\"x\"}", U, UNKNOWN("code")},
      {"{\"is_active\":true}", C, UNKNOWN("is_active")},
      {"{\"is_active\":false}", U, OK},
      {longkey, C, UNKNOWN(ZEROS48)}, /* long names are cut to 48 bytes */
      /* title */
      {"{\"title\":\"\"}", C, OK},
      {"{\"title\":\"Interview \xe2\x80\x94 backend\"}", C, OK},
      {"{\"title\":1}", C, INVALID("title")},
      {"{\"title\":null}", C, INVALID("title")},
      {"{\"title\":null}", U, INVALID("title")},
      {"{\"title\":true}", U, INVALID("title")},
      {"{\"title\":[\"a\"]}", C, INVALID("title")},
      {"{\"title\":{}}", C, INVALID("title")},
      {t200a, C, OK},
      {t201a, C, INVALID("title")},
      {t200e, C, OK},
      {t201e, C, INVALID("title")},
      {t200m, U, OK},
      {t201m, U, INVALID("title")},
      {"{\"title\":\"a\\tb\"}", C, INVALID("title")},
      {"{\"title\":\"a\\nb\"}", C, INVALID("title")},
      {"{\"title\":\"\\u001f\"}", C, INVALID("title")},
      {"{\"title\":\"\x7f\"}", C, INVALID("title")},
      {"{\"title\":\"\\u007f\"}", U, INVALID("title")},
      {"{\"title\":\"a\xc2\x85z\"}", C, INVALID("title")}, /* U+0085 raw */
      {"{\"title\":\"a\\u0085z\"}", U, INVALID("title")},  /* and escaped */
      {"{\"title\":\"\\u009f\"}", C, INVALID("title")},
      {"{\"title\":\"\xc2\xa0\"}", C, OK}, /* U+00A0 is not a control */
      /* language */
      {"{\"language\":\"python\"}", C, OK},
      {"{\"language\":\"plaintext\"}", U, OK},
      {"{\"language\":\"Python\"}", C, INVALID("language")},
      {"{\"language\":\"brainfuck\"}", C, INVALID("language")},
      {"{\"language\":\"\"}", C, INVALID("language")},
      {"{\"language\":\"java \"}", C, INVALID("language")},
      {"{\"language\":1}", C, INVALID("language")},
      {"{\"language\":null}", U, INVALID("language")},
      /* password */
      {"{\"password\":\"s\"}", C, OK},
      {p128, C, OK},
      {p128e, U, OK},
      {"{\"password\":\"\"}", C, INVALID("password")},
      {"{\"password\":\"\"}", U, INVALID("password")},
      {p129, C, INVALID("password")},
      {p129e, U, INVALID("password")},
      {"{\"password\":null}", C, INVALID("password")},
      {"{\"password\":null}", U, OK},
      {"{\"password\":1234}", C, INVALID("password")},
      {"{\"password\":false}", U, INVALID("password")},
      /* ttl_seconds */
      {"{\"ttl_seconds\":59}", C, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":60}", C, OK},
      {"{\"ttl_seconds\":86400}", U, OK},
      {"{\"ttl_seconds\":2592000}", C, OK},
      {"{\"ttl_seconds\":2592001}", C, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":0}", C, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":-1}", U, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":1000000000000}", C, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":99999999999999999999}", C, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":-99999999999999999999}", U, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":1e400}", C, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":60.5}", C, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":6e1}", C, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":\"60\"}", C, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":null}", U, INVALID("ttl_seconds")},
      {"{\"ttl_seconds\":true}", C, INVALID("ttl_seconds")},
      /* is_active (PATCH only) */
      {"{\"is_active\":true}", U, OK},
      {"{\"is_active\":1}", U, INVALID("is_active")},
      {"{\"is_active\":\"true\"}", U, INVALID("is_active")},
      {"{\"is_active\":null}", U, INVALID("is_active")},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu: %.80s", i, v[i].body);
    collab_session_fields_t f;
    http_request_error_t err;
    memset(&f, 0x5a, sizeof f);
    int rc = http_session_request_parse(pp_bytes_str(v[i].body), v[i].kind, &f,
                                        &err);
    CHECK_INT(rc, v[i].rc);
    CHECK_INT(err.status, v[i].status);
    if (v[i].code) {
      CHECK_STR(err.code, v[i].code);
      CHECK(strlen(err.message) > 0);
      /* *out is zeroed on error */
      CHECK(!f.has_title && !f.title && !f.has_password && !f.password);
    } else {
      CHECK(err.code == NULL);
    }
    CHECK_STR(err.field, v[i].field);
    collab_session_fields_clear(&f);
  }
}

void test_session_request_accepts_all_fields(void) {
  collab_session_fields_t f;
  http_request_error_t err;
  const char *post = "{\"title\":\"Backend \xc3\xa9tape\",\"language\":\"cpp\","
                     "\"password\":\"s3cr\xc3\xa9t\",\"ttl_seconds\":3600}";
  CHECK_INT(http_session_request_parse(pp_bytes_str(post), C, &f, &err), 0);
  CHECK(f.has_title);
  CHECK_STR(f.title, "Backend \xc3\xa9tape");
  CHECK(f.has_language);
  CHECK_STR(f.language, "cpp");
  CHECK(f.has_password);
  CHECK_INT(f.password_len, 7);
  CHECK(memcmp(f.password, "s3cr\xc3\xa9t", 7) == 0);
  CHECK(f.has_ttl);
  CHECK_INT(f.ttl_seconds, 3600);
  CHECK(!f.has_is_active);
  collab_session_fields_clear(&f);
  CHECK(f.title == NULL && f.password == NULL && !f.has_title);

  const char *patch = "{\"is_active\":false,\"ttl_seconds\":2592000,"
                      "\"language\":\"plaintext\"}";
  CHECK_INT(http_session_request_parse(pp_bytes_str(patch), U, &f, &err), 0);
  CHECK(f.has_is_active);
  CHECK(!f.is_active);
  CHECK(f.has_ttl);
  CHECK_INT(f.ttl_seconds, 2592000);
  CHECK_STR(f.language, "plaintext");
  CHECK(!f.has_title && !f.has_password);
  collab_session_fields_clear(&f);

  /* An empty body sets nothing. */
  CHECK_INT(http_session_request_parse(pp_bytes("", 0), C, &f, &err), 0);
  CHECK(!f.has_title && !f.has_language && !f.has_password && !f.has_ttl &&
        !f.has_is_active);
  collab_session_fields_clear(&f);
}

void test_session_request_patch_password_null(void) {
  collab_session_fields_t f;
  http_request_error_t err;
  const char *body = "{\"password\":null}";
  CHECK_INT(http_session_request_parse(pp_bytes_str(body), U, &f, &err), 0);
  CHECK(f.has_password);
  CHECK(f.password == NULL);
  CHECK_INT(f.password_len, 0);
  collab_session_fields_clear(&f);
  CHECK_INT(http_session_request_parse(pp_bytes_str(body), C, &f, &err),
            PP_EINVAL);
  CHECK_INT(err.status, 422);
  CHECK_STR(err.code, "invalid_field");
  CHECK_STR(err.field, "password");
  CHECK(!f.has_password);
}

#undef C
#undef U
#undef OK
#undef BAD_JSON
#undef BAD_BODY
#undef UNKNOWN
#undef INVALID

/* ------------------------------------------------------------ languages */

void test_languages_table(void) {
  static const char *const ids[] = {
      "javascript", "typescript", "python", "c",      "cpp",
      "java",       "go",         "csharp", "ruby",   "rust",
      "sql",        "lua",        "php",    "kotlin", "plaintext"};
  size_t n = 0;
  const collab_language_t *t = collab_languages(&n);
  CHECK_INT(n, sizeof ids / sizeof ids[0]);
  for (size_t i = 0; i < n; i++) {
    CHECK_STR(t[i].id, ids[i]);
    CHECK(strlen(t[i].id) <= 24); /* fits collab_session_fields_t.language */
    CHECK(t[i].name && *t[i].name);
    CHECK(t[i].monaco && *t[i].monaco);
    CHECK(t[i].extension && *t[i].extension && t[i].extension[0] != '.');
    CHECK(collab_language_find(pp_bytes_str(ids[i])) == &t[i]);
  }
  CHECK(collab_language_find(pp_bytes_str(COLLAB_DEFAULT_LANGUAGE)) != NULL);
  CHECK_STR(collab_language_find(pp_bytes_str("cpp"))->name, "C++");
  CHECK(collab_language_find(pp_bytes("pythonic", 6)) == &t[2]); /* by len */
  CHECK(collab_language_find(pp_bytes_str("Python")) == NULL);
  CHECK(collab_language_find(pp_bytes_str("jav")) == NULL);
  CHECK(collab_language_find(pp_bytes_str("javascript ")) == NULL);
  CHECK(collab_language_find(pp_bytes("", 0)) == NULL);
}

/* ----------------------------------------------------------------- cors */

void test_cors_allow_list(void) {
  http_cors_t *c = http_cors_new(" https://a.example, http://b.test:8080/ ,,");
  CHECK(c != NULL);
  static const struct {
    const char *origin;
    bool allowed;
  } v[] = {
      {"https://a.example", true},
      {"http://b.test:8080", true},
      {"http://a.example", false}, /* scheme matters */
      {"https://b.test:8080", false},
      {"http://b.test", false}, /* port matters */
      {"https://a.example.evil", false},
      {"https://evil.a.example", false},
      {"https://A.EXAMPLE", false},
      {"https://a.example/", false}, /* an Origin never has a path */
      {"null", false},
      {"", false},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu", i);
    CHECK_INT(http_cors_allowed(c, pp_bytes_str(v[i].origin)), v[i].allowed);
  }
  http_cors_free(c);

  http_cors_t *none = http_cors_new("");
  CHECK(none != NULL);
  CHECK(!http_cors_allowed(none, pp_bytes_str("https://a.example")));
  CHECK(!http_cors_allowed(none, pp_bytes_str("")));
  http_cors_free(none);
  none = http_cors_new(NULL);
  CHECK(none != NULL);
  CHECK(!http_cors_allowed(none, pp_bytes_str("https://a.example")));
  http_cors_free(none);
}

void test_cors_same_origin(void) {
  static const struct {
    const char *origin, *host;
    bool same;
  } v[] = {
      {"http://localhost:8000", "localhost:8000", true},
      {"https://pad.example", "pad.example", true},
      {"http://localhost:8001", "localhost:8000", false},
      {"http://localhost:8000.evil", "localhost:8000", false},
      {"http://localhost", "localhost:8000", false},
      {"ftp://pad.example", "pad.example", false},
      {"pad.example", "pad.example", false},
      {"http://", "", false},
      {"", "", false},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu", i);
    CHECK_INT(http_cors_same_origin(pp_bytes_str(v[i].origin),
                                    pp_bytes_str(v[i].host)),
              v[i].same);
  }
}

/* --------------------------------------------------------- static files */

#define HTML "text/html; charset=utf-8"
#define JS "text/javascript; charset=utf-8"
#define TXT "text/plain; charset=utf-8"

void test_static_resolve_vectors(void) {
  char *root = test_tmpdir_new();
  test_write_file(root, "index.html", "<!doctype html>");
  test_write_file(root, "assets/app.123.js", "console.log(1)");
  test_write_file(root, "a.txt", "a");
  test_write_file(root, "lib/c++.txt", "plus");
  test_write_file(root, "two words.txt", "space");
  test_write_file(root, ".env", "SECRET=1");
  test_write_file(root, ".git/config", "[core]");
  const struct {
    const char *path;
    size_t len;
    http_static_result_t result;
    const char *file; /* relative to root; NULL = "" */
    const char *mime;
    bool immutable;
  } v[] = {
      {LIT("/"), HTTP_STATIC_FOUND, "/index.html", HTML, false},
      {LIT("/index.html"), HTTP_STATIC_FOUND, "/index.html", HTML, false},
      {LIT("/a.txt"), HTTP_STATIC_FOUND, "/a.txt", TXT, false},
      /* lws hands over '+' decoded to a space */
      {LIT("/lib/c  .txt"), HTTP_STATIC_FOUND, "/lib/c++.txt", TXT, false},
      {LIT("/two words.txt"), HTTP_STATIC_FOUND, "/two words.txt", TXT, false},
      {LIT("/lib/c .txt"), HTTP_STATIC_MISSING, NULL, NULL, false},
      {LIT("/assets/app.123.js"), HTTP_STATIC_FOUND, "/assets/app.123.js", JS,
       true},
      {LIT("/assets/app.999.js"), HTTP_STATIC_MISSING, NULL, NULL, false},
      {LIT("/missing.css"), HTTP_STATIC_MISSING, NULL, NULL, false},
      {LIT("/s/" SID), HTTP_STATIC_APP, "/index.html", HTML, false},
      {LIT("/s/" SID "/"), HTTP_STATIC_APP, "/index.html", HTML, false},
      {LIT("/new"), HTTP_STATIC_APP, "/index.html", HTML, false},
      {LIT("/assets"), HTTP_STATIC_APP, "/index.html", HTML, false},
      {LIT("/.."), HTTP_STATIC_FORBIDDEN, NULL, NULL, false},
      {LIT("/../etc/passwd"), HTTP_STATIC_FORBIDDEN, NULL, NULL, false},
      {LIT("/assets/../a.txt"), HTTP_STATIC_FORBIDDEN, NULL, NULL, false},
      {LIT("/assets/./app.123.js"), HTTP_STATIC_FORBIDDEN, NULL, NULL, false},
      {LIT("/.git/config"), HTTP_STATIC_FORBIDDEN, NULL, NULL, false},
      {LIT("/.env"), HTTP_STATIC_FORBIDDEN, NULL, NULL, false},
      {LIT("/a.txt\0.html"), HTTP_STATIC_FORBIDDEN, NULL, NULL, false},
      {LIT("a.txt"), HTTP_STATIC_FORBIDDEN, NULL, NULL, false},
      {LIT(""), HTTP_STATIC_FORBIDDEN, NULL, NULL, false},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu: %s", i, v[i].path);
    http_static_file_t f;
    memset(&f, 0x5a, sizeof f);
    CHECK_INT(http_static_resolve(root, pp_bytes(v[i].path, v[i].len), &f),
              v[i].result);
    if (v[i].file) {
      char want[4096];
      snprintf(want, sizeof want, "%s%s", root, v[i].file);
      CHECK_STR(f.file, want);
    }
    if (v[i].mime)
      CHECK_STR(f.mime, v[i].mime);
    CHECK_INT(f.immutable, v[i].immutable);
  }
  test_tmpdir_remove(root);
}

void test_static_resolve_app_without_build(void) {
  char *root = test_tmpdir_new();
  http_static_file_t f;
  CHECK_INT(http_static_resolve(root, pp_bytes_str("/s/abc"), &f),
            HTTP_STATIC_APP);
  CHECK_STR(f.file, ""); /* no index.html: the server says "not built" */
  CHECK_INT(http_static_resolve(root, pp_bytes_str("/"), &f), HTTP_STATIC_APP);
  CHECK_STR(f.file, "");
  CHECK_INT(http_static_resolve(root, pp_bytes_str("/app.js"), &f),
            HTTP_STATIC_MISSING);
  test_tmpdir_remove(root);
}

void test_static_mime_types(void) {
  static const struct {
    const char *name;
    const char *mime;
  } v[] = {
      {"index.html", HTML},
      {"app.123.js", JS},
      {"worker.mjs", JS},
      {"style.css", "text/css; charset=utf-8"},
      {"manifest.webmanifest", "application/manifest+json"},
      {"app.js.map", "application/json"},
      {"pyodide.wasm", "application/wasm"},
      {"logo.svg", "image/svg+xml"},
      {"font.woff2", "font/woff2"},
      {"font.woff", "font/woff"},
      {"notes.txt", TXT},
      {"archive.bin", "application/octet-stream"},
      {"README", "application/octet-stream"},
      {"", "application/octet-stream"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    CHECK_STR(http_static_mime(pp_bytes_str(v[i].name)), v[i].mime);
}

/* ------------------------------------------------------------- api docs */

static const pp_embedded_t *openapi_asset(void) {
  for (size_t i = 0; i < pp_assets_api_count; i++) {
    if (strcmp(pp_assets_api[i].name, "openapi.json") == 0)
      return &pp_assets_api[i];
  }
  return NULL;
}

void test_api_docs_render_lists_paths(void) {
  const pp_embedded_t *doc = openapi_asset();
  CHECK(doc != NULL);
  char *html = NULL;
  size_t len = 0;
  CHECK_INT(
      http_api_docs_render((const char *)doc->data, doc->len, &html, &len), 0);
  CHECK(html != NULL);
  CHECK_INT(strlen(html), len);
  CHECK(strncmp(html, "<!doctype html>", 15) == 0);
  static const char *const paths[] = {
      "/api/health",       "/api/languages",     "/api/config",
      "/api/sessions",     "/api/sessions/{id}", "/api/sessions/{id}/runs",
      "/api/openapi.json", "/api/docs"};
  char needle[128];
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    snprintf(needle, sizeof needle, "<code>%s</code>", paths[i]);
    if (!strstr(html, needle))
      fprintf(stderr, "missing %s\n", needle);
    CHECK(strstr(html, needle) != NULL);
  }
  /* Every path of the document is listed, and nothing else is. */
  json_t *root = json_loadb((const char *)doc->data, doc->len, 0, NULL);
  CHECK(root != NULL);
  json_t *jpaths = json_object_get(root, "paths");
  CHECK_INT(json_object_size(jpaths), sizeof paths / sizeof paths[0]);
  const char *key;
  json_t *item;
  json_object_foreach(jpaths, key, item) {
    snprintf(needle, sizeof needle, "<code>%s</code>", key);
    CHECK(strstr(html, needle) != NULL);
  }
  json_decref(root);
  /* Text from the document is HTML-escaped ("`<base>` in the URLs", "->"). */
  CHECK(strstr(html, "&lt;base&gt;") != NULL);
  CHECK(strstr(html, "&lt;Host header&gt;") != NULL);
  CHECK(strstr(html, "-&gt;") != NULL);
  CHECK(strstr(html, "<base>") == NULL);
  CHECK(strstr(html, "<Host header>") == NULL);
  free(html);
}

void test_api_docs_render_rejects_invalid_json(void) {
  char *html = (char *)"sentinel";
  size_t len = 99;
  CHECK_INT(http_api_docs_render("{\"openapi\":", 11, &html, &len), PP_EINVAL);
  CHECK(html == NULL);
  CHECK_INT(len, 0);
  CHECK_INT(http_api_docs_render(NULL, 0, &html, &len), PP_EINVAL);
  CHECK(html == NULL);
  CHECK_INT(len, 0);
}

void test_api_docs_render_escapes_html(void) {
  char *html = NULL;
  size_t len = 0;
  const char *doc = "{\"info\":{\"title\":\"<script>x&y\\\"</script>\"},"
                    "\"paths\":{\"/a<b>\":{\"get\":{\"summary\":\"<i>\"}}}}";
  CHECK_INT(http_api_docs_render(doc, strlen(doc), &html, &len), 0);
  CHECK(strstr(html, "&lt;script&gt;x&amp;y&quot;&lt;/script&gt;") != NULL);
  CHECK(strstr(html, "<code>/a&lt;b&gt;</code>") != NULL);
  CHECK(strstr(html, "&lt;i&gt;") != NULL);
  CHECK(strstr(html, "<script>") == NULL);
  free(html);
}

void test_accept_encoding_vectors(void) {
  static const struct {
    const char *header;
    const char *coding;
    bool want;
  } v[] = {
      {"gzip, deflate, br", "br", true},
      {"gzip, deflate, br", "gzip", true},
      {"gzip;q=1.0, br;q=0", "br", false},
      {"gzip;q=1.0, br;q=0.000", "br", false},
      {"br;q=0.5", "br", true},
      {"BR", "br", true},
      {"*", "gzip", true},
      {"identity", "gzip", false},
      {"", "br", false},
      {"gzipx, xbr", "br", false},
      {" ,, br ;q=0.1 ,", "br", true},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("Accept-Encoding \"%s\" / %s", v[i].header, v[i].coding);
    CHECK(http_accepts_encoding(pp_bytes_str(v[i].header), v[i].coding) ==
          v[i].want);
  }
}

void test_static_precompressed_variants(void) {
  char *dir = test_tmpdir_new();
  test_write_file(dir, "assets/app.js", "console.log(1)");
  test_write_file(dir, "assets/app.js.br", "BR");
  test_write_file(dir, "assets/app.js.gz", "GZ");
  test_write_file(dir, "assets/only.css", "a{}");
  test_write_file(dir, "assets/only.css.gz", "GZ");
  test_write_file(dir, "logo.png", "PNG");
  test_write_file(dir, "logo.png.gz", "GZ");
  http_static_file_t f;
  char out[4200];
  CHECK(http_static_resolve(dir, pp_bytes_str("/assets/app.js"), &f) ==
        HTTP_STATIC_FOUND);
  CHECK_STR(
      http_static_precompressed(&f, pp_bytes_str("gzip, br"), out, sizeof out),
      "br");
  CHECK(strstr(out, "/assets/app.js.br") != NULL);
  CHECK_STR(
      http_static_precompressed(&f, pp_bytes_str("gzip"), out, sizeof out),
      "gzip");
  CHECK(http_static_precompressed(&f, pp_bytes_str("identity"), out,
                                  sizeof out) == NULL);
  CHECK(http_static_resolve(dir, pp_bytes_str("/assets/only.css"), &f) ==
        HTTP_STATIC_FOUND);
  CHECK_STR(
      http_static_precompressed(&f, pp_bytes_str("br, gzip"), out, sizeof out),
      "gzip");
  /* tar archives (compiler resources) compress well */
  test_write_file(dir, "clang/1/res.tar", "TAR");
  test_write_file(dir, "clang/1/res.tar.br", "BR");
  CHECK(http_static_resolve(dir, pp_bytes_str("/clang/1/res.tar"), &f) ==
        HTTP_STATIC_FOUND);
  CHECK_STR(http_static_precompressed(&f, pp_bytes_str("br"), out, sizeof out),
            "br");
  /* already-compressed formats are never served with a coding */
  CHECK(http_static_resolve(dir, pp_bytes_str("/logo.png"), &f) ==
        HTTP_STATIC_FOUND);
  CHECK(http_static_precompressed(&f, pp_bytes_str("gzip"), out, sizeof out) ==
        NULL);
  test_tmpdir_remove(dir);
}

void test_origins_of_urls_and_hosts(void) {
  char out[HTTP_ORIGIN_MAX];
  CHECK(http_origin_of_url("https://run.example.com/path?x", out, sizeof out));
  CHECK_STR(out, "https://run.example.com");
  CHECK(http_origin_of_url("http://127.0.0.1:8001", out, sizeof out));
  CHECK_STR(out, "http://127.0.0.1:8001");
  CHECK(!http_origin_of_url("ftp://x", out, sizeof out));
  CHECK(!http_origin_of_url("https://", out, sizeof out));
  CHECK(!http_origin_of_url("https://a b/", out, sizeof out));
  CHECK(!http_origin_of_url("https://a;script-src *", out, sizeof out));
  CHECK(!http_origin_of_url("https://example.com", out, 8));

  CHECK(http_host_name(pp_bytes_str("localhost:8000"), out, sizeof out));
  CHECK_STR(out, "localhost");
  CHECK(http_host_name(pp_bytes_str("[::1]:8000"), out, sizeof out));
  CHECK_STR(out, "[::1]");
  CHECK(!http_host_name(pp_bytes_str("evil; frame-ancestors *"), out,
                        sizeof out));
  CHECK(!http_host_name(pp_bytes_str(""), out, sizeof out));
  CHECK(!http_host_name(pp_bytes_str(":8000"), out, sizeof out));
  CHECK(!http_host_name(pp_bytes_str("[::1"), out, sizeof out));

  CHECK(http_listener_origin(NULL, pp_bytes_str("box.lan:8000"), 8001, out,
                             sizeof out));
  CHECK_STR(out, "http://box.lan:8001");
  CHECK(http_listener_origin("https://run.example.com/", pp_bytes_str("x"),
                             8001, out, sizeof out));
  CHECK_STR(out, "https://run.example.com");
  CHECK(!http_listener_origin(NULL, pp_bytes_str("bad host"), 8001, out,
                              sizeof out));
}
