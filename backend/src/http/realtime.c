/* Engine.IO transports over libwebsockets: long-polling requests and
 * WebSocket connections are handed to the mounted eio_server, which answers
 * through http_eio_transport(). Every buffer here has a maximum: one
 * inbound message is capped at the mount's max payload, the outbound queue
 * at HTTP_WS_MAX_OUTBOUND bytes. A client that reads slowly has its input
 * paused until its queue drains; one that does not read at all is dropped,
 * at once when its queue overflows, else when its heartbeat fails (a close
 * waits at most RT_WS_CLOSE_GRACE_S for the peer to take the last frames). */
#define _POSIX_C_SOURCE 200809L
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"
#include "http/realtime.h"
#include "http/ws_outbox.h"
#include "util/error.h"
#include "util/log.h"

/* How long a closing WebSocket may take to flush its queue and the close
 * frame: a peer that stopped reading cannot hold the connection open. */
#define RT_WS_CLOSE_GRACE_S 5
/* Input is paused above RT_WS_RX_PAUSE queued bytes and resumed below
 * RT_WS_RX_RESUME: what a client sends is mostly answered (echoes, acks,
 * relays), so reading on would only grow its queue. */
#define RT_WS_RX_PAUSE (HTTP_WS_MAX_OUTBOUND / 2)
#define RT_WS_RX_RESUME (HTTP_WS_MAX_OUTBOUND / 4)

/* At most this much is handed to lws per write: what the kernel does not
 * take, lws copies into its own buffer until the socket drains. */
#define RT_WS_WRITE_CHUNK (256u * 1024u)

struct http_ws {
  http_ws_t *prev, *next; /* the server's list of live WebSockets */
  http_server_t *srv;
  struct lws *wsi;
  http_mount_t *mount;
  void *conn; /* eio connection handle; NULL once detached */
  pp_buf_t rx;
  bool rx_binary;
  bool rx_too_large;
  http_ws_outbox_t out;
  http_ws_t *dirty_next; /* the server's list of outboxes to flush */
  bool dirty;
  bool close_requested;
  bool rx_paused;  /* lws_rx_flow_control(wsi, 0) is in effect */
  bool overflowed; /* the queue hit its cap; the connection is being killed */
  eio_query_t query;
  char addr[64];
};

/* ---- helpers ------------------------------------------------------------- */

/* Rebuilds "k=v&k=v" from lws's decoded URI argument fragments. */
static void rt__query(struct lws *wsi, char *out, size_t outsz) {
  size_t o = 0;
  out[0] = '\0';
  for (int n = 0; n < 16; n++) {
    char frag[256];
    int len = lws_hdr_copy_fragment(wsi, frag, sizeof frag,
                                    WSI_TOKEN_HTTP_URI_ARGS, n);
    if (len < 0)
      break;
    if (o + (size_t)len + 2 >= outsz)
      break;
    if (o)
      out[o++] = '&';
    memcpy(out + o, frag, (size_t)len);
    o += (size_t)len;
    out[o] = '\0';
  }
}

http_mount_t *http__rt_mount(http_server_t *srv, pp_bytes_t name) {
  for (int i = 0; i < srv->n_mounts; i++) {
    if (pp_bytes_eq(name, srv->mounts[i].name))
      return &srv->mounts[i];
  }
  return NULL;
}

/* Same-origin, allow-listed, or no Origin at all (non-browser clients). */
static bool rt__origin_ok(http_server_t *srv, http_mount_t *m,
                          pp_bytes_t origin, pp_bytes_t host) {
  if (m->any_origin || origin.len == 0)
    return true;
  return http_cors_same_origin(origin, host) ||
         http_cors_allowed(srv->cors, origin);
}

/* ---- long-polling -------------------------------------------------------- */

/* New sessions per address are throttled (not in conformance mode, whose
 * suites connect in bursts, nor with --rate-limits off). */
static bool rt__handshake_allowed(http_server_t *srv, http_mount_t *m,
                                  const char *addr) {
  int retry;
  return m->any_origin || auth_limits_take(srv->deps.limits, AUTH_LIMIT_CONNECT,
                                           pp_bytes_str(addr), &retry);
}

