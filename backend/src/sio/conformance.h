/* The reference servers the official Engine.IO and Socket.IO compliance
 * suites expect (pairpad --socketio-conformance): a bare Engine.IO server
 * that echoes every message, and a Socket.IO server whose "/" and "/custom"
 * namespaces emit "auth" with the handshake auth on connect, answer
 * "message" with "message-back" (same arguments) and ack "message-with-ack"
 * with its arguments. */
#ifndef PP_SIO_CONFORMANCE_H
#define PP_SIO_CONFORMANCE_H

#include <stddef.h>

#include "sio/eio_server.h"
#include "sio/sio_server.h"

/* Engine.IO handlers of the echo server (app pointer unused). */
const eio_handlers_t *sio_conformance_eio_echo(void);
/* The two namespaces of the Socket.IO reference server. */
const sio_namespace_t *sio_conformance_namespaces(size_t *count);

#endif
