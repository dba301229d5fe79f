#include "auth/token.h"

#include <sodium.h>
#include <string.h>

void auth_token_hash(pp_bytes_t token, char hash_hex[AUTH_TOKEN_HASH_LEN + 1]) {
  unsigned char h[32];
  crypto_generichash(h, sizeof h, (const unsigned char *)token.ptr, token.len,
                     NULL, 0);
  sodium_bin2hex(hash_hex, AUTH_TOKEN_HASH_LEN + 1, h, sizeof h);
}

void auth_token_new(char token[AUTH_TOKEN_LEN + 1],
                    char hash_hex[AUTH_TOKEN_HASH_LEN + 1]) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(token, AUTH_TOKEN_LEN + 1, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  auth_token_hash(pp_bytes(token, AUTH_TOKEN_LEN), hash_hex);
}

bool auth_token_verify(pp_bytes_t token, const char *stored_hash_hex) {
  if (token.len == 0 || token.len > AUTH_TOKEN_MAX_INPUT || !stored_hash_hex ||
      strlen(stored_hash_hex) != AUTH_TOKEN_HASH_LEN)
    return false;
  char presented[AUTH_TOKEN_HASH_LEN + 1];
  auth_token_hash(token, presented);
  return sodium_memcmp(presented, stored_hash_hex, AUTH_TOKEN_HASH_LEN) == 0;
}

bool auth_bearer_token(pp_bytes_t header, pp_bytes_t *token) {
  static const char scheme[] = "bearer ";
  size_t n = sizeof scheme - 1;
  if (header.len <= n)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = header.ptr[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != scheme[i])
      return false;
  }
  size_t start = n;
  while (start < header.len && header.ptr[start] == ' ')
    start++;
  size_t end = header.len;
  while (end > start && header.ptr[end - 1] == ' ')
    end--;
  if (end == start || end - start > AUTH_TOKEN_MAX_INPUT)
    return false;
  *token = pp_bytes(header.ptr + start, end - start);
  return true;
}
