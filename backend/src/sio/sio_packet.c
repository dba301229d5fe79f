#include "sio/sio_packet.h"

#include <limits.h>
#include <string.h>

#include "util/error.h"
#include "util/utf8.h"

/* Event names a client may not emit (socket.io-parser RESERVED_EVENTS). */
static const char *const sio__reserved_events[] = {
    "connect",       "connect_error", "disconnect",
    "disconnecting", "newListener",   "removeListener"};

static bool sio__is_binary(sio_packet_type_t type) {
  return type == SIO_BINARY_EVENT || type == SIO_BINARY_ACK;
}

static bool sio__is_digit(char c) { return c >= '0' && c <= '9'; }

static void sio__reset(sio_packet_t *p) {
  memset(p, 0, sizeof *p);
  p->nsp[0] = '/';
  p->ack_id = -1;
}

void sio_packet_clear(sio_packet_t *p) {
  json_decref(p->data);
  sio__reset(p);
}

int sio_placeholder_num(const json_t *v) {
  if (!json_is_object(v) || json_object_size(v) != 2)
    return -1;
  const json_t *num = json_object_get(v, "num");
  if (!json_is_true(json_object_get(v, "_placeholder")) ||
      !json_is_integer(num))
    return -1;
  json_int_t n = json_integer_value(num);
  return n >= 0 && n <= INT_MAX ? (int)n : -1;
}

json_t *sio_placeholder_new(unsigned n) {
  return json_pack("{s:b,s:I}", "_placeholder", 1, "num", (json_int_t)n);
}

/* Checks the nesting depth and the placeholders of v, which sits inside
 * `depth` containers. Any object with "_placeholder":true claims to be a
 * placeholder (socket.io-parser replaces it by an attachment), so it must be
 * a valid one for an attachment < n not seen before. */
static int sio__walk(const json_t *v, int depth, int max_depth, unsigned n,
                     uint32_t *seen) {
  if (!json_is_object(v) && !json_is_array(v))
    return 0;
  if (depth + 1 > max_depth)
    return PP_EINVAL;
  if (json_is_array(v)) {
    for (size_t i = 0; i < json_array_size(v); i++)
      if (sio__walk(json_array_get(v, i), depth + 1, max_depth, n, seen))
        return PP_EINVAL;
    return 0;
  }
  if (json_is_true(json_object_get(v, "_placeholder"))) {
    int num = sio_placeholder_num(v);
    if (num < 0 || (unsigned)num >= n || (*seen & (UINT32_C(1) << num)))
      return PP_EINVAL;
    *seen |= UINT32_C(1) << num;
    return 0;
  }
  const char *key;
  json_t *child;
  json_object_foreach((json_t *)v, key, child) {
    if (sio__walk(child, depth + 1, max_depth, n, seen))
      return PP_EINVAL;
  }
  return 0;
}

static bool sio__event_ok(const json_t *data) {
  if (!json_is_array(data) || json_array_size(data) == 0)
    return false;
  const json_t *name = json_array_get(data, 0);
  if (json_is_number(name))
    return true;
  if (!json_is_string(name))
    return false;
  size_t len = json_string_length(name);
  const char *s = json_string_value(name);
  for (size_t i = 0; i < sizeof sio__reserved_events / sizeof(char *); i++) {
    const char *r = sio__reserved_events[i];
    if (strlen(r) == len && memcmp(r, s, len) == 0)
      return false;
  }
  return true;
}

static int sio__validate(const sio_packet_t *p, int max_depth) {
  const json_t *d = p->data;
  bool ok = false;
  switch (p->type) {
  case SIO_CONNECT:
    ok = !d || json_is_object(d);
    break;
  case SIO_DISCONNECT:
    ok = !d;
    break;
  case SIO_EVENT:
  case SIO_BINARY_EVENT:
    ok = sio__event_ok(d);
    break;
  case SIO_ACK:
  case SIO_BINARY_ACK:
    ok = json_is_array(d);
    break;
  case SIO_CONNECT_ERROR:
    ok = json_is_object(d) || json_is_string(d);
    break;
  }
  if (!ok)
    return PP_EINVAL;
  uint32_t seen = 0;
  if (d && sio__walk(d, 0, max_depth, p->attachments, &seen))
    return PP_EINVAL;
  /* Exactly the placeholders 0..attachments-1 (none for other types). */
  return seen == (UINT32_C(1) << p->attachments) - 1 ? 0 : PP_EINVAL;
}

