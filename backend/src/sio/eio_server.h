/* Engine.IO v4 server: sessions, the long-polling and WebSocket transports,
 * the polling->WebSocket upgrade, heartbeat and limits. It knows no HTTP
 * library: the HTTP layer feeds it requests and frames and supplies the
 * functions that write answers (eio_transport_t). All calls happen on the
 * loop thread. */
#ifndef PP_SIO_EIO_SERVER_H
#define PP_SIO_EIO_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "util/bytes.h"

typedef struct eio_server eio_server_t;
typedef struct eio_socket eio_socket_t;

typedef struct {
  unsigned ping_interval_ms;
  unsigned ping_timeout_ms;
  size_t max_payload;  /* bytes of one polling body / one WS message */
  size_t max_outbound; /* bytes queued towards one client */
  size_t max_sockets;  /* open sessions */
  size_t max_packets_per_post;
} eio_config_t;

/* The HTTP layer's side. Handles are opaque to the server. */
typedef struct {
  /* Answers a polling request (GET or POST) exactly once. */
  void (*http_reply)(void *req, int status, const char *content_type,
                     const char *body, size_t len);
  /* Queues a WebSocket message whose payload is head followed by body (an
   * Engine.IO packet type and its data, without copying them together);
   * returns 0, or non-zero when the outbound queue is over its cap (the
   * server then closes the socket). */
  int (*ws_send)(void *ws, pp_bytes_t head, pp_bytes_t body, bool binary);
  /* Closes a WebSocket after flushing what is queued. The HTTP layer still
   * reports eio_ws_closed for it afterwards. */
  void (*ws_close)(void *ws);
} eio_transport_t;

/* The application's side (Socket.IO sits here). */
typedef struct {
  void (*on_open)(void *app, eio_socket_t *s);
  void (*on_message)(void *app, eio_socket_t *s, pp_bytes_t data, bool binary);
  /* After this the socket is gone; reason is static text. */
  void (*on_close)(void *app, eio_socket_t *s, const char *reason);
} eio_handlers_t;

/* All pointers are borrowed and must outlive the server. */
eio_server_t *eio_server_new(uv_loop_t *loop, const eio_config_t *cfg,
                             const eio_transport_t *transport,
                             const eio_handlers_t *handlers, void *app);
/* Closes every socket gracefully (held polls answered, WebSockets closed):
 * the first step of a shutdown, while the HTTP layer still runs. */
void eio_server_close_all(eio_server_t *srv);
/* Closes every socket (telling the application, not the transport: call it
 * after the HTTP layer has shut down) and frees the server once its timers
 * have closed on the loop. */
void eio_server_free(eio_server_t *srv);

/* The query of an Engine.IO request, parsed by eio_query_parse. */
typedef struct {
  int eio; /* protocol version, -1 when absent/invalid */
  enum {
    EIO_TRANSPORT_NONE,
    EIO_TRANSPORT_POLLING,
    EIO_TRANSPORT_WEBSOCKET,
    EIO_TRANSPORT_UNKNOWN
  } transport;
  char sid[33];     /* "" when absent */
  bool sid_invalid; /* present but malformed */
} eio_query_t;

/* Parses "EIO=4&transport=polling&sid=…&t=…" (already percent-decoded
 * key=value pairs joined by '&'). Unknown keys are ignored; bounded. */
void eio_query_parse(pp_bytes_t query, eio_query_t *out);

/* A polling request; body is the POST body
 * (already capped at max_payload by the caller: too_large says it was
 * larger). addr is the peer address (borrowed, copied on handshake). The
 * server answers through transport->http_reply(req, …), possibly later
 * (a GET waits for packets). */
typedef enum { EIO_HTTP_GET, EIO_HTTP_POST, EIO_HTTP_OTHER } eio_http_method_t;
void eio_handle_polling(eio_server_t *srv, void *req, const eio_query_t *q,
                        eio_http_method_t method, pp_bytes_t body,
                        bool too_large, const char *addr);
/* The client of a held polling request (for session sid) went away; the
 * server drops req without replying. */
void eio_polling_aborted(eio_server_t *srv, void *req, const char *sid);

/* A WebSocket was accepted for query q. Returns a connection handle to pass
 * to the calls below, or NULL when the request must be refused (the caller
 * closes ws; no callbacks follow). */
void *eio_ws_open(eio_server_t *srv, void *ws, const eio_query_t *q,
                  const char *addr);
/* A complete message arrived on the WebSocket. */
void eio_ws_message(eio_server_t *srv, void *conn, pp_bytes_t data,
                    bool binary);
/* The WebSocket closed (by the peer or after ws_close). */
void eio_ws_closed(eio_server_t *srv, void *conn);

/* Application API. */
int eio_socket_send(eio_socket_t *s, pp_bytes_t data, bool binary);
void eio_socket_close(eio_socket_t *s, const char *reason);
const char *eio_socket_id(const eio_socket_t *s);
const char *eio_socket_addr(const eio_socket_t *s);
void eio_socket_set_data(eio_socket_t *s, void *data);
void *eio_socket_data(const eio_socket_t *s);
size_t eio_server_socket_count(const eio_server_t *srv);

#endif
