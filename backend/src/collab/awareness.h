/* y-protocols awareness updates (the bytes of `cursor_move`):
 *   varuint n, then n x { varuint clientID, varuint clock, varstring state }
 * with lib0 varuints (7 bits a byte, little-endian, high bit = more) and
 * varstring = varuint byte length + UTF-8 (JSON text, "null" = removed).
 * The server only decodes this far: to check which client ids a message
 * speaks for, to coalesce bursts, and to announce removals. Bounded. */
#ifndef PP_COLLAB_AWARENESS_H
#define PP_COLLAB_AWARENESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/bytes.h"

#define COLLAB_AWARENESS_MAX_ENTRIES 16
#define COLLAB_AWARENESS_MAX_STATE (16 * 1024)
#define COLLAB_VARUINT_MAX ((1ULL << 53) - 1) /* what JavaScript can hold */

typedef struct {
  uint64_t client_id;
  uint64_t clock;
  pp_bytes_t state; /* borrowed from the input */
  bool removed;     /* state is the JSON literal null */
} collab_awareness_entry_t;

/* Decodes a whole update into out (at most max entries). Fails with
 * PP_EINVAL on truncation, trailing bytes, overlong varuints, values above
 * COLLAB_VARUINT_MAX, states longer than COLLAB_AWARENESS_MAX_STATE, invalid
 * UTF-8, zero entries or more than max entries. */
int collab_awareness_decode(pp_bytes_t update, collab_awareness_entry_t *out,
                            size_t max, size_t *n);
/* Encodes n entries (as collab_awareness_decode reads them). */
int collab_awareness_encode(const collab_awareness_entry_t *entries, size_t n,
                            pp_buf_t *out);
/* lib0 varuint helpers, exposed for the Yjs validator and tests. */
int collab_varuint_read(pp_bytes_t in, size_t *pos, uint64_t *out);
int collab_varuint_write(pp_buf_t *out, uint64_t v);

#endif
