#include "sio/eio_packet.h"

#include <sodium.h>
#include <string.h>

#include "util/error.h"

#define EIO__B64 sodium_base64_VARIANT_ORIGINAL

/* Drops everything appended to b after len (undoes a partial append). */
static void eio__truncate(pp_buf_t *b, size_t len) {
  b->len = len;
  if (b->data)
    b->data[len] = '\0';
}

/* Appends n zero bytes to b and points *at to them, so a codec can write
 * into the buffer in place. b is unchanged on error. */
static int eio__grow(pp_buf_t *b, size_t n, char **at) {
  static const char zeros[512];
  size_t start = b->len;
  if (n > b->max - b->len)
    return PP_ETOOLARGE;
  int rc = pp_buf_append(b, zeros, 0); /* allocates even when n == 0 */
  while (rc == 0 && n > 0) {
    size_t k = n < sizeof zeros ? n : sizeof zeros;
    rc = pp_buf_append(b, zeros, k);
    n -= k;
  }
  if (rc) {
    eio__truncate(b, start);
    return rc;
  }
  *at = b->data + start;
  return 0;
}

static bool eio__may_carry_data(eio_packet_type_t type) {
  return type == EIO_MESSAGE || type == EIO_PING || type == EIO_PONG;
}

/* Decodes a text packet "<digit><data>" (a text frame or a payload record). */
static int eio__decode_text(pp_bytes_t rec, eio_packet_t *out) {
  if (rec.len == 0 || rec.ptr[0] < '0' || rec.ptr[0] > '6')
    return PP_EINVAL;
  out->type = (eio_packet_type_t)(rec.ptr[0] - '0');
  out->binary = false;
  out->data = pp_bytes(rec.ptr + 1, rec.len - 1);
  if (out->data.len > 0 && !eio__may_carry_data(out->type))
    return PP_EINVAL;
  return 0;
}

int eio_decode_frame(pp_bytes_t frame, bool is_binary, eio_packet_t *out) {
  memset(out, 0, sizeof *out);
  if (is_binary) {
    out->type = EIO_MESSAGE;
    out->binary = true;
    out->data = frame;
    return 0;
  }
  int rc = eio__decode_text(frame, out);
  if (rc)
    memset(out, 0, sizeof *out);
  return rc;
}

/* Exact decoded size of padded base64 text; false if its length is not a
 * multiple of 4 (the content itself is checked by libsodium). */
static bool eio__b64_decoded_len(pp_bytes_t b64, size_t *n) {
  if (b64.len % 4 != 0)
    return false;
  *n = b64.len / 4 * 3;
  if (b64.len >= 1 && b64.ptr[b64.len - 1] == '=')
    (*n)--;
  if (b64.len >= 2 && b64.ptr[b64.len - 2] == '=')
    (*n)--;
  return true;
}

/* libsodium 1.0.18 decodes bytes >= 0x80 as if they were base64 digits
 * (found by fuzz_eio_payload), so the alphabet is checked here first. */
