/* Socket.IO v5 server on top of eio_server: namespaces, CONNECT with an
 * auth payload, events with acks and binary attachments. The application
 * registers namespaces; each connected (Engine.IO session, namespace) pair
 * is a sio_socket_t. */
#ifndef PP_SIO_SIO_SERVER_H
#define PP_SIO_SIO_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "sio/eio_server.h"
#include "util/bytes.h"

typedef struct sio_server sio_server_t;
typedef struct sio_socket sio_socket_t;

/* An event as received: args excludes the event name; placeholders
 * {"_placeholder":true,"num":N} in args refer to att[N]. All borrowed for
 * the duration of the callback. */
typedef struct {
  const char *name;
  json_t *args; /* array */
  const pp_bytes_t *att;
  unsigned n_att;
  int64_t ack_id; /* -1 when the client wants no ack */
} sio_event_t;

typedef struct {
  const char *name; /* "/", "/custom", … */
  /* Returns true to accept. To refuse, return false and set *error_data to
   * an owned JSON object (sent in CONNECT_ERROR) or leave it NULL. */
  bool (*on_connect)(void *app, sio_socket_t *sock, const json_t *auth,
                     json_t **error_data);
  /* Optional: called right after the CONNECT reply went out (emits made
   * here reach the client after its connect event). */
  void (*on_ready)(void *app, sio_socket_t *sock, const json_t *auth);
  void (*on_event)(void *app, sio_socket_t *sock, const sio_event_t *ev);
  /* The socket is freed after this returns. */
  void (*on_disconnect)(void *app, sio_socket_t *sock, const char *reason);
} sio_namespace_t;

typedef struct {
  unsigned connect_timeout_ms; /* close sessions that are in no namespace
                                  this long (after opening or after leaving
                                  their last one) */
  int max_json_depth;
} sio_config_t;

/* nsps (n entries) and app are borrowed and must outlive the server. */
sio_server_t *sio_server_new(uv_loop_t *loop, const sio_config_t *cfg,
                             const sio_namespace_t *nsps, size_t n, void *app);
/* The Engine.IO handlers to give eio_server_new with this server as app. */
const eio_handlers_t *sio_server_eio_handlers(void);
/* Call after the Engine.IO server is freed (it reports the closes). */
void sio_server_free(sio_server_t *srv);

/* Emits event with args (a JSON array, stolen; NULL = no args). Attachments
 * are referenced from args through placeholders. Returns 0 or PP_E*. */
int sio_emit(sio_socket_t *sock, const char *event, json_t *args,
             const pp_bytes_t *att, unsigned n_att);
/* Answers an event's ack id with args (stolen array, NULL = []). */
int sio_ack(sio_socket_t *sock, int64_t ack_id, json_t *args,
            const pp_bytes_t *att, unsigned n_att);
/* sio_emit of event with bytes as its one argument, and sio_ack with
 * [{"ok":true}]: the same packets, without building JSON. */
int sio_emit_bytes(sio_socket_t *sock, const char *event, pp_bytes_t bytes);
int sio_ack_ok(sio_socket_t *sock, int64_t ack_id);
/* Leaves the namespace (sends DISCONNECT); on_disconnect follows. */
void sio_socket_disconnect(sio_socket_t *sock, const char *reason);
/* Closes the whole Engine.IO connection (every namespace of it). */
void sio_socket_close_connection(sio_socket_t *sock, const char *reason);

const char *sio_socket_id(const sio_socket_t *sock);
const char *sio_socket_nsp(const sio_socket_t *sock);
const char *sio_socket_addr(const sio_socket_t *sock);
void sio_socket_set_data(sio_socket_t *sock, void *data);
void *sio_socket_data(const sio_socket_t *sock);

#endif