static int sio__parse(pp_bytes_t text, sio_packet_t *out) {
  const char *s = text.ptr;
  size_t n = text.len, i = 0;
  if (n == 0 || s[0] < '0' || s[0] > '6')
    return PP_EINVAL;
  out->type = (sio_packet_type_t)(s[i++] - '0');
  if (sio__is_binary(out->type)) { /* "<attachments>-" */
    size_t start = i;
    unsigned count = 0;
    for (; i < n && sio__is_digit(s[i]); i++) {
      count = count * 10 + (unsigned)(s[i] - '0');
      if (count > SIO_MAX_ATTACHMENTS)
        return PP_EINVAL;
    }
    if (i == start || i == n || s[i] != '-' || count == 0)
      return PP_EINVAL;
    i++;
    out->attachments = count;
  }
  if (i < n && s[i] == '/') { /* namespace up to ',' or the end */
    size_t rest = n - i, scan = rest < SIO_NSP_MAX + 1 ? rest : SIO_NSP_MAX + 1;
    const char *comma = memchr(s + i, ',', scan);
    size_t len = comma ? (size_t)(comma - (s + i)) : rest;
    pp_bytes_t nsp = pp_bytes(s + i, len);
    if (len > SIO_NSP_MAX || pp_utf8_count(nsp) < 0 || pp_utf8_has_control(nsp))
      return PP_EINVAL;
    memcpy(out->nsp, nsp.ptr, len);
    out->nsp[len] = '\0';
    i += comma ? len + 1 : len;
  }
  if (i < n && sio__is_digit(s[i])) { /* ack id */
    int64_t id = 0;
    for (; i < n && sio__is_digit(s[i]); i++) {
      id = id * 10 + (s[i] - '0');
      if (id > SIO_ACK_ID_MAX)
        return PP_EINVAL;
    }
    out->ack_id = id;
  }
  if (i < n) {
    /* Duplicate keys are allowed (JSON.parse keeps the last one, as does
     * jansson); U+0000 in strings is not (jansson's default). */
    json_error_t err;
    out->data = json_loadb(s + i, n - i, JSON_DECODE_ANY, &err);
    if (!out->data)
      return PP_EINVAL;
  }
  return 0;
}

int sio_packet_decode(pp_bytes_t text, int max_depth, sio_packet_t *out) {
  sio__reset(out);
  int rc = sio__parse(text, out);
  if (rc == 0)
    rc = sio__validate(out, max_depth);
  if (rc)
    sio_packet_clear(out);
  return rc;
}

typedef struct {
  pp_buf_t *out;
  int rc;
} sio__dump_ctx_t;

static int sio__dump_cb(const char *buf, size_t size, void *data) {
  sio__dump_ctx_t *ctx = data;
  ctx->rc = pp_buf_append(ctx->out, buf, size);
  return ctx->rc ? -1 : 0;
}

int sio_packet_encode(const sio_packet_t *p, pp_buf_t *out) {
  size_t start = out->len;
  int rc = pp_buf_appendf(out, "%d", (int)p->type);
  if (rc == 0 && sio__is_binary(p->type))
    rc = pp_buf_appendf(out, "%u-", p->attachments);
  if (rc == 0 && p->nsp[0] != '\0' && strcmp(p->nsp, "/") != 0) {
    rc = pp_buf_appends(out, p->nsp);
    if (rc == 0)
      rc = pp_buf_append(out, ",", 1);
  }
  if (rc == 0 && p->ack_id >= 0)
    rc = pp_buf_appendf(out, "%lld", (long long)p->ack_id);
  if (rc == 0 && p->data) {
    sio__dump_ctx_t ctx = {out, 0};
    if (json_dump_callback(p->data, sio__dump_cb, &ctx,
                           JSON_COMPACT | JSON_ENCODE_ANY) != 0)
      rc = ctx.rc ? ctx.rc : PP_EINVAL;
  }
  if (rc) {
    out->len = start;
    if (out->data)
      out->data[start] = '\0';
  }
  return rc;
}

/* Appends n bytes of s at *len when they fit in cap; false otherwise. */
static bool sio__put(char *out, size_t cap, size_t *len, const char *s,
                     size_t n) {
  if (n > cap - *len)
    return false;
  memcpy(out + *len, s, n);
  *len += n;
  return true;
}

/* "<nsp>," unless nsp is the main namespace. */
static bool sio__put_nsp(char *out, size_t cap, size_t *len, const char *nsp) {
  if (nsp[0] == '\0' || strcmp(nsp, "/") == 0)
    return true;
  return sio__put(out, cap, len, nsp, strlen(nsp)) &&
         sio__put(out, cap, len, ",", 1);
}

size_t sio_packet_encode_bytes_event(const char *nsp, const char *event,
                                     char *out, size_t cap) {
  static const char tail[] = "\",{\"_placeholder\":true,\"num\":0}]";
  size_t n = strlen(event);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)event[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_'))
      return 0;
  }
  size_t len = 0;
  bool ok = n > 0 && sio__put(out, cap, &len, "51-", 3) &&
            sio__put_nsp(out, cap, &len, nsp) &&
            sio__put(out, cap, &len, "[\"", 2) &&
            sio__put(out, cap, &len, event, n) &&
            sio__put(out, cap, &len, tail, sizeof tail - 1);
  return ok ? len : 0;
}

size_t sio_packet_encode_ok_ack(const char *nsp, int64_t ack_id, char *out,
                                size_t cap) {
  static const char body[] = "[{\"ok\":true}]";
  char digits[24];
  size_t nd = 0;
  if (ack_id < 0)
    return 0;
  do {
    digits[sizeof digits - ++nd] = (char)('0' + ack_id % 10);
    ack_id /= 10;
  } while (ack_id > 0);
  size_t len = 0;
  bool ok = sio__put(out, cap, &len, "3", 1) &&
            sio__put_nsp(out, cap, &len, nsp) &&
            sio__put(out, cap, &len, digits + sizeof digits - nd, nd) &&
            sio__put(out, cap, &len, body, sizeof body - 1);
  return ok ? len : 0;
}
