/* Fuzzes the awareness-update decoder (cursor_move bytes) and checks that
 * what it accepts re-encodes to exactly the same bytes. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "collab/awareness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  collab_awareness_entry_t e[COLLAB_AWARENESS_MAX_ENTRIES];
  size_t n = 0;
  pp_bytes_t in = pp_bytes((const char *)data, size);
  if (collab_awareness_decode(in, e, COLLAB_AWARENESS_MAX_ENTRIES, &n) != 0)
    return 0;
  assert(n >= 1 && n <= COLLAB_AWARENESS_MAX_ENTRIES);
  for (size_t i = 0; i < n; i++) {
    assert(e[i].client_id <= COLLAB_VARUINT_MAX);
    assert(e[i].state.len <= COLLAB_AWARENESS_MAX_STATE);
    assert(e[i].state.ptr >= in.ptr &&
           e[i].state.ptr + e[i].state.len <= in.ptr + in.len);
  }
  pp_buf_t out;
  pp_buf_init(&out, size + 64);
  assert(collab_awareness_encode(e, n, &out) == 0);
  /* lib0 varuints have one shortest form, but a decoder also accepts
   * padded ones (0x80 0x00): compare only when the lengths agree. */
  if (out.len == size)
    assert(memcmp(out.data, data, size) == 0);
  pp_buf_free(&out);
  return 0;
}
