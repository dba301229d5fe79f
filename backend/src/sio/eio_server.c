/* Engine.IO v4 server state machine. One eio_socket per session id; the
 * transport is long-polling until a WebSocket probe completes the upgrade.
 * A socket is freed only from its timer's close callback, so no libuv
 * callback can ever see freed memory. */
#define _POSIX_C_SOURCE 200809L
#include "sio/eio_server.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sio/eio_packet.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"

#define EIO_SID_LEN 22 /* base64url of 16 random bytes */
#define EIO_BUCKETS 4096

typedef enum { SOCK_OPEN, SOCK_CLOSED } sock_state_t;
typedef enum { TRANSPORT_POLLING, TRANSPORT_WEBSOCKET } transport_t;

typedef struct out_pkt {
  struct out_pkt *next;
  eio_packet_type_t type;
  bool binary;
  size_t len;
  char data[];
} out_pkt_t;

typedef struct ws_conn {
  eio_server_t *srv;
  void *ws;             /* the HTTP layer's handle */
  eio_socket_t *sock;   /* NULL once the socket is gone */
  bool probing;         /* upgrade probe, not (yet) the socket's transport */
  bool probe_answered;  /* "3probe" sent */
  bool close_requested; /* ws_close called */
} ws_conn_t;

struct eio_socket {
  eio_server_t *srv;
  eio_socket_t *hash_next;
  char sid[EIO_SID_LEN + 1];
  char addr[64];
  sock_state_t state;
  transport_t transport;
  void *poll_req;   /* held GET */
  ws_conn_t *ws;    /* active WebSocket transport */
  ws_conn_t *probe; /* WebSocket being upgraded to */
  out_pkt_t *q_head, *q_tail;
  size_t q_bytes;
  uv_timer_t timer;
  bool awaiting_pong;
  bool opened; /* on_open was called */
  void *data;
};

struct eio_server {
  uv_loop_t *loop;
  eio_config_t cfg;
  const eio_transport_t *tr;
  const eio_handlers_t *h;
  void *app;
  eio_socket_t *buckets[EIO_BUCKETS];
  size_t count;
  size_t timers_open;
  bool freeing;
  bool transport_gone;
};

static const char CT_TEXT[] = "text/plain; charset=UTF-8";
static const char CT_JSON[] = "application/json";

/* ---- query ------------------------------------------------------------- */

void eio_query_parse(pp_bytes_t query, eio_query_t *out) {
  memset(out, 0, sizeof *out);
  out->eio = -1;
  out->transport = EIO_TRANSPORT_NONE;
  size_t i = 0;
  while (i < query.len) {
    size_t start = i;
    while (i < query.len && query.ptr[i] != '&')
      i++;
    pp_bytes_t pair = pp_bytes(query.ptr + start, i - start);
    i++; /* skip '&' */
    const char *eq = memchr(pair.ptr, '=', pair.len);
    if (!eq)
      continue;
    pp_bytes_t key = pp_bytes(pair.ptr, (size_t)(eq - pair.ptr));
    pp_bytes_t val = pp_bytes(eq + 1, pair.len - key.len - 1);
    if (pp_bytes_eq(key, "EIO")) {
      out->eio = -1;
      if (val.len == 1 && val.ptr[0] >= '0' && val.ptr[0] <= '9')
        out->eio = val.ptr[0] - '0';
    } else if (pp_bytes_eq(key, "transport")) {
      if (pp_bytes_eq(val, "polling"))
        out->transport = EIO_TRANSPORT_POLLING;
      else if (pp_bytes_eq(val, "websocket"))
        out->transport = EIO_TRANSPORT_WEBSOCKET;
      else
        out->transport = EIO_TRANSPORT_UNKNOWN;
    } else if (pp_bytes_eq(key, "sid")) {
      bool ok = val.len > 0 && val.len < sizeof out->sid;
      for (size_t k = 0; ok && k < val.len; k++) {
        char c = val.ptr[k];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || c == '-' || c == '_';
      }
      out->sid_invalid = !ok;
      out->sid[0] = '\0';
      if (ok) {
        memcpy(out->sid, val.ptr, val.len);
        out->sid[val.len] = '\0';
      }
    }
  }
}

