/* Pairpad's Socket.IO namespace "/": maps the events of PROTOCOL.md (join,
 * leave, cursor_move, language_change, code_change, execution) onto
 * collab/rooms and implements the rooms' transport with sio_emit. */
#ifndef PP_SIO_ROOM_EVENTS_H
#define PP_SIO_ROOM_EVENTS_H

#include <stddef.h>

#include "auth/limits.h"
#include "collab/rooms.h"
#include "sio/sio_server.h"

/* Limits that apply before a connection has joined a session. */
#define SIO_ROOM_PREJOIN_MAX_BYTES (16 * 1024)

/* The namespace table ("/") whose app pointer must be the rooms object. */
const sio_namespace_t *sio_room_namespaces(size_t *count);
/* The rooms' transport (sio_emit based). */
const collab_transport_t *sio_room_transport(void);

#endif