static bool eio__b64_alphabet(pp_bytes_t b64) {
  for (size_t i = 0; i < b64.len; i++) {
    char c = b64.ptr[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
      return false;
  }
  return true;
}

/* Decodes base64 (standard alphabet, padded, canonical) onto scratch. */
static int eio__b64_decode(pp_bytes_t b64, pp_buf_t *scratch) {
  size_t n;
  if (!eio__b64_decoded_len(b64, &n) || !eio__b64_alphabet(b64))
    return PP_EINVAL;
  size_t start = scratch->len;
  char *at;
  int rc = eio__grow(scratch, n, &at);
  if (rc)
    return rc;
  size_t bin_len = 0;
  if (sodium_base642bin((unsigned char *)at, n, b64.ptr, b64.len, NULL,
                        &bin_len, NULL, EIO__B64) != 0 ||
      bin_len != n) {
    eio__truncate(scratch, start);
    return PP_EINVAL;
  }
  return 0;
}

/* The record starting at *pos; moves *pos past its separator (beyond
 * payload.len after the last record). */
static pp_bytes_t eio__next_record(pp_bytes_t payload, size_t *pos) {
  const char *start = payload.ptr + *pos;
  size_t rest = payload.len - *pos;
  const char *sep = rest ? memchr(start, EIO_SEPARATOR, rest) : NULL;
  size_t n = sep ? (size_t)(sep - start) : rest;
  *pos += n + 1;
  return pp_bytes(start, n);
}

int eio_payload_decode(pp_bytes_t payload, size_t max_packets,
                       pp_buf_t *scratch, eio_packet_cb cb, void *ctx) {
  pp_buf_reset(scratch);
  if (payload.len == 0)
    return PP_EINVAL;
  /* Pass 1: validate every record and decode the binary ones, so nothing
   * is delivered from a malformed payload and scratch no longer moves. */
  size_t count = 0;
  for (size_t pos = 0; pos <= payload.len;) {
    pp_bytes_t rec = eio__next_record(payload, &pos);
    if (++count > max_packets || rec.len == 0)
      return PP_EINVAL;
    eio_packet_t p;
    int rc = rec.ptr[0] == 'b'
                 ? eio__b64_decode(pp_bytes(rec.ptr + 1, rec.len - 1), scratch)
                 : eio__decode_text(rec, &p);
    if (rc)
      return rc;
  }
  /* Pass 2: deliver. */
  const char *bin = scratch->data ? scratch->data : "";
  for (size_t pos = 0; pos <= payload.len;) {
    pp_bytes_t rec = eio__next_record(payload, &pos);
    eio_packet_t p;
    if (rec.ptr[0] == 'b') {
      size_t n = 0;
      eio__b64_decoded_len(pp_bytes(rec.ptr + 1, rec.len - 1), &n);
      p.type = EIO_MESSAGE;
      p.binary = true;
      p.data = pp_bytes(bin, n);
      bin += n;
    } else {
      eio__decode_text(rec, &p);
    }
    int rc = cb(ctx, &p);
    if (rc)
      return rc;
  }
  return 0;
}

int eio_encode_frame(pp_buf_t *out, eio_packet_type_t type, pp_bytes_t data) {
  if ((unsigned)type > EIO_NOOP)
    return PP_EINVAL;
  size_t start = out->len;
  char digit = (char)('0' + (int)type);
  int rc = pp_buf_append(out, &digit, 1);
  if (rc == 0)
    rc = pp_buf_append(out, data.ptr, data.len);
  if (rc)
    eio__truncate(out, start);
  return rc;
}

static int eio__b64_encode(pp_buf_t *out, pp_bytes_t data) {
  if (data.len > out->max) /* the encoding is longer than data */
    return PP_ETOOLARGE;
  size_t enc = sodium_base64_ENCODED_LEN(data.len, EIO__B64); /* with NUL */
  char *at;
  int rc = eio__grow(out, enc - 1, &at);
  if (rc)
    return rc;
  /* The NUL lands on out->data[out->len], which pp_buf always has room for. */
  sodium_bin2base64(at, enc, (const unsigned char *)data.ptr, data.len,
                    EIO__B64);
  return 0;
}

int eio_payload_append(pp_buf_t *out, eio_packet_type_t type, bool binary,
                       pp_bytes_t data) {
  if ((unsigned)type > EIO_NOOP || (binary && type != EIO_MESSAGE))
    return PP_EINVAL;
  /* A separator inside a text packet would split it into two records. */
  if (!binary && data.len > 0 && memchr(data.ptr, EIO_SEPARATOR, data.len))
    return PP_EINVAL;
  size_t start = out->len;
  int rc = start > 0 ? pp_buf_append(out, "\x1e", 1) : 0;
  if (rc == 0 && binary) {
    rc = pp_buf_append(out, "b", 1);
    if (rc == 0)
      rc = eio__b64_encode(out, data);
  } else if (rc == 0) {
    rc = eio_encode_frame(out, type, data);
  }
  if (rc)
    eio__truncate(out, start);
  return rc;
}