/* ---- session table ------------------------------------------------------ */

static size_t eio__bucket(const char *sid) {
  uint32_t h = 2166136261u;
  for (const char *p = sid; *p; p++)
    h = (h ^ (unsigned char)*p) * 16777619u;
  return h % EIO_BUCKETS;
}

static eio_socket_t *eio__find(eio_server_t *srv, const char *sid) {
  if (!sid[0])
    return NULL;
  for (eio_socket_t *s = srv->buckets[eio__bucket(sid)]; s; s = s->hash_next) {
    if (strcmp(s->sid, sid) == 0)
      return s;
  }
  return NULL;
}

static void eio__unlink(eio_socket_t *s) {
  eio_socket_t **pp = &s->srv->buckets[eio__bucket(s->sid)];
  while (*pp && *pp != s)
    pp = &(*pp)->hash_next;
  if (*pp) {
    *pp = s->hash_next;
    s->srv->count--;
  }
}

/* ---- replies ------------------------------------------------------------ */

static void eio__reply(eio_server_t *srv, void *req, int status,
                       const char *ctype, const char *body, size_t len) {
  if (!srv->transport_gone)
    srv->tr->http_reply(req, status, ctype, body, len);
}

static void eio__reply_error(eio_server_t *srv, void *req, int code,
                             const char *message) {
  char body[128];
  int n = snprintf(body, sizeof body, "{\"code\":%d,\"message\":\"%s\"}", code,
                   message);
  eio__reply(srv, req, 400, CT_JSON, body, (size_t)n);
}

static void eio__reply_status_packet(eio_server_t *srv, void *req,
                                     eio_packet_type_t type) {
  char c = (char)('0' + type);
  eio__reply(srv, req, 200, CT_TEXT, &c, 1);
}

/* ---- outbound ----------------------------------------------------------- */

static void eio__free_queue(eio_socket_t *s) {
  out_pkt_t *p = s->q_head;
  while (p) {
    out_pkt_t *next = p->next;
    free(p);
    p = next;
  }
  s->q_head = s->q_tail = NULL;
  s->q_bytes = 0;
}

static void eio__close(eio_socket_t *s, const char *reason, bool client_close);

/* Answers the held GET with everything queued. */
static void eio__flush_poll(eio_socket_t *s) {
  if (!s->poll_req || !s->q_head)
    return;
  pp_buf_t out;
  pp_buf_init(&out, (size_t)-1 / 4);
  int rc = 0;
  for (out_pkt_t *p = s->q_head; p && !rc; p = p->next)
    rc =
        eio_payload_append(&out, p->type, p->binary, pp_bytes(p->data, p->len));
  void *req = s->poll_req;
  s->poll_req = NULL;
  eio__free_queue(s);
  if (rc) {
    pp_buf_free(&out);
    eio__reply_error(s->srv, req, 3, "Bad request");
    eio__close(s, "encode error", false);
    return;
  }
  eio__reply(s->srv, req, 200, CT_TEXT, out.data ? out.data : "", out.len);
  pp_buf_free(&out);
}