static void rt__poll_aborted(http_request_t *req) {
  if (req->mount && req->mount->eio)
    eio_polling_aborted(req->mount->eio, req, req->eio_sid);
}

void http__rt_polling(http_request_t *req) {
  http_server_t *srv = req->srv;
  http_mount_t *m = http__rt_mount(srv, req->route.param);
  struct lws *wsi = req->wsi;
  if (!m) {
    http_reply_error(req, 404, "not_found", "no such endpoint", NULL);
    return;
  }
  pp_bytes_t origin = req->origin_len > 0
                          ? pp_bytes(req->origin, (size_t)req->origin_len)
                          : pp_bytes("", 0);
  pp_bytes_t host = req->host_len > 0
                        ? pp_bytes(req->host, (size_t)req->host_len)
                        : pp_bytes("", 0);
  if (!rt__origin_ok(srv, m, origin, host)) {
    static const char body[] = "{\"code\":4,\"message\":\"Forbidden\"}";
    http_reply(req, 403, "application/json", body, sizeof body - 1);
    return;
  }
  if (m->any_origin) {
    http_add_header(req, "Access-Control-Allow-Origin", "*");
  } else if (origin.len && !http_cors_same_origin(origin, host)) {
    http_add_header(req, "Access-Control-Allow-Origin", req->origin);
    http_add_header(req, "Vary", "Origin");
  }
  if (req->method == HTTP_METHOD_OPTIONS) {
    http_add_header(req, "Access-Control-Allow-Methods", "GET, POST");
    http_add_header(req, "Access-Control-Allow-Headers", "Content-Type");
    http_reply_no_content(req, 204);
    return;
  }
  char query[1024];
  rt__query(wsi, query, sizeof query);
  eio_query_t q;
  eio_query_parse(pp_bytes_str(query), &q);
  snprintf(req->eio_sid, sizeof req->eio_sid, "%s", q.sid);
  req->mount = m;
  if (!q.sid[0] && !rt__handshake_allowed(srv, m, req->addr)) {
    http_add_header(req, "Retry-After", "1");
    static const char body[] =
        "{\"code\":3,\"message\":\"Too many connections\"}";
    http_reply(req, 429, "application/json", body, sizeof body - 1);
    return;
  }
  eio_http_method_t method = req->method == HTTP_METHOD_GET    ? EIO_HTTP_GET
                             : req->method == HTTP_METHOD_POST ? EIO_HTTP_POST
                                                               : EIO_HTTP_OTHER;
  req->in_flight = true;
  req->on_abort = rt__poll_aborted;
  eio_handle_polling(m->eio, req, &q, method,
                     pp_bytes(req->body.data, req->body.len),
                     req->body_too_large, req->addr);
}

static void rt__http_reply(void *handle, int status, const char *ctype,
                           const char *body, size_t len) {
  http_request_t *req = handle;
  req->on_abort = NULL;
  if (!http_request_resume(req))
    return;
  http_reply(req, status, ctype, body, len);
}

/* ---- WebSocket ----------------------------------------------------------- */

int http__rt_ws_filter(http_server_t *srv, struct lws *wsi, http_ws_t **out) {
  *out = NULL;
  char uri[128];
  if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0)
    return -1;
  http_route_t route;
  http_route_match(pp_bytes_str(uri), &route);
  http_mount_t *m =
      route.id == HTTP_ROUTE_REALTIME ? http__rt_mount(srv, route.param) : NULL;
  if (!m)
    return -1;
  char origin[256] = "", host[256] = "";
  int olen = lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN);
  int hlen = lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST);
  if (!rt__origin_ok(srv, m, pp_bytes(origin, olen > 0 ? (size_t)olen : 0),
                     pp_bytes(host, hlen > 0 ? (size_t)hlen : 0))) {
    pp_logf(PP_LOG_INFO, "websocket refused", " reason=origin");
    return -1;
  }
  http_ws_t *ws = calloc(1, sizeof *ws);
  if (!ws)
    return -1;
  ws->srv = srv;
  ws->wsi = wsi;
  ws->mount = m;
  char query[1024];
  rt__query(wsi, query, sizeof query);
  eio_query_parse(pp_bytes_str(query), &ws->query);
  lws_get_peer_simple(wsi, ws->addr, sizeof ws->addr);
  pp_buf_init(&ws->rx, m->max_payload);
  http_ws_outbox_init(&ws->out, LWS_PRE, HTTP_WS_MAX_OUTBOUND);
  /* link */
  ws->next = srv->websockets;
  if (srv->websockets)
    srv->websockets->prev = ws;
  srv->websockets = ws;
  *out = ws;
  return 0;
}

