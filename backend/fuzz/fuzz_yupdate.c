/* Fuzzes the Yjs update validator together with yffi: whatever the
 * validator accepts must apply without aborting the process (a Rust panic
 * would), and the document must still answer text, state vector and diff.
 * The first byte picks a mode so state vectors get fuzzed too. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "collab/doc.h"

static const collab_yupdate_limits_t limits = {64, 4096, 4096};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  pp_bytes_t in = pp_bytes((const char *)data + 1, size - 1);
  collab_doc_t *doc = collab_doc_new(&limits);
  assert(doc);
  pp_buf_t out;
  pp_buf_init(&out, 1 << 24);
  if (data[0] & 1) {
    /* as a state vector against a document holding one edit */
    static const char seed[] = "\x01\x01\xd2\x09\x00\x04\x01\x04"
                               "code\x05hello\x00";
    assert(collab_doc_apply(doc, pp_bytes(seed, sizeof seed - 1), NULL) == 0);
    if (collab_doc_diff(doc, in, &out) == 0)
      assert(out.len >= 2);
  } else {
    collab_yupdate_stats_t st;
    int rc = collab_doc_apply(doc, in, &st);
    if (rc == 0)
      assert(st.structs <= limits.max_structs);
    assert(collab_doc_text(doc, &out) == 0);
    assert(collab_doc_state_vector(doc, &out) == 0);
    assert(collab_doc_diff(doc, pp_bytes("", 0), &out) == 0);
  }
  pp_buf_free(&out);
  collab_doc_free(doc);
  return 0;
}