/* Sends one packet on the socket's current transport. */
static int eio__send_packet(eio_socket_t *s, eio_packet_type_t type,
                            bool binary, pp_bytes_t data) {
  eio_server_t *srv = s->srv;
  if (s->state != SOCK_OPEN)
    return PP_EINVAL;
  if (s->transport == TRANSPORT_WEBSOCKET) {
    if (srv->transport_gone)
      return PP_EINVAL;
    /* A text packet is its type digit, then its data (eio_encode_frame). */
    char digit = (char)('0' + (int)type);
    int rc = srv->tr->ws_send(s->ws->ws, pp_bytes(&digit, binary ? 0 : 1), data,
                              binary);
    if (rc) {
      eio__close(s, "outbound queue full", false);
      return PP_ETOOLARGE;
    }
    return 0;
  }
  if (s->q_bytes + data.len > srv->cfg.max_outbound) {
    eio__close(s, "outbound queue full", false);
    return PP_ETOOLARGE;
  }
  out_pkt_t *p = malloc(sizeof *p + data.len);
  if (!p)
    return PP_ENOMEM;
  p->next = NULL;
  p->type = type;
  p->binary = binary;
  p->len = data.len;
  if (data.len)
    memcpy(p->data, data.ptr, data.len);
  if (s->q_tail)
    s->q_tail->next = p;
  else
    s->q_head = p;
  s->q_tail = p;
  s->q_bytes += data.len + 1;
  eio__flush_poll(s);
  return 0;
}

/* ---- heartbeat ---------------------------------------------------------- */

static void eio__on_timer(uv_timer_t *t);

static void eio__schedule(eio_socket_t *s, unsigned ms) {
  uv_timer_start(&s->timer, eio__on_timer, ms, 0);
}

static void eio__on_timer(uv_timer_t *t) {
  eio_socket_t *s = t->data;
  if (s->state != SOCK_OPEN)
    return;
  if (s->awaiting_pong) {
    eio__close(s, "ping timeout", false);
    return;
  }
  s->awaiting_pong = true;
  eio__schedule(s, s->srv->cfg.ping_timeout_ms);
  eio__send_packet(s, EIO_PING, false, pp_bytes("", 0));
}

static void eio__on_pong(eio_socket_t *s) {
  if (!s->awaiting_pong)
    return;
  s->awaiting_pong = false;
  eio__schedule(s, s->srv->cfg.ping_interval_ms);
}

/* ---- lifecycle ---------------------------------------------------------- */

static void eio__socket_freed(uv_handle_t *h) {
  eio_socket_t *s = h->data;
  eio_server_t *srv = s->srv;
  eio__free_queue(s);
  free(s);
  srv->timers_open--;
  if (srv->freeing && srv->timers_open == 0)
    free(srv);
}

/* Ends a session. client_close: the client sent a close packet (a held GET
 * then gets a noop, as the reference server does), else it gets a close. */
static void eio__close(eio_socket_t *s, const char *reason, bool client_close) {
  if (s->state == SOCK_CLOSED)
    return;
  eio_server_t *srv = s->srv;
  s->state = SOCK_CLOSED;
  eio__unlink(s);
  uv_timer_stop(&s->timer);
  if (s->poll_req) {
    void *req = s->poll_req;
    s->poll_req = NULL;
    eio__reply_status_packet(srv, req, client_close ? EIO_NOOP : EIO_CLOSE);
  }
  ws_conn_t *conns[2] = {s->ws, s->probe};
  for (int i = 0; i < 2; i++) {
    ws_conn_t *c = conns[i];
    if (!c)
      continue;
    c->sock = NULL;
    if (!c->close_requested && !srv->transport_gone) {
      c->close_requested = true;
      srv->tr->ws_close(c->ws);
    }
  }
  s->ws = s->probe = NULL;
  pp_logf(PP_LOG_DEBUG, "engine.io close", " sid=%s reason=\"%s\"", s->sid,
          reason);
  if (s->opened && srv->h->on_close)
    srv->h->on_close(srv->app, s, reason);
  uv_close((uv_handle_t *)&s->timer, eio__socket_freed);
}

