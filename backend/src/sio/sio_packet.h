/* Socket.IO v5 packet codec (pure; no I/O). Spec: socketio/socket.io-protocol
 * README (v5).
 *   <type>[<attachments>-][<nsp>,][<ack id>][JSON data]
 * type: 0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR,
 *       5 BINARY_EVENT, 6 BINARY_ACK.
 * Binary attachments travel as separate Engine.IO binary messages after the
 * packet; in the JSON they are placeholders {"_placeholder":true,"num":N}.
 * The codec keeps placeholders in the JSON and the bytes beside it. */
#ifndef PP_SIO_SIO_PACKET_H
#define PP_SIO_SIO_PACKET_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/bytes.h"

typedef enum {
  SIO_CONNECT = 0,
  SIO_DISCONNECT = 1,
  SIO_EVENT = 2,
  SIO_ACK = 3,
  SIO_CONNECT_ERROR = 4,
  SIO_BINARY_EVENT = 5,
  SIO_BINARY_ACK = 6
} sio_packet_type_t;

#define SIO_NSP_MAX 128        /* bytes of a namespace name */
#define SIO_MAX_ATTACHMENTS 16 /* per packet */
#define SIO_ACK_ID_MAX 2147483647LL

typedef struct {
  sio_packet_type_t type;
  char nsp[SIO_NSP_MAX + 1]; /* "/" when absent; always starts with '/' */
  int64_t ack_id;            /* -1 when absent */
  unsigned attachments;      /* > 0 only for BINARY_EVENT / BINARY_ACK */
  json_t *data;              /* owned; NULL when the packet has no data */
} sio_packet_t;

/* Decodes a packet from an Engine.IO text message and validates it the way
 * socket.io-parser does: CONNECT data absent or an object; DISCONNECT no
 * data; EVENT/BINARY_EVENT a non-empty array whose first element is a
 * string that is not a reserved event name (connect, connect_error,
 * disconnect, disconnecting, newListener, removeListener) or a number;
 * ACK/BINARY_ACK an array; CONNECT_ERROR an object or a string; binary types
 * need 1..SIO_MAX_ATTACHMENTS attachments and exactly that many distinct
 * placeholders numbered 0..n-1; non-binary types contain no placeholder.
 * JSON nesting is bounded by max_depth. Returns 0 (caller frees with
 * sio_packet_clear) or PP_EINVAL (out cleared). */
int sio_packet_decode(pp_bytes_t text, int max_depth, sio_packet_t *out);

/* Encodes p (nsp "/" omitted; "<n>-" for binary types; ack id when >= 0;
 * data when not NULL, compact JSON). Returns 0 or pp_buf errors. */
int sio_packet_encode(const sio_packet_t *p, pp_buf_t *out);

/* The two packets a busy room sends most, encoded without building JSON,
 * byte for byte what sio_packet_encode gives for the same packet:
 * an event whose one argument is binary attachment 0 (the relays of
 * code_change and cursor_move), and the ack [{"ok":true}]. Write into out
 * and return the length, or 0 when cap is too small or the event name is
 * not plain [A-Za-z0-9_] (the caller then takes the JSON path). */
size_t sio_packet_encode_bytes_event(const char *nsp, const char *event,
                                     char *out, size_t cap);
size_t sio_packet_encode_ok_ack(const char *nsp, int64_t ack_id, char *out,
                                size_t cap);

void sio_packet_clear(sio_packet_t *p);

/* Returns the attachment index if v is a placeholder object
 * {"_placeholder":true,"num":N}, else -1. */
int sio_placeholder_num(const json_t *v);
/* A new placeholder object for attachment n (owned). */
json_t *sio_placeholder_new(unsigned n);

#endif
