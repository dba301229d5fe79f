/* Socket.IO v5 over Engine.IO. A sio_conn lives as long as its Engine.IO
 * session and is freed from its connect timer's close callback; sockets
 * (namespace connections) hang off it. */
#define _POSIX_C_SOURCE 200809L
#include "sio/sio_server.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sio/sio_packet.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/log.h"

#define SIO_ID_LEN 22

typedef struct sio_conn sio_conn_t;

struct sio_socket {
  sio_conn_t *conn;
  sio_socket_t *next;
  const sio_namespace_t *nsp;
  char id[SIO_ID_LEN + 1];
  void *data;
};

struct sio_conn {
  sio_server_t *srv;
  eio_socket_t *eio;
  sio_socket_t *sockets;
  uv_timer_t connect_timer;
  bool closed;     /* the Engine.IO session ended */
  int dispatching; /* > 0 while an application callback runs */
  /* A binary packet waiting for its attachments. */
  bool has_pending;
  sio_packet_t pending;
  pp_bytes_t att[SIO_MAX_ATTACHMENTS];
  unsigned att_got;
};

struct sio_server {
  uv_loop_t *loop;
  sio_config_t cfg;
  const sio_namespace_t *nsps;
  size_t n_nsps;
  void *app;
};

/* ---- sending ------------------------------------------------------------- */

/* Sends an encoded packet, then its attachments. */
static int sio__send_encoded(sio_conn_t *conn, pp_bytes_t text,
                             const pp_bytes_t *att, unsigned n_att) {
  if (conn->closed)
    return PP_EINVAL;
  int rc = eio_socket_send(conn->eio, text, false);
  for (unsigned i = 0; !rc && i < n_att; i++)
    rc = eio_socket_send(conn->eio, att[i], true);
  return rc;
}

static int sio__send(sio_conn_t *conn, const sio_packet_t *p,
                     const pp_bytes_t *att, unsigned n_att) {
  if (conn->closed)
    return PP_EINVAL;
  pp_buf_t out;
  pp_buf_init(&out, (size_t)-1 / 4);
  int rc = sio_packet_encode(p, &out);
  if (!rc)
    rc = sio__send_encoded(conn, pp_bytes(out.data, out.len), att, n_att);
  pp_buf_free(&out);
  return rc;
}

static int sio__send_simple(sio_conn_t *conn, sio_packet_type_t type,
                            const char *nsp, json_t *data) {
  sio_packet_t p;
  memset(&p, 0, sizeof p);
  p.type = type;
  snprintf(p.nsp, sizeof p.nsp, "%s", nsp);
  p.ack_id = -1;
  p.data = data;
  int rc = sio__send(conn, &p, NULL, 0);
  json_decref(data);
  return rc;
}

static int sio__send_args(sio_socket_t *sock, sio_packet_type_t text_type,
                          sio_packet_type_t bin_type, int64_t ack_id,
                          json_t *data, const pp_bytes_t *att, unsigned n_att) {
  if (!data || n_att > SIO_MAX_ATTACHMENTS) {
    json_decref(data);
    return n_att > SIO_MAX_ATTACHMENTS ? PP_EINVAL : PP_ENOMEM;
  }
  sio_packet_t p;
  memset(&p, 0, sizeof p);
  p.type = n_att ? bin_type : text_type;
  p.attachments = n_att;
  snprintf(p.nsp, sizeof p.nsp, "%s", sock->nsp->name);
  p.ack_id = ack_id;
  p.data = data;
  int rc = sio__send(sock->conn, &p, att, n_att);
  json_decref(data);
  return rc;
}

int sio_emit(sio_socket_t *sock, const char *event, json_t *args,
             const pp_bytes_t *att, unsigned n_att) {
  json_t *data = json_array();
  if (data) {
    json_array_append_new(data, json_string(event));
    if (args)
      json_array_extend(data, args);
  }
  json_decref(args);
  return sio__send_args(sock, SIO_EVENT, SIO_BINARY_EVENT, -1, data, att,
                        n_att);
}