void http__rt_ws_established(http_ws_t *ws) {
  ws->conn = NULL;
  if (ws->query.sid[0] || rt__handshake_allowed(ws->srv, ws->mount, ws->addr))
    ws->conn = eio_ws_open(ws->mount->eio, ws, &ws->query, ws->addr);
  else
    pp_logf(PP_LOG_INFO, "websocket refused", " reason=rate_limited addr=%s",
            ws->addr);
  if (!ws->conn) {
    /* Refused (bad query, unknown or upgraded sid): close through the
     * normal path so that LWS_CALLBACK_CLOSED frees the state. */
    ws->close_requested = true;
    lws_set_timeout(ws->wsi, PENDING_TIMEOUT_CLOSE_SEND, RT_WS_CLOSE_GRACE_S);
    lws_callback_on_writable(ws->wsi);
  }
}

int http__rt_ws_receive(http_ws_t *ws, const void *in, size_t len) {
  struct lws *wsi = ws->wsi;
  if (lws_is_first_fragment(wsi)) {
    pp_buf_reset(&ws->rx);
    ws->rx_binary = lws_frame_is_binary(wsi);
    ws->rx_too_large = false;
  }
  if (!ws->rx_too_large && pp_buf_append(&ws->rx, in, len) != 0)
    ws->rx_too_large = true;
  if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
    return 0;
  if (ws->rx_too_large) {
    static const char reason[] = "message too large";
    lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
                     (unsigned char *)reason, sizeof reason - 1);
    return -1;
  }
  if (ws->conn)
    eio_ws_message(ws->mount->eio, ws->conn,
                   pp_bytes(ws->rx.data ? ws->rx.data : "", ws->rx.len),
                   ws->rx_binary);
  /* Keep at most a small buffer between messages. */
  if (ws->rx.cap > 16 * 1024)
    pp_buf_free(&ws->rx);
  else
    pp_buf_reset(&ws->rx);
  return 0;
}

