#include "collab/awareness.h"

#include "util/error.h"
#include "util/utf8.h"

int collab_varuint_read(pp_bytes_t in, size_t *pos, uint64_t *out) {
  uint64_t v = 0;
  unsigned shift = 0;
  for (;;) {
    if (*pos >= in.len || shift > 49)
      return PP_EINVAL; /* truncated, or more than 8 bytes (> 53 bits) */
    unsigned char b = (unsigned char)in.ptr[(*pos)++];
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      break;
    shift += 7;
  }
  if (v > COLLAB_VARUINT_MAX)
    return PP_EINVAL;
  *out = v;
  return 0;
}

int collab_varuint_write(pp_buf_t *out, uint64_t v) {
  unsigned char tmp[10];
  size_t n = 0;
  do {
    unsigned char b = (unsigned char)(v & 0x7f);
    v >>= 7;
    tmp[n++] = (unsigned char)(b | (v ? 0x80 : 0));
  } while (v);
  return pp_buf_append(out, tmp, n);
}

int collab_awareness_decode(pp_bytes_t update, collab_awareness_entry_t *out,
                            size_t max, size_t *n) {
  size_t pos = 0;
  uint64_t count;
  *n = 0;
  if (collab_varuint_read(update, &pos, &count) || count == 0 || count > max)
    return PP_EINVAL;
  for (uint64_t i = 0; i < count; i++) {
    collab_awareness_entry_t *e = &out[i];
    uint64_t len;
    if (collab_varuint_read(update, &pos, &e->client_id) ||
        collab_varuint_read(update, &pos, &e->clock) ||
        collab_varuint_read(update, &pos, &len) ||
        len > COLLAB_AWARENESS_MAX_STATE || len > update.len - pos)
      return PP_EINVAL;
    e->state = pp_bytes(update.ptr + pos, (size_t)len);
    pos += (size_t)len;
    if (pp_utf8_count(e->state) < 0)
      return PP_EINVAL;
    e->removed = pp_bytes_eq(e->state, "null");
  }
  if (pos != update.len)
    return PP_EINVAL;
  *n = (size_t)count;
  return 0;
}

int collab_awareness_encode(const collab_awareness_entry_t *entries, size_t n,
                            pp_buf_t *out) {
  int rc = collab_varuint_write(out, n);
  for (size_t i = 0; !rc && i < n; i++) {
    const collab_awareness_entry_t *e = &entries[i];
    rc = collab_varuint_write(out, e->client_id);
    if (!rc)
      rc = collab_varuint_write(out, e->clock);
    if (!rc)
      rc = collab_varuint_write(out, e->state.len);
    if (!rc)
      rc = pp_buf_append(out, e->state.ptr, e->state.len);
  }
  return rc;
}