int sio_ack(sio_socket_t *sock, int64_t ack_id, json_t *args,
            const pp_bytes_t *att, unsigned n_att) {
  if (ack_id < 0) {
    json_decref(args);
    return PP_EINVAL;
  }
  return sio__send_args(sock, SIO_ACK, SIO_BINARY_ACK, ack_id,
                        args ? args : json_array(), att, n_att);
}

/* Room for the packets of sio_emit_bytes/sio_ack_ok: a namespace and an
 * event name of ordinary length; longer ones take the JSON path. */
#define SIO__QUICK_MAX (SIO_NSP_MAX + 96)

int sio_emit_bytes(sio_socket_t *sock, const char *event, pp_bytes_t bytes) {
  char text[SIO__QUICK_MAX];
  size_t n =
      sio_packet_encode_bytes_event(sock->nsp->name, event, text, sizeof text);
  if (n)
    return sio__send_encoded(sock->conn, pp_bytes(text, n), &bytes, 1);
  json_t *args = json_array();
  json_array_append_new(args, sio_placeholder_new(0));
  return sio_emit(sock, event, args, &bytes, 1);
}

int sio_ack_ok(sio_socket_t *sock, int64_t ack_id) {
  char text[SIO__QUICK_MAX];
  size_t n =
      sio_packet_encode_ok_ack(sock->nsp->name, ack_id, text, sizeof text);
  if (!n)
    return PP_EINVAL;
  return sio__send_encoded(sock->conn, pp_bytes(text, n), NULL, 0);
}

/* ---- sockets ------------------------------------------------------------- */

static void sio__connect_timeout(uv_timer_t *t);

static sio_socket_t *sio__find_socket(sio_conn_t *conn, const char *nsp) {
  for (sio_socket_t *s = conn->sockets; s; s = s->next) {
    if (strcmp(s->nsp->name, nsp) == 0)
      return s;
  }
  return NULL;
}

static void sio__remove_socket(sio_conn_t *conn, sio_socket_t *sock,
                               const char *reason) {
  sio_socket_t **pp = &conn->sockets;
  while (*pp && *pp != sock)
    pp = &(*pp)->next;
  if (!*pp)
    return;
  *pp = sock->next;
  conn->dispatching++;
  if (sock->nsp->on_disconnect)
    sock->nsp->on_disconnect(conn->srv->app, sock, reason);
  conn->dispatching--;
  free(sock);
  /* The Engine.IO connection outlives its last namespace, as with the
   * reference server (the client may join another one), but only for
   * connect_timeout: a connection in no namespace is not kept forever. */
  if (!conn->sockets && !conn->closed)
    uv_timer_start(&conn->connect_timer, sio__connect_timeout,
                   conn->srv->cfg.connect_timeout_ms, 0);
}

void sio_socket_disconnect(sio_socket_t *sock, const char *reason) {
  sio_conn_t *conn = sock->conn;
  sio__send_simple(conn, SIO_DISCONNECT, sock->nsp->name, NULL);
  sio__remove_socket(conn, sock, reason);
}

void sio_socket_close_connection(sio_socket_t *sock, const char *reason) {
  eio_socket_close(sock->conn->eio, reason);
}

const char *sio_socket_id(const sio_socket_t *sock) { return sock->id; }
const char *sio_socket_nsp(const sio_socket_t *sock) { return sock->nsp->name; }
const char *sio_socket_addr(const sio_socket_t *sock) {
  return eio_socket_addr(sock->conn->eio);
}
void sio_socket_set_data(sio_socket_t *sock, void *data) { sock->data = data; }
void *sio_socket_data(const sio_socket_t *sock) { return sock->data; }

/* ---- incoming ------------------------------------------------------------ */

static const sio_namespace_t *sio__find_nsp(sio_server_t *srv,
                                            const char *name) {
  for (size_t i = 0; i < srv->n_nsps; i++) {
    if (strcmp(srv->nsps[i].name, name) == 0)
      return &srv->nsps[i];
  }
  return NULL;
}

