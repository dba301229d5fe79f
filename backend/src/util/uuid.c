#include "util/uuid.h"

#include <sodium.h>

void pp_uuid_v4(char out[PP_UUID_LEN + 1]) {
  static const char hex[] = "0123456789abcdef";
  unsigned char r[16];
  randombytes_buf(r, sizeof r);
  r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
  r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
  size_t o = 0;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[o++] = '-';
    out[o++] = hex[r[i] >> 4];
    out[o++] = hex[r[i] & 0x0f];
  }
  out[o] = '\0';
}

static bool uuid__is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool pp_uuid_is_valid_v4(pp_bytes_t s) {
  if (s.len != PP_UUID_LEN)
    return false;
  for (size_t i = 0; i < s.len; i++) {
    char c = s.ptr[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-')
        return false;
    } else if (!uuid__is_hex(c)) {
      return false;
    }
  }
  if (s.ptr[14] != '4')
    return false;
  char v = s.ptr[19];
  return v == '8' || v == '9' || v == 'a' || v == 'b';
}
