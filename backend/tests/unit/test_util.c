#include <sodium.h>

#include "test.h"
#include "test_support.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/config.h"
#include "util/error.h"
#include "util/log.h"
#include "util/ratelimit.h"
#include "util/utf8.h"
#include "util/uuid.h"

void test_error_names_are_snake_case(void) {
  for (int e = PP__ERR_FIRST + 1; e < PP__ERR_LAST; e++) {
    const char *n = pp_errname(e);
    CHECK(strlen(n) > 0);
    for (const char *p = n; *p; p++)
      CHECK((*p >= 'a' && *p <= 'z') || *p == '_');
    CHECK(strcmp(pp_strerror(e), "unknown error") != 0);
  }
  CHECK_STR(pp_errname(PP_ENOTFOUND), "not_found");
}

/* ------------------------------------------------------------------ buf */

void test_buf_append_respects_max(void) {
  pp_buf_t b;
  pp_buf_init(&b, 8);
  CHECK_INT(pp_buf_append(&b, "hello", 5), 0);
  CHECK_INT(pp_buf_append(&b, "abcd", 4), PP_ETOOLARGE);
  CHECK_INT(b.len, 5); /* a failed append leaves the buffer unchanged */
  CHECK_STR(b.data, "hello");
  CHECK_INT(pp_buf_append(&b, "abc", 3), 0);
  CHECK_INT(b.len, 8);
  CHECK_STR(b.data, "helloabc");
  CHECK_INT(pp_buf_appends(&b, "x"), PP_ETOOLARGE);
  CHECK_INT(pp_buf_append(&b, "", 0), 0);
  CHECK_INT(b.len, 8);
  pp_buf_reset(&b);
  CHECK_INT(b.len, 0);
  CHECK_STR(b.data, "");
  CHECK_INT(pp_buf_append(&b, "12345678", 8), 0);
  pp_buf_free(&b);
  CHECK(b.data == NULL);
}

void test_buf_appendf_formats(void) {
  pp_buf_t b;
  pp_buf_init(&b, 16);
  CHECK_INT(pp_buf_appendf(&b, "%d-%s", 42, "x"), 0);
  CHECK_INT(pp_buf_appendf(&b, "|%05.1f", 2.5), 0);
  CHECK_STR(b.data, "42-x|002.5");
  CHECK_INT(b.len, 10);
  /* 7 more bytes would exceed max 16: refused, unchanged. */
  CHECK_INT(pp_buf_appendf(&b, "%s", "1234567"), PP_ETOOLARGE);
  CHECK_STR(b.data, "42-x|002.5");
  CHECK_INT(pp_buf_appendf(&b, "%s", "123456"), 0);
  CHECK_INT(b.len, 16);
  size_t len = 0;
  char *s = pp_buf_steal(&b, &len);
  CHECK_INT(len, 16);
  CHECK_STR(s, "42-x|002.5123456");
  CHECK(b.data == NULL && b.len == 0);
  free(s);
  pp_buf_free(&b);
}

/* ----------------------------------------------------------------- utf8 */

typedef struct {
  const char *s;
  size_t len;
  long count;
} utf8_vector_t;