/* Kills a connection whose socket failed, from outside its callbacks. */
static void rt__ws_kill(http_ws_t *ws) {
  ws->overflowed = true;
  ws->close_requested = true;
  http_ws_outbox_consume(&ws->out, http_ws_outbox_pending(&ws->out));
  lws_set_timeout(ws->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* Writes the outbox straight to the socket: all the frames queued since
 * the last flush go out in one send(), with no poll round trip. Only when
 * lws still holds bytes the kernel refused does it wait for POLLOUT (the
 * WRITEABLE callback flushes again). Returns -1 when the socket failed. */
static int rt__ws_flush(http_ws_t *ws) {
  size_t n;
  unsigned char *p;
  while ((p = http_ws_outbox_peek(&ws->out, &n)) != NULL) {
    if (lws_partial_buffered(ws->wsi)) {
      lws_callback_on_writable(ws->wsi);
      break;
    }
    if (n > RT_WS_WRITE_CHUNK)
      n = RT_WS_WRITE_CHUNK;
    /* Frames are complete and unmasked, so they go out as raw bytes. */
    int w = lws_write(ws->wsi, p, n, LWS_WRITE_RAW);
    if (w < 0)
      return -1;
    if (w == 0) {
      lws_callback_on_writable(ws->wsi);
      break;
    }
    http_ws_outbox_consume(&ws->out, (size_t)w);
  }
  if (ws->rx_paused && !ws->close_requested &&
      http_ws_outbox_pending(&ws->out) < RT_WS_RX_RESUME) {
    ws->rx_paused = false;
    lws_rx_flow_control(ws->wsi, 1);
  }
  return 0;
}

void http__rt_ws_flush_all(http_server_t *srv) {
  http_ws_t *ws;
  while ((ws = srv->dirty) != NULL) {
    srv->dirty = ws->dirty_next;
    ws->dirty_next = NULL;
    ws->dirty = false;
    if (!ws->overflowed && rt__ws_flush(ws) != 0)
      rt__ws_kill(ws);
  }
}

static void rt__ws_undirty(http_ws_t *ws) {
  if (!ws->dirty)
    return;
  http_ws_t **pp = &ws->srv->dirty;
  while (*pp && *pp != ws)
    pp = &(*pp)->dirty_next;
  if (*pp)
    *pp = ws->dirty_next;
  ws->dirty = false;
  ws->dirty_next = NULL;
}

int http__rt_ws_writeable(http_ws_t *ws) {
  if (rt__ws_flush(ws) != 0)
    return -1;
  if (http_ws_outbox_pending(&ws->out))
    return 0; /* flush asked for the next POLLOUT */
  if (ws->close_requested) {
    lws_close_reason(ws->wsi,
                     ws->conn ? LWS_CLOSE_STATUS_NORMAL
                              : LWS_CLOSE_STATUS_POLICY_VIOLATION,
                     NULL, 0);
    return -1;
  }
  return 0;
}

static void rt__ws_unlink_free(http_ws_t *ws) {
  http_server_t *srv = ws->srv;
  if (ws->prev)
    ws->prev->next = ws->next;
  else if (srv->websockets == ws)
    srv->websockets = ws->next;
  if (ws->next)
    ws->next->prev = ws->prev;
  rt__ws_undirty(ws);
  http_ws_outbox_free(&ws->out);
  pp_buf_free(&ws->rx);
  free(ws);
}

void http__rt_ws_closed(http_ws_t *ws) {
  if (ws->conn)
    eio_ws_closed(ws->mount->eio, ws->conn);
  ws->conn = NULL;
  rt__ws_unlink_free(ws);
}

/* Queues one message; the loop flushes every touched outbox once per turn
 * (http__rt_ws_flush_all), so what one wake-up produces for a connection
 * leaves in one write. */
static int rt__ws_send(void *handle, pp_bytes_t head, pp_bytes_t body,
                       bool binary) {
  http_ws_t *ws = handle;
  if (ws->close_requested)
    return 0;
  int rc = http_ws_outbox_frame(&ws->out, binary, head, body);
  if (rc == PP_ETOOLARGE) {
    pp_logf(PP_LOG_WARN, "websocket outbound queue full", " addr=%s bytes=%zu",
            ws->addr, http_ws_outbox_pending(&ws->out));
    /* The peer is not reading: a graceful close would wait behind the
     * queue for a drain that does not come, so drop the queue and kill the
     * connection at once (lws reports LWS_CALLBACK_CLOSED as usual). */
    rt__ws_kill(ws);
    return PP_ETOOLARGE;
  }
  if (rc)
    return rc;
  if (!ws->rx_paused && http_ws_outbox_pending(&ws->out) > RT_WS_RX_PAUSE) {
    ws->rx_paused = true;
    lws_rx_flow_control(ws->wsi, 0);
  }
  if (!ws->dirty) {
    ws->dirty = true;
    ws->dirty_next = ws->srv->dirty;
    ws->srv->dirty = ws;
  }
  return 0;
}

static void rt__ws_close(void *handle) {
  http_ws_t *ws = handle;
  if (ws->overflowed)
    return; /* already being killed; a timeout here would cancel that */
  ws->close_requested = true;
  lws_set_timeout(ws->wsi, PENDING_TIMEOUT_CLOSE_SEND, RT_WS_CLOSE_GRACE_S);
  lws_callback_on_writable(ws->wsi);
}

static const eio_transport_t rt_transport = {rt__http_reply, rt__ws_send,
                                             rt__ws_close};

const eio_transport_t *http_eio_transport(void) { return &rt_transport; }

int http_server_mount_eio(http_server_t *srv, const char *name,
                          eio_server_t *eio, bool any_origin,
                          size_t max_payload) {
  if (srv->n_mounts >= HTTP_MAX_MOUNTS)
    return PP_EINVAL;
  http_mount_t *m = &srv->mounts[srv->n_mounts++];
  snprintf(m->name, sizeof m->name, "%s", name);
  m->eio = eio;
  m->any_origin = any_origin;
  m->max_payload = max_payload;
  return 0;
}
