#include <sodium.h>

#include "auth/password.h"
#include "auth/token.h"
#include "test.h"
#include "test_support.h"
#include "util/error.h"

static bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

void test_token_roundtrip_verifies(void) {
  CHECK(sodium_init() >= 0);
  char token[AUTH_TOKEN_LEN + 1], hash[AUTH_TOKEN_HASH_LEN + 1];
  auth_token_new(token, hash);
  CHECK_INT(strlen(token), AUTH_TOKEN_LEN);
  for (size_t i = 0; i < AUTH_TOKEN_LEN; i++)
    CHECK(is_base64url(token[i]));
  CHECK_INT(strlen(hash), AUTH_TOKEN_HASH_LEN);
  for (size_t i = 0; i < AUTH_TOKEN_HASH_LEN; i++)
    CHECK(is_lower_hex(hash[i]));
  char again[AUTH_TOKEN_HASH_LEN + 1];
  auth_token_hash(pp_bytes_str(token), again);
  CHECK_STR(again, hash);
  CHECK(auth_token_verify(pp_bytes_str(token), hash));
  /* The hash is BLAKE2b-256 (known answer). */
  auth_token_hash(pp_bytes_str("abc"), again);
  CHECK_STR(again,
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  char token2[AUTH_TOKEN_LEN + 1], hash2[AUTH_TOKEN_HASH_LEN + 1];
  auth_token_new(token2, hash2);
  CHECK(strcmp(token, token2) != 0);
  CHECK(strcmp(hash, hash2) != 0);
}

void test_token_rejects_wrong_and_oversized(void) {
  CHECK(sodium_init() >= 0);
  char token[AUTH_TOKEN_LEN + 1], hash[AUTH_TOKEN_HASH_LEN + 1];
  auth_token_new(token, hash);
  char wrong[AUTH_TOKEN_LEN + 1];
  memcpy(wrong, token, sizeof wrong);
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  CHECK(!auth_token_verify(pp_bytes_str(wrong), hash));
  CHECK(!auth_token_verify(pp_bytes(token, AUTH_TOKEN_LEN - 1), hash));
  CHECK(!auth_token_verify(pp_bytes("", 0), hash));
  CHECK(!auth_token_verify(pp_bytes_str(token), NULL));
  CHECK(!auth_token_verify(pp_bytes_str(token), ""));
  char short_hash[AUTH_TOKEN_HASH_LEN];
  memcpy(short_hash, hash, AUTH_TOKEN_HASH_LEN - 1);
  short_hash[AUTH_TOKEN_HASH_LEN - 1] = '\0';
  CHECK(!auth_token_verify(pp_bytes_str(token), short_hash));

  /* A presented token of AUTH_TOKEN_MAX_INPUT bytes is checked; one byte
   * more is refused even when its hash matches. */
  char big[AUTH_TOKEN_MAX_INPUT + 1];
  memset(big, 'a', sizeof big);
  char big_hash[AUTH_TOKEN_HASH_LEN + 1];
  auth_token_hash(pp_bytes(big, AUTH_TOKEN_MAX_INPUT), big_hash);
  CHECK(auth_token_verify(pp_bytes(big, AUTH_TOKEN_MAX_INPUT), big_hash));
  auth_token_hash(pp_bytes(big, AUTH_TOKEN_MAX_INPUT + 1), big_hash);
  CHECK(!auth_token_verify(pp_bytes(big, AUTH_TOKEN_MAX_INPUT + 1), big_hash));
}

void test_bearer_header_parsing(void) {
  static char max_ok[7 + AUTH_TOKEN_MAX_INPUT + 1] = "Bearer ";
  static char too_long[7 + AUTH_TOKEN_MAX_INPUT + 2] = "Bearer ";
  memset(max_ok + 7, 't', AUTH_TOKEN_MAX_INPUT);
  memset(too_long + 7, 't', AUTH_TOKEN_MAX_INPUT + 1);
  const struct {
    const char *header;
    size_t len;
    bool ok;
    const char *token;
    size_t token_len;
  } v[] = {
      {LIT("Bearer abc"), true, LIT("abc")},
      {LIT("bearer abc"), true, LIT("abc")},
      {LIT("BEARER abc"), true, LIT("abc")},
      {LIT("bEaReR abc"), true, LIT("abc")},
      {LIT("Bearer   abc  "), true, LIT("abc")},
      {LIT("Bearer a-b_c.d~e+f/g="), true, LIT("a-b_c.d~e+f/g=")},
      {max_ok, sizeof max_ok - 1, true, max_ok + 7, AUTH_TOKEN_MAX_INPUT},
      {too_long, sizeof too_long - 1, false, NULL, 0},
      {LIT(""), false, NULL, 0},
      {LIT("Bearer"), false, NULL, 0},
      {LIT("Bearer "), false, NULL, 0},
      {LIT("Bearer     "), false, NULL, 0},
      {LIT("Bearerabc"), false, NULL, 0},
      {LIT("Bearer\tabc"), false, NULL, 0},
      {LIT("Basic YWxhZGRpbjpvcGVuc2VzYW1l"), false, NULL, 0},
      {LIT("Token abc"), false, NULL, 0},
      {LIT(" Bearer abc"), false, NULL, 0},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    test_ctx("vector %zu", i);
    pp_bytes_t tok = {NULL, 0};
    CHECK_INT(auth_bearer_token(pp_bytes(v[i].header, v[i].len), &tok),
              v[i].ok);
    if (v[i].ok) {
      CHECK_INT(tok.len, v[i].token_len);
      CHECK(memcmp(tok.ptr, v[i].token, tok.len) == 0);
      /* borrowed from the header */
      CHECK(tok.ptr >= v[i].header &&
            tok.ptr + tok.len <= v[i].header + v[i].len);
    }
  }
}

void test_password_hash_is_argon2id_and_verifies(void) {
  CHECK(sodium_init() >= 0);
  pp_bytes_t pw = pp_bytes_str("correct horse \xc3\xa9");
  char hash[AUTH_PASSWORD_HASH_MAX];
  CHECK_INT(auth_password_hash(pw, hash), 0);
  CHECK(strncmp(hash, "$argon2id$", 10) == 0);
  CHECK(strlen(hash) < AUTH_PASSWORD_HASH_MAX);
  CHECK_INT(auth_password_verify(hash, pw), 0);
  CHECK_INT(auth_password_verify(hash, pp_bytes_str("correct horse e")),
            PP_EPASSWORD_WRONG);
  CHECK_INT(auth_password_verify(hash, pp_bytes("", 0)), PP_EPASSWORD_WRONG);
  CHECK_INT(auth_password_verify(NULL, pw), PP_EPASSWORD_WRONG);
  CHECK_INT(auth_password_verify("", pw), PP_EPASSWORD_WRONG);
  /* A fresh salt every time. */
  char hash2[AUTH_PASSWORD_HASH_MAX];
  CHECK_INT(auth_password_hash(pw, hash2), 0);
  CHECK(strcmp(hash, hash2) != 0);
  CHECK_INT(auth_password_verify(hash2, pw), 0);
}