void test_utf8_counts_code_points(void) {
  static const utf8_vector_t v[] = {
      {LIT(""), 0},
      {LIT("abc"), 3},
      {LIT("a\0b"), 3},              /* NUL is a valid code point */
      {LIT("\x7f"), 1},              /* U+007F, last 1-byte */
      {LIT("\xc2\x80"), 1},          /* U+0080, first 2-byte */
      {LIT("\xc3\xa9t\xc3\xa9"), 3}, /* "été" */
      {LIT("\xdf\xbf"), 1},          /* U+07FF */
      {LIT("\xe0\xa0\x80"), 1},      /* U+0800, first 3-byte */
      {LIT("\xe2\x82\xac"), 1},      /* U+20AC euro sign */
      {LIT("\xed\x9f\xbf"), 1},      /* U+D7FF, just below surrogates */
      {LIT("\xee\x80\x80"), 1},      /* U+E000, just above surrogates */
      {LIT("\xef\xbf\xbf"), 1},      /* U+FFFF */
      {LIT("\xf0\x90\x80\x80"), 1},  /* U+10000, first 4-byte */
      {LIT("\xf0\x9f\x98\x80!"), 2}, /* U+1F600 then "!" */
      {LIT("\xf4\x8f\xbf\xbf"), 1},  /* U+10FFFF, the maximum */
      {LIT("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), 4},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu", i);
    CHECK_INT(pp_utf8_count(pp_bytes(v[i].s, v[i].len)), v[i].count);
  }
}

void test_utf8_rejects_invalid_sequences(void) {
  static const utf8_vector_t v[] = {
      {LIT("\x80"), -1},                     /* lone continuation byte */
      {LIT("a\xbf"), -1},                    /* continuation after ASCII */
      {LIT("\xc0\x80"), -1},                 /* overlong NUL */
      {LIT("\xc0\xaf"), -1},                 /* overlong '/' */
      {LIT("\xc1\xbf"), -1},                 /* overlong U+007F */
      {LIT("\xe0\x80\x80"), -1},             /* overlong 3-byte NUL */
      {LIT("\xe0\x9f\xbf"), -1},             /* overlong U+07FF */
      {LIT("\xf0\x80\x80\x80"), -1},         /* overlong 4-byte NUL */
      {LIT("\xf0\x8f\xbf\xbf"), -1},         /* overlong U+FFFF */
      {LIT("\xed\xa0\x80"), -1},             /* U+D800 high surrogate */
      {LIT("\xed\xbf\xbf"), -1},             /* U+DFFF low surrogate */
      {LIT("\xed\xa0\xbd\xed\xb8\x80"), -1}, /* CESU-8 surrogate pair */
      {LIT("\xf4\x90\x80\x80"), -1},         /* U+110000 */
      {LIT("\xf5\x80\x80\x80"), -1},         /* lead byte beyond U+10FFFF */
      {LIT("\xf8\x88\x80\x80\x80"), -1},     /* 5-byte form */
      {LIT("\xfe"), -1},
      {LIT("\xff"), -1},
      {LIT("\xc3"), -1},         /* truncated 2-byte */
      {LIT("\xe2\x82"), -1},     /* truncated 3-byte */
      {LIT("\xf0\x9f\x98"), -1}, /* truncated 4-byte */
      {LIT("ok\xf0\x9f"), -1},   /* truncated at the end */
      {LIT("\xc3\x28"), -1},     /* bad continuation */
      {LIT("\xe2\x28\xa1"), -1}, /* bad first continuation */
      {LIT("\xe2\x82\x28"), -1}, /* bad second continuation */
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu", i);
    CHECK_INT(pp_utf8_count(pp_bytes(v[i].s, v[i].len)), v[i].count);
  }
}

void test_utf8_detects_control_characters(void) {
  static const struct {
    const char *s;
    size_t len;
    bool control;
  } v[] = {
      {LIT(""), false},
      {LIT("plain title"), false},
      {LIT("\xc3\xa9t\xc3\xa9"), false},
      {LIT("\xc2\xa0"), false},         /* U+00A0 no-break space */
      {LIT("\xc2\xbf"), false},         /* U+00BF */
      {LIT("\xe2\x80\xa8"), false},     /* U+2028 line separator: Zl */
      {LIT("\xf0\x9f\x98\x80"), false}, /* emoji */
      {LIT("a\0b"), true},              /* U+0000 */
      {LIT("a\tb"), true},
      {LIT("line\n"), true},
      {LIT("\r"), true},
      {LIT("\x1b[31m"), true}, /* ESC */
      {LIT("\x1f"), true},
      {LIT("\x7f"), true},       /* DEL */
      {LIT("\xc2\x80"), true},   /* U+0080, first C1 */
      {LIT("a\xc2\x85z"), true}, /* U+0085 NEL */
      {LIT("\xc2\x9f"), true},   /* U+009F, last C1 */
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu", i);
    CHECK_INT(pp_utf8_has_control(pp_bytes(v[i].s, v[i].len)), v[i].control);
  }
}

/* ----------------------------------------------------------------- uuid */

void test_uuid_v4_is_valid_and_unique(void) {
  CHECK(sodium_init() >= 0);
  enum { N = 256 };
  static char ids[N][PP_UUID_LEN + 1];
  for (int i = 0; i < N; i++) {
    pp_uuid_v4(ids[i]);
    CHECK_INT(strlen(ids[i]), PP_UUID_LEN);
    CHECK(pp_uuid_is_valid_v4(pp_bytes_str(ids[i])));
    for (int j = 0; j < i; j++)
      CHECK(strcmp(ids[i], ids[j]) != 0);
  }
}

void test_uuid_validation_vectors(void) {
  static const struct {
    const char *s;
    size_t len;
    bool valid;
  } v[] = {
      {LIT("0b6f3c2e-9d4a-4e1b-8c7f-2a5d6e8f9a10"), true},
      {LIT("00000000-0000-4000-8000-000000000000"), true},
      {LIT("ffffffff-ffff-4fff-bfff-ffffffffffff"), true},
      {LIT("0b6f3c2e-9d4a-4e1b-9c7f-2a5d6e8f9a10"), true},   /* variant 9 */
      {LIT("0b6f3c2e-9d4a-4e1b-ac7f-2a5d6e8f9a10"), true},   /* variant a */
      {LIT("0B6F3C2E-9D4A-4E1B-8C7F-2A5D6E8F9A10"), false},  /* upper case */
      {LIT("0b6f3c2e-9d4a-4e1b-8c7F-2a5d6e8f9a10"), false},  /* one upper */
      {LIT("0b6f3c2e-9d4a-1e1b-8c7f-2a5d6e8f9a10"), false},  /* version 1 */
      {LIT("0b6f3c2e-9d4a-5e1b-8c7f-2a5d6e8f9a10"), false},  /* version 5 */
      {LIT("0b6f3c2e-9d4a-4e1b-7c7f-2a5d6e8f9a10"), false},  /* variant 7 */
      {LIT("0b6f3c2e-9d4a-4e1b-cc7f-2a5d6e8f9a10"), false},  /* variant c */
      {LIT("0b6f3c2e-9d4a-4e1b-8c7f-2a5d6e8f9a1"), false},   /* 35 chars */
      {LIT("0b6f3c2e-9d4a-4e1b-8c7f-2a5d6e8f9a100"), false}, /* 37 chars */
      {LIT("0b6f3c2e9d4a4e1b8c7f2a5d6e8f9a10"), false},      /* no dashes */
      {LIT("0b6f3c2e-9d4a4-e1b-8c7f-2a5d6e8f9a10"), false},  /* dash moved */
      {LIT("0b6f3c2g-9d4a-4e1b-8c7f-2a5d6e8f9a10"), false},  /* 'g' */
      {LIT("{b6f3c2e-9d4a-4e1b-8c7f-2a5d6e8f9a1}"), false},
      {LIT("0b6f3c2e-9d4a-4e1b-8c7f-2a5d6e8f9a1\0"), false}, /* NUL */
      {LIT(""), false},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu", i);
    CHECK_INT(pp_uuid_is_valid_v4(pp_bytes(v[i].s, v[i].len)), v[i].valid);
  }
}

/* ---------------------------------------------------------------- clock */

void test_rfc3339_formats_utc_millis(void) {
  static const struct {
    int64_t ms;
    const char *text;
  } v[] = {
      {0, "1970-01-01T00:00:00.000Z"},
      {1, "1970-01-01T00:00:00.001Z"},
      {-1, "1969-12-31T23:59:59.999Z"},
      {951782400000, "2000-02-29T00:00:00.000Z"},
      {1795748645123, "2026-11-27T03:04:05.123Z"},
      {253402300799999, "9999-12-31T23:59:59.999Z"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    char out[PP_RFC3339_LEN + 1];
    memset(out, 'x', sizeof out);
    pp_format_rfc3339(v[i].ms, out);
    CHECK_STR(out, v[i].text);
  }
}

/* ------------------------------------------------------------ ratelimit */

void test_ratelimit_allows_burst_then_limits(void) {
  pp_ratelimit_t *rl = pp_ratelimit_new(64, 3, 6000);
  CHECK(rl != NULL);
  pp_bytes_t key = pp_bytes_str("192.0.2.1");
  int retry = 0;
  for (int i = 0; i < 3; i++)
    CHECK(pp_ratelimit_take(rl, key, 1000, &retry));
  CHECK(!pp_ratelimit_take(rl, key, 1000, &retry));
  CHECK_INT(retry, 6);
  CHECK(!pp_ratelimit_take(rl, key, 1000, NULL));
  pp_ratelimit_free(rl);
}

void test_ratelimit_refills_over_time(void) {
  pp_ratelimit_t *rl = pp_ratelimit_new(64, 2, 1000);
  CHECK(rl != NULL);
  pp_bytes_t key = pp_bytes_str("192.0.2.7");
  int retry = 0;
  CHECK(pp_ratelimit_take(rl, key, 0, &retry));
  CHECK(pp_ratelimit_take(rl, key, 0, &retry));
  CHECK(!pp_ratelimit_take(rl, key, 0, &retry));
  CHECK_INT(retry, 1);
  CHECK(!pp_ratelimit_take(rl, key, 500, &retry)); /* half a token */
  CHECK_INT(retry, 1);
  CHECK(pp_ratelimit_take(rl, key, 1000, &retry)); /* one whole token */
  CHECK(!pp_ratelimit_take(rl, key, 1000, &retry));
  /* A long pause refills up to the burst, never beyond. */
  CHECK(pp_ratelimit_take(rl, key, 60000, &retry));
  CHECK(pp_ratelimit_take(rl, key, 60000, &retry));
  CHECK(!pp_ratelimit_take(rl, key, 60000, &retry));
  pp_ratelimit_free(rl);
}

void test_ratelimit_keys_are_independent(void) {
  pp_ratelimit_t *rl = pp_ratelimit_new(64, 2, 10000);
  CHECK(rl != NULL);
  pp_bytes_t a = pp_bytes_str("10.0.0.1");
  pp_bytes_t b = pp_bytes_str("10.0.0.10"); /* a is a prefix of b */
  CHECK(pp_ratelimit_take(rl, a, 0, NULL));
  CHECK(pp_ratelimit_take(rl, a, 0, NULL));
  CHECK(!pp_ratelimit_take(rl, a, 0, NULL));
  CHECK(pp_ratelimit_take(rl, b, 0, NULL));
  CHECK(pp_ratelimit_take(rl, b, 0, NULL));
  CHECK(!pp_ratelimit_take(rl, b, 0, NULL));
  CHECK(!pp_ratelimit_take(rl, a, 0, NULL));
  pp_ratelimit_free(rl);
}

void test_ratelimit_table_stays_bounded(void) {
  pp_ratelimit_t *rl = pp_ratelimit_new(16, 2, 60000);
  CHECK(rl != NULL);
  char key[32];
  for (int i = 0; i < 10000; i++) {
    int n = snprintf(key, sizeof key, "198.51.%d.%d", i / 256, i % 256);
    /* Every new address gets its first token, however full the table. */
    CHECK(pp_ratelimit_take(rl, pp_bytes(key, (size_t)n), i, NULL));
  }
  pp_bytes_t fresh = pp_bytes_str("203.0.113.99");
  int retry = 0;
  CHECK(pp_ratelimit_take(rl, fresh, 10000, &retry));
  CHECK(pp_ratelimit_take(rl, fresh, 10000, &retry));
  CHECK(!pp_ratelimit_take(rl, fresh, 10000, &retry));
  CHECK_INT(retry, 60);
  pp_ratelimit_free(rl);
}

/* --------------------------------------------------------------- config */

static const char *const *fake_env; /* NULL-terminated name, value pairs */

static const char *fake_getenv(const char *name) {
  for (const char *const *p = fake_env; p && p[0]; p += 2) {
    if (strcmp(p[0], name) == 0)
      return p[1];
  }
  return NULL;
}

void test_config_defaults_match_protocol(void) {
  pp_config_t cfg;
  CHECK_INT(pp_config_defaults(&cfg), 0);
  CHECK_STR(cfg.host, "127.0.0.1");
  CHECK_INT(cfg.port, 8000);
  CHECK_INT(cfg.runner_port, 8001);
  CHECK_STR(cfg.database_url, "sqlite:./data/pairpad.db");
  CHECK(cfg.redis_url == NULL);
  CHECK_STR(cfg.static_dir, "frontend/dist");
  CHECK(!cfg.socketio_conformance);
  CHECK(cfg.rate_limits);
  CHECK(!cfg.help && !cfg.version);
  /* No environment and no arguments change nothing. */
  static const char *const empty_env[] = {NULL};
  fake_env = empty_env;
  char prog[] = "pairpad";
  char *argv[] = {prog, NULL};
  char err[256];
  CHECK_INT(pp_config_parse(&cfg, 1, argv, fake_getenv, err, sizeof err), 0);
  CHECK_STR(err, "");
  CHECK_INT(cfg.port, 8000);
  CHECK_STR(cfg.host, "127.0.0.1");
  pp_config_free(&cfg);
  CHECK(cfg.host == NULL);
}

void test_config_env_then_argv_precedence(void) {
  static const char *const env[] = {"PAIRPAD_PORT",
                                    "9000",
                                    "PAIRPAD_HOST",
                                    "0.0.0.0",
                                    "DATABASE_URL",
                                    "sqlite:/tmp/env.db",
                                    "PAIRPAD_RATE_LIMITS",
                                    "off",
                                    "PAIRPAD_STATIC_DIR",
                                    "", /* empty values are ignored */
                                    NULL};
  fake_env = env;
  char a0[] = "pairpad", a1[] = "--port", a2[] = "9100",
       a3[] = "--database-url=postgres://db.example/pairpad",
       a4[] = "--socketio-conformance", a5[] = "--runner-port=0";
  char *argv[] = {a0, a1, a2, a3, a4, a5, NULL};
  pp_config_t cfg;
  CHECK_INT(pp_config_defaults(&cfg), 0);
  char err[256];
  CHECK_INT(pp_config_parse(&cfg, 6, argv, fake_getenv, err, sizeof err), 0);
  CHECK_STR(err, "");
  CHECK_INT(cfg.port, 9100);      /* argv beats env */
  CHECK_STR(cfg.host, "0.0.0.0"); /* env beats default */
  CHECK_STR(cfg.database_url, "postgres://db.example/pairpad"); /* --opt= */
  CHECK(!cfg.rate_limits);                                      /* env */
  CHECK(cfg.socketio_conformance);                              /* bare flag */
  CHECK_INT(cfg.runner_port, 0);
  CHECK_STR(cfg.static_dir, "frontend/dist");
  pp_config_free(&cfg);
}

void test_config_rejects_bad_values(void) {
  static const struct {
    const char *env_name, *env_value; /* NULL: no environment */
    const char *args[3];              /* after argv[0], NULL-terminated */
    const char *message;
  } v[] = {
      {NULL,
       NULL,
       {"--port", "70000"},
       "--port: expected a port number 0-65535, got '70000'"},
      {NULL,
       NULL,
       {"--port", "abc"},
       "--port: expected a port number 0-65535, got 'abc'"},
      {NULL,
       NULL,
       {"--port", "-1"},
       "--port: expected a port number 0-65535, got '-1'"},
      {NULL,
       NULL,
       {"--port=80x"},
       "--port: expected a port number 0-65535, got '80x'"},
      {NULL,
       NULL,
       {"--port="},
       "--port: expected a port number 0-65535, got ''"},
      {NULL,
       NULL,
       {"--runner-port", "65536"},
       "--runner-port: expected a port number 0-65535, got '65536'"},
      {NULL, NULL, {"--port"}, "option --port needs a value"},
      {NULL, NULL, {"--host"}, "option --host needs a value"},
      {NULL, NULL, {"--nope"}, "unknown option '--nope' (see --help)"},
      {NULL, NULL, {"--nope=1"}, "unknown option '--nope' (see --help)"},
      {NULL, NULL, {"stray"}, "unexpected argument 'stray' (see --help)"},
      {NULL,
       NULL,
       {"--rate-limits", "maybe"},
       "--rate-limits: expected on or off, got 'maybe'"},
      {NULL,
       NULL,
       {"--db-pool-size", "0"},
       "--db-pool-size: expected an integer 1-64, got '0'"},
      {"PAIRPAD_PORT",
       "99999",
       {NULL},
       "--port: expected a port number 0-65535, got '99999' (from "
       "$PAIRPAD_PORT)"},
      {"PAIRPAD_RATE_LIMITS",
       "sometimes",
       {NULL},
       "--rate-limits: expected on or off, got 'sometimes' (from "
       "$PAIRPAD_RATE_LIMITS)"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu", i);
    const char *env[] = {v[i].env_name, v[i].env_value, NULL};
    fake_env = env;
    char prog[] = "pairpad";
    char args[3][64];
    char *argv[5] = {prog};
    int argc = 1;
    for (int k = 0; k < 3 && v[i].args[k]; k++) {
      snprintf(args[k], sizeof args[k], "%s", v[i].args[k]);
      argv[argc++] = args[k];
    }
    pp_config_t cfg;
    CHECK_INT(pp_config_defaults(&cfg), 0);
    char err[256];
    CHECK_INT(pp_config_parse(&cfg, argc, argv, fake_getenv, err, sizeof err),
              PP_EINVAL);
    CHECK_STR(err, v[i].message);
    pp_config_free(&cfg);
  }
}

/* ------------------------------------------------------------------ log */

void test_log_quote_escapes(void) {
  static const struct {
    const char *s;
    size_t len;
    size_t outsz;
    const char *quoted;
  } v[] = {
      {LIT(""), 64, "\"\""},
      {LIT("plain"), 64, "\"plain\""},
      {LIT("say \"hi\""), 64, "\"say \\\"hi\\\"\""},
      {LIT("C:\\dir"), 64, "\"C:\\\\dir\""},
      {LIT("a\nb\tc"), 64, "\"a\\x0ab\\x09c\""},
      {LIT("nul\0!"), 64, "\"nul\\x00!\""},
      {LIT("\x7f\x1b"), 64, "\"\\x7f\\x1b\""},
      {LIT("\xc3\xa9"), 64, "\"\\xc3\\xa9\""}, /* bytes >= 0x80 as hex */
      {LIT("abcdefgh"), 8, "\"abcde\""},       /* truncated, still closed */
      {LIT("ab\ncd"), 8, "\"ab\""},            /* escapes are never cut */
      {LIT("abc"), 3, "\"\""},
      {LIT("abc"), 2, ""},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu", i);
    char out[64];
    memset(out, 'x', sizeof out);
    pp_log_quote(v[i].s, v[i].len, out, v[i].outsz);
    CHECK_STR(out, v[i].quoted);
    CHECK(strlen(out) < v[i].outsz);
  }
}