static void sio__on_connect(sio_conn_t *conn, sio_packet_t *p) {
  sio_server_t *srv = conn->srv;
  const sio_namespace_t *nsp = sio__find_nsp(srv, p->nsp);
  if (!nsp) {
    sio__send_simple(conn, SIO_CONNECT_ERROR, p->nsp,
                     json_pack("{s:s}", "message", "Invalid namespace"));
    return;
  }
  if (sio__find_socket(conn, p->nsp))
    return; /* already connected: nothing changes */
  sio_socket_t *sock = calloc(1, sizeof *sock);
  if (!sock) {
    eio_socket_close(conn->eio, "out of memory");
    return;
  }
  sock->conn = conn;
  sock->nsp = nsp;
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(sock->id, sizeof sock->id, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  json_t *empty = json_object();
  const json_t *auth = p->data ? p->data : empty;
  json_t *error_data = NULL;
  bool ok = true;
  conn->dispatching++;
  if (nsp->on_connect)
    ok = nsp->on_connect(srv->app, sock, auth, &error_data);
  conn->dispatching--;
  if (!ok || conn->closed) {
    if (!conn->closed)
      sio__send_simple(conn, SIO_CONNECT_ERROR, p->nsp,
                       error_data
                           ? error_data
                           : json_pack("{s:s}", "message", "Not authorized"));
    else
      json_decref(error_data);
    free(sock);
    json_decref(empty);
    return;
  }
  json_decref(error_data);
  sock->next = conn->sockets;
  conn->sockets = sock;
  uv_timer_stop(&conn->connect_timer);
  sio__send_simple(conn, SIO_CONNECT, p->nsp,
                   json_pack("{s:s}", "sid", sock->id));
  if (nsp->on_ready && !conn->closed) {
    conn->dispatching++;
    nsp->on_ready(srv->app, sock, auth);
    conn->dispatching--;
  }
  json_decref(empty);
}

static void sio__on_event(sio_conn_t *conn, sio_packet_t *p,
                          const pp_bytes_t *att, unsigned n_att) {
  sio_socket_t *sock = sio__find_socket(conn, p->nsp);
  if (!sock || !sock->nsp->on_event)
    return; /* not connected to that namespace: dropped, as the reference
               server does */
  json_t *first = json_array_get(p->data, 0);
  char numbuf[32];
  const char *name;
  if (json_is_string(first)) {
    name = json_string_value(first);
  } else {
    snprintf(numbuf, sizeof numbuf, "%" JSON_INTEGER_FORMAT,
             json_integer_value(first));
    name = numbuf;
  }
  json_t *args = json_array();
  if (!args)
    return;
  for (size_t i = 1; i < json_array_size(p->data); i++)
    json_array_append(args, json_array_get(p->data, i));
  sio_event_t ev = {name, args, att, n_att, p->ack_id};
  conn->dispatching++;
  sock->nsp->on_event(conn->srv->app, sock, &ev);
  conn->dispatching--;
  json_decref(args);
}

/* Handles a complete packet; returns PP_EINVAL on a protocol violation. */
static int sio__dispatch(sio_conn_t *conn, sio_packet_t *p,
                         const pp_bytes_t *att, unsigned n_att) {
  switch (p->type) {
  case SIO_CONNECT:
    sio__on_connect(conn, p);
    return 0;
  case SIO_DISCONNECT: {
    sio_socket_t *sock = sio__find_socket(conn, p->nsp);
    if (sock)
      sio__remove_socket(conn, sock, "client namespace disconnect");
    return 0;
  }
  case SIO_EVENT:
  case SIO_BINARY_EVENT:
    sio__on_event(conn, p, att, n_att);
    return 0;
  case SIO_ACK:
  case SIO_BINARY_ACK:
    return 0; /* the server never asks for acks */
  case SIO_CONNECT_ERROR:
  default:
    return PP_EINVAL;
  }
}

static void sio__clear_pending(sio_conn_t *conn) {
  if (conn->has_pending)
    sio_packet_clear(&conn->pending);
  for (unsigned i = 0; i < conn->att_got; i++)
    free((void *)conn->att[i].ptr);
  conn->att_got = 0;
  conn->has_pending = false;
}

static void sio__eio_message(void *app, eio_socket_t *e, pp_bytes_t data,
                             bool binary) {
  (void)app;
  sio_conn_t *conn = eio_socket_data(e);
  if (!conn || conn->closed)
    return;
  if (binary) {
    if (!conn->has_pending) {
      eio_socket_close(e, "unexpected binary message");
      return;
    }
    char *copy = malloc(data.len ? data.len : 1);
    if (!copy) {
      eio_socket_close(e, "out of memory");
      return;
    }
    memcpy(copy, data.ptr, data.len);
    conn->att[conn->att_got++] = pp_bytes(copy, data.len);
    if (conn->att_got < conn->pending.attachments)
      return;
    conn->dispatching++;
    int rc = sio__dispatch(conn, &conn->pending, conn->att, conn->att_got);
    conn->dispatching--;
    sio__clear_pending(conn);
    if (rc && !conn->closed)
      eio_socket_close(e, "parse error");
    return;
  }
  if (conn->has_pending) {
    eio_socket_close(e, "text packet while awaiting attachments");
    return;
  }
  sio_packet_t p;
  if (sio_packet_decode(data, conn->srv->cfg.max_json_depth, &p)) {
    eio_socket_close(e, "parse error");
    return;
  }
  if (p.attachments) {
    conn->pending = p;
    conn->has_pending = true;
    conn->att_got = 0;
    return;
  }
  conn->dispatching++;
  int rc = sio__dispatch(conn, &p, NULL, 0);
  conn->dispatching--;
  sio_packet_clear(&p);
  if (rc && !conn->closed)
    eio_socket_close(e, "parse error");
}

/* ---- Engine.IO lifecycle ------------------------------------------------- */

static void sio__conn_free(uv_handle_t *h) {
  sio_conn_t *conn = h->data;
  sio__clear_pending(conn);
  free(conn);
}

static void sio__connect_timeout(uv_timer_t *t) {
  sio_conn_t *conn = t->data;
  if (!conn->sockets && !conn->closed)
    eio_socket_close(conn->eio, "connect timeout");
}

static void sio__eio_open(void *app, eio_socket_t *e) {
  sio_server_t *srv = app;
  sio_conn_t *conn = calloc(1, sizeof *conn);
  if (!conn) {
    eio_socket_close(e, "out of memory");
    return;
  }
  conn->srv = srv;
  conn->eio = e;
  uv_timer_init(srv->loop, &conn->connect_timer);
  conn->connect_timer.data = conn;
  uv_timer_start(&conn->connect_timer, sio__connect_timeout,
                 srv->cfg.connect_timeout_ms, 0);
  eio_socket_set_data(e, conn);
}

static void sio__eio_close(void *app, eio_socket_t *e, const char *reason) {
  (void)app;
  sio_conn_t *conn = eio_socket_data(e);
  if (!conn)
    return;
  conn->closed = true;
  eio_socket_set_data(e, NULL);
  while (conn->sockets)
    sio__remove_socket(conn, conn->sockets, reason);
  uv_timer_stop(&conn->connect_timer);
  /* Pending attachments may be in use by a running callback: they are
   * freed with the connection, after this loop iteration. */
  uv_close((uv_handle_t *)&conn->connect_timer, sio__conn_free);
}

static const eio_handlers_t sio_eio_handlers = {sio__eio_open, sio__eio_message,
                                                sio__eio_close};

const eio_handlers_t *sio_server_eio_handlers(void) {
  return &sio_eio_handlers;
}

sio_server_t *sio_server_new(uv_loop_t *loop, const sio_config_t *cfg,
                             const sio_namespace_t *nsps, size_t n, void *app) {
  sio_server_t *srv = calloc(1, sizeof *srv);
  if (!srv)
    return NULL;
  srv->loop = loop;
  srv->cfg = *cfg;
  srv->nsps = nsps;
  srv->n_nsps = n;
  srv->app = app;
  return srv;
}

void sio_server_free(sio_server_t *srv) { free(srv); }
