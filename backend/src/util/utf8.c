#include "util/utf8.h"

#include <stdint.h>

long pp_utf8_count(pp_bytes_t s) {
  const unsigned char *p = (const unsigned char *)s.ptr;
  size_t i = 0;
  long count = 0;
  while (i < s.len) {
    unsigned char c = p[i];
    size_t need;
    uint32_t cp;
    if (c < 0x80) {
      i++;
      count++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
    } else {
      return -1;
    }
    if (s.len - i - 1 < need)
      return -1;
    for (size_t k = 1; k <= need; k++) {
      unsigned char cc = p[i + k];
      if ((cc & 0xc0) != 0x80)
        return -1;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return -1;
    i += need + 1;
    count++;
  }
  return count;
}

bool pp_utf8_has_control(pp_bytes_t s) {
  const unsigned char *p = (const unsigned char *)s.ptr;
  for (size_t i = 0; i < s.len; i++) {
    if (p[i] < 0x20 || p[i] == 0x7f)
      return true;
    /* C1 controls U+0080..U+009F are encoded as C2 80..C2 9F. */
    if (p[i] == 0xc2 && i + 1 < s.len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
      return true;
  }
  return false;
}