static eio_socket_t *eio__socket_new(eio_server_t *srv, transport_t tr,
                                     const char *addr) {
  if (srv->count >= srv->cfg.max_sockets)
    return NULL;
  eio_socket_t *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->srv = srv;
  s->transport = tr;
  s->state = SOCK_OPEN;
  snprintf(s->addr, sizeof s->addr, "%s", addr ? addr : "");
  do {
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(s->sid, sizeof s->sid, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  } while (eio__find(srv, s->sid));
  uv_timer_init(srv->loop, &s->timer);
  s->timer.data = s;
  srv->timers_open++;
  size_t b = eio__bucket(s->sid);
  s->hash_next = srv->buckets[b];
  srv->buckets[b] = s;
  srv->count++;
  eio__schedule(s, srv->cfg.ping_interval_ms);
  return s;
}

static int eio__handshake(eio_socket_t *s, char *out, size_t outsz) {
  return snprintf(out, outsz,
                  "0{\"sid\":\"%s\",\"upgrades\":[%s],\"pingInterval\":%u,"
                  "\"pingTimeout\":%u,\"maxPayload\":%zu}",
                  s->sid,
                  s->transport == TRANSPORT_POLLING ? "\"websocket\"" : "",
                  s->srv->cfg.ping_interval_ms, s->srv->cfg.ping_timeout_ms,
                  s->srv->cfg.max_payload);
}

static void eio__opened(eio_socket_t *s) {
  s->opened = true;
  if (s->srv->h->on_open)
    s->srv->h->on_open(s->srv->app, s);
}

/* ---- incoming packets --------------------------------------------------- */

/* Handles one packet from the client; returns PP_EINVAL on a protocol
 * violation (the caller closes the socket). */
static int eio__on_packet(eio_socket_t *s, const eio_packet_t *p) {
  switch (p->type) {
  case EIO_PONG:
    eio__on_pong(s);
    return 0;
  case EIO_MESSAGE:
    if (s->srv->h->on_message)
      s->srv->h->on_message(s->srv->app, s, p->data, p->binary);
    return 0;
  case EIO_CLOSE:
    eio__close(s, "client close", true);
    return 0;
  case EIO_PING: /* v4 clients answer pings; a stray one is harmless */
  case EIO_NOOP:
  case EIO_UPGRADE:
    return 0;
  case EIO_OPEN:
  default:
    return PP_EINVAL;
  }
}

typedef struct {
  eio_socket_t *s;
} post_ctx_t;

static int eio__post_packet(void *ctx, const eio_packet_t *p) {
  post_ctx_t *pc = ctx;
  if (pc->s->state != SOCK_OPEN)
    return 0; /* closed by an earlier packet of this payload */
  return eio__on_packet(pc->s, p);
}

/* ---- polling transport -------------------------------------------------- */

void eio_handle_polling(eio_server_t *srv, void *req, const eio_query_t *q,
                        eio_http_method_t method, pp_bytes_t body,
                        bool too_large, const char *addr) {
  if (q->eio != 4) {
    eio__reply_error(srv, req, 5, "Unsupported protocol version");
    return;
  }
  if (q->transport != EIO_TRANSPORT_POLLING) {
    eio__reply_error(srv, req, 0, "Transport unknown");
    return;
  }
  if (method == EIO_HTTP_OTHER) {
    eio__reply_error(srv, req, 2, "Bad handshake method");
    return;
  }
  if (!q->sid[0] && !q->sid_invalid) {
    if (method != EIO_HTTP_GET) {
      eio__reply_error(srv, req, 2, "Bad handshake method");
      return;
    }
    eio_socket_t *s = eio__socket_new(srv, TRANSPORT_POLLING, addr);
    if (!s) {
      eio__reply_error(srv, req, 3, "Bad request");
      return;
    }
    char hs[256];
    int n = eio__handshake(s, hs, sizeof hs);
    eio__reply(srv, req, 200, CT_TEXT, hs, (size_t)n);
    eio__opened(s);
    return;
  }
  eio_socket_t *s = eio__find(srv, q->sid);
  if (!s || s->state != SOCK_OPEN) {
    eio__reply_error(srv, req, 1, "Session ID unknown");
    return;
  }
  if (s->transport != TRANSPORT_POLLING) {
    eio__reply_error(srv, req, 3, "Bad request");
    return;
  }
  if (method == EIO_HTTP_GET) {
    if (s->poll_req) {
      eio__reply_error(srv, req, 3, "Bad request");
      eio__close(s, "overlapping poll", false);
      return;
    }
    if (s->probe && s->probe->probe_answered) {
      /* Upgrading: release the poll at once; queued packets wait for the
       * WebSocket. */
      eio__reply_status_packet(srv, req, EIO_NOOP);
      return;
    }
    s->poll_req = req;
    eio__flush_poll(s);
    return;
  }
  if (too_large) {
    eio__reply(srv, req, 413, CT_JSON,
               "{\"code\":3,\"message\":\"Payload too large\"}", 41);
    eio__close(s, "payload too large", false);
    return;
  }
  pp_buf_t scratch;
  pp_buf_init(&scratch, srv->cfg.max_payload);
  post_ctx_t pc = {s};
  int rc = eio_payload_decode(body, srv->cfg.max_packets_per_post, &scratch,
                              eio__post_packet, &pc);
  pp_buf_free(&scratch);
  if (rc) {
    eio__reply_error(srv, req, 3, "Bad request");
    eio__close(s, "parse error", false);
    return;
  }
  eio__reply(srv, req, 200, "text/html", "ok", 2);
}

void eio_polling_aborted(eio_server_t *srv, void *req, const char *sid) {
  eio_socket_t *s = eio__find(srv, sid);
  if (!s || s->poll_req != req)
    return;
  s->poll_req = NULL;
  /* A client that drops its poll is gone (the reference server closes the
   * session too). */
  eio__close(s, "poll aborted", false);
}

/* ---- WebSocket transport ------------------------------------------------ */

void *eio_ws_open(eio_server_t *srv, void *ws, const eio_query_t *q,
                  const char *addr) {
  if (q->eio != 4 || q->transport != EIO_TRANSPORT_WEBSOCKET || q->sid_invalid)
    return NULL;
  ws_conn_t *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->srv = srv;
  c->ws = ws;
  if (q->sid[0]) {
    eio_socket_t *s = eio__find(srv, q->sid);
    if (!s || s->state != SOCK_OPEN || s->transport != TRANSPORT_POLLING ||
        s->probe) {
      free(c);
      return NULL;
    }
    c->sock = s;
    c->probing = true;
    s->probe = c;
    return c;
  }
  eio_socket_t *s = eio__socket_new(srv, TRANSPORT_WEBSOCKET, addr);
  if (!s) {
    free(c);
    return NULL;
  }
  c->sock = s;
  s->ws = c;
  char hs[256];
  int n = eio__handshake(s, hs, sizeof hs);
  if (srv->tr->ws_send(ws, pp_bytes("", 0), pp_bytes(hs, (size_t)n), false)) {
    eio__close(s, "outbound queue full", false);
    return c;
  }
  eio__opened(s);
  return c;
}

/* Upgrade probe: "2probe" -> "3probe" (and a noop releases the held GET),
 * then "5" makes the WebSocket the transport. */
static void eio__probe_message(ws_conn_t *c, pp_bytes_t data, bool binary) {
  eio_socket_t *s = c->sock;
  eio_server_t *srv = c->srv;
  if (!binary && !c->probe_answered && pp_bytes_eq(data, "2probe")) {
    c->probe_answered = true;
    if (srv->tr->ws_send(c->ws, pp_bytes("", 0), pp_bytes("3probe", 6),
                         false)) {
      eio__close(s, "outbound queue full", false);
      return;
    }
    if (s->poll_req) {
      void *req = s->poll_req;
      s->poll_req = NULL;
      /* queued packets go out on the new transport after the upgrade */
      eio__reply_status_packet(srv, req, EIO_NOOP);
    }
    return;
  }
  if (!binary && c->probe_answered && pp_bytes_eq(data, "5")) {
    c->probing = false;
    s->probe = NULL;
    s->ws = c;
    s->transport = TRANSPORT_WEBSOCKET;
    if (s->poll_req) {
      void *req = s->poll_req;
      s->poll_req = NULL;
      eio__reply_status_packet(srv, req, EIO_NOOP);
    }
    out_pkt_t *q = s->q_head;
    s->q_head = s->q_tail = NULL;
    s->q_bytes = 0;
    while (q) {
      out_pkt_t *next = q->next;
      if (s->state == SOCK_OPEN)
        eio__send_packet(s, q->type, q->binary, pp_bytes(q->data, q->len));
      free(q);
      q = next;
    }
    return;
  }
  /* Anything else on a probe: drop the probe, keep the polling session. */
  s->probe = NULL;
  c->sock = NULL;
  c->close_requested = true;
  srv->tr->ws_close(c->ws);
}

void eio_ws_message(eio_server_t *srv, void *conn, pp_bytes_t data,
                    bool binary) {
  ws_conn_t *c = conn;
  eio_socket_t *s = c->sock;
  (void)srv;
  if (!s || s->state != SOCK_OPEN)
    return;
  if (c->probing) {
    eio__probe_message(c, data, binary);
    return;
  }
  if (data.len > s->srv->cfg.max_payload) {
    eio__close(s, "payload too large", false);
    return;
  }
  eio_packet_t p;
  if (eio_decode_frame(data, binary, &p) || eio__on_packet(s, &p))
    eio__close(s, "parse error", false);
}

void eio_ws_closed(eio_server_t *srv, void *conn) {
  ws_conn_t *c = conn;
  (void)srv;
  eio_socket_t *s = c->sock;
  if (s) {
    c->close_requested = true; /* already closed: no ws_close */
    if (s->probe == c) {
      s->probe = NULL;
    } else if (s->ws == c) {
      s->ws = NULL;
      eio__close(s, "transport close", false);
    }
  }
  free(c);
}

/* ---- server and application API ---------------------------------------- */

eio_server_t *eio_server_new(uv_loop_t *loop, const eio_config_t *cfg,
                             const eio_transport_t *transport,
                             const eio_handlers_t *handlers, void *app) {
  eio_server_t *srv = calloc(1, sizeof *srv);
  if (!srv)
    return NULL;
  srv->loop = loop;
  srv->cfg = *cfg;
  srv->tr = transport;
  srv->h = handlers;
  srv->app = app;
  return srv;
}

void eio_server_close_all(eio_server_t *srv) {
  for (size_t b = 0; b < EIO_BUCKETS; b++) {
    while (srv->buckets[b])
      eio__close(srv->buckets[b], "server shutdown", false);
  }
}

void eio_server_free(eio_server_t *srv) {
  if (!srv)
    return;
  srv->transport_gone = true;
  for (size_t b = 0; b < EIO_BUCKETS; b++) {
    while (srv->buckets[b])
      eio__close(srv->buckets[b], "server shutdown", false);
  }
  srv->freeing = true;
  if (srv->timers_open == 0)
    free(srv);
}

int eio_socket_send(eio_socket_t *s, pp_bytes_t data, bool binary) {
  return eio__send_packet(s, EIO_MESSAGE, binary, data);
}

void eio_socket_close(eio_socket_t *s, const char *reason) {
  eio__close(s, reason, false);
}

const char *eio_socket_id(const eio_socket_t *s) { return s->sid; }
const char *eio_socket_addr(const eio_socket_t *s) { return s->addr; }
void eio_socket_set_data(eio_socket_t *s, void *data) { s->data = data; }
void *eio_socket_data(const eio_socket_t *s) { return s->data; }
size_t eio_server_socket_count(const eio_server_t *srv) { return srv->count; }
