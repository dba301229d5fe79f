/* Engine.IO v4 packet codec (pure bytes in, bytes out; no I/O).
 * Spec: socketio/engine.io-protocol README (v4).
 *   text packet  = <type digit> <data>         (WebSocket text frame, or one
 *                                               record of a polling payload)
 *   binary       = raw bytes                   (WebSocket binary frame)
 *                = 'b' <base64 of bytes>       (inside a polling payload)
 *   payload      = packet { 0x1e packet }      (HTTP long-polling body) */
#ifndef PP_SIO_EIO_PACKET_H
#define PP_SIO_EIO_PACKET_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/bytes.h"

typedef enum {
  EIO_OPEN = 0,
  EIO_CLOSE = 1,
  EIO_PING = 2,
  EIO_PONG = 3,
  EIO_MESSAGE = 4,
  EIO_UPGRADE = 5,
  EIO_NOOP = 6
} eio_packet_type_t;

#define EIO_SEPARATOR '\x1e'

typedef struct {
  eio_packet_type_t type;
  bool binary;     /* only for EIO_MESSAGE */
  pp_bytes_t data; /* borrowed: from the input, or from the scratch buffer
                      given to eio_payload_decode for base64 packets */
} eio_packet_t;

/* Decodes one WebSocket frame. A binary frame is a binary EIO_MESSAGE with
 * the whole frame as data. A text frame must start with a type digit 0-6;
 * only MESSAGE, PING and PONG may carry data ("2probe"/"3probe" included).
 * Returns 0 or PP_EINVAL. */
int eio_decode_frame(pp_bytes_t frame, bool is_binary, eio_packet_t *out);

/* Called once per packet of a polling payload; a non-zero return stops the
 * decoding and is returned by eio_payload_decode. */
typedef int (*eio_packet_cb)(void *ctx, const eio_packet_t *packet);

/* Splits a polling payload on 0x1e and decodes each record (text packet, or
 * 'b'+base64 binary message decoded into scratch, whose max bounds the
 * decoded size). Decodes at most max_packets records. Validates the whole
 * payload before calling cb for any packet, so a malformed payload delivers
 * nothing. Returns 0, PP_EINVAL (malformed, empty record, too many packets),
 * PP_ETOOLARGE, PP_ENOMEM, or cb's non-zero result. */
int eio_payload_decode(pp_bytes_t payload, size_t max_packets,
                       pp_buf_t *scratch, eio_packet_cb cb, void *ctx);

/* Appends one packet as text ("<digit><data>") for a WebSocket text frame,
 * or to a polling payload (then prefixed by 0x1e unless out is empty;
 * binary messages become 'b'+base64). Returns 0 or pp_buf errors. */
int eio_encode_frame(pp_buf_t *out, eio_packet_type_t type, pp_bytes_t data);
int eio_payload_append(pp_buf_t *out, eio_packet_type_t type, bool binary,
                       pp_bytes_t data);

#endif
