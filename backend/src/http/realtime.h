/* The Engine.IO transports of the HTTP server (realtime.c). */
#ifndef PP_HTTP_REALTIME_H
#define PP_HTTP_REALTIME_H

#include <stdbool.h>
#include <stddef.h>

#include "sio/eio_server.h"

/* Twice the largest document, so a join of a full document fits. */
#define HTTP_WS_MAX_OUTBOUND (16u * 1024u * 1024u)
#define HTTP_MAX_MOUNTS 2

typedef struct http_server http_server_t;

typedef struct http_mount {
  char name[16];      /* "socket.io" or "engine.io" */
  eio_server_t *eio;  /* borrowed */
  bool any_origin;    /* conformance mode: CORS "*" and no Origin check */
  size_t max_payload; /* largest polling body / WebSocket message */
} http_mount_t;

/* The functions an eio_server uses to answer through this HTTP server. */
const eio_transport_t *http_eio_transport(void);
/* Serves eio at /<name>/ (both polling and WebSocket). eio is borrowed and
 * must stay alive until http_server_free has returned and the loop has
 * drained. */
int http_server_mount_eio(http_server_t *srv, const char *name,
                          eio_server_t *eio, bool any_origin,
                          size_t max_payload);

#endif
