/* The outbound bytes of one WebSocket: whole frames, already framed, waiting
 * to be written in as few send() calls as possible. Every message queued
 * during one turn of the event loop goes out in one write (a Socket.IO
 * binary event is two frames; a relay and an ack often meet), and the
 * buffer keeps room before the pending bytes for libwebsockets' LWS_PRE. */
#ifndef PP_HTTP_WS_OUTBOX_H
#define PP_HTTP_WS_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/bytes.h"

typedef struct {
  unsigned char *mem; /* owned: headroom bytes, then the buffer */
  size_t headroom;    /* bytes kept free before any pending byte */
  size_t head;        /* first pending byte (offset after the headroom) */
  size_t len;         /* end of the pending bytes */
  size_t cap;         /* buffer bytes after the headroom */
  size_t max;         /* pending bytes allowed */
} http_ws_outbox_t;

void http_ws_outbox_init(http_ws_outbox_t *o, size_t headroom, size_t max);
/* Appends one unmasked server frame (FIN set; text or binary) whose payload
 * is head followed by body. Returns 0, PP_ETOOLARGE (pending bytes would
 * pass max) or PP_ENOMEM; on error the outbox is unchanged. */
int http_ws_outbox_frame(http_ws_outbox_t *o, bool binary, pp_bytes_t head,
                         pp_bytes_t body);
size_t http_ws_outbox_pending(const http_ws_outbox_t *o);
/* The pending bytes (at least `headroom` writable bytes precede them), or
 * NULL when there are none. */
unsigned char *http_ws_outbox_peek(http_ws_outbox_t *o, size_t *n);
/* Drops the first n pending bytes (they were written). A drained outbox
 * gives its memory back unless it is small: an idle connection holds at
 * most HTTP_WS_OUTBOX_KEEP bytes. */
void http_ws_outbox_consume(http_ws_outbox_t *o, size_t n);
void http_ws_outbox_free(http_ws_outbox_t *o);

#define HTTP_WS_OUTBOX_KEEP 512u

/* Writes the header of an unmasked final frame into out (at most 10 bytes)
 * and returns its length. */
size_t http_ws_frame_header(unsigned char out[10], bool binary, size_t n);

#endif
