#include "collab/doc.h"

#include <stdlib.h>
#include <string.h>

#include "collab/yffi.h"
#include "util/error.h"

struct collab_doc {
  YDoc *ydoc;
  Branch *text;
  collab_yupdate_limits_t limits;
};

collab_doc_t *collab_doc_new(const collab_yupdate_limits_t *limits) {
  collab_doc_t *doc = calloc(1, sizeof *doc);
  if (!doc)
    return NULL;
  doc->limits = *limits;
  doc->ydoc = ydoc_new();
  if (!doc->ydoc) {
    free(doc);
    return NULL;
  }
  /* Define the root text before any update names it, so "code" is always
   * a text (yrs would otherwise create an untyped root). */
  doc->text = ytext(doc->ydoc, COLLAB_DOC_ROOT);
  return doc;
}

void collab_doc_free(collab_doc_t *doc) {
  if (!doc)
    return;
  ydoc_destroy(doc->ydoc);
  free(doc);
}

int collab_doc_apply(collab_doc_t *doc, pp_bytes_t update,
                     collab_yupdate_stats_t *stats) {
  if (update.len > UINT32_MAX ||
      collab_yupdate_validate(update, &doc->limits, stats))
    return PP_EINVAL;
  YTransaction *txn = ydoc_write_transaction(doc->ydoc, 0, NULL);
  if (!txn)
    return PP_EINVAL;
  uint8_t rc = ytransaction_apply(txn, update.ptr, (uint32_t)update.len);
  ytransaction_commit(txn);
  return rc ? PP_EINVAL : 0;
}

/* Copies a yffi binary into out and frees it with yffi's destructor. */
static int doc__take_binary(char *bin, uint32_t len, pp_buf_t *out) {
  if (!bin)
    return PP_EINVAL;
  int rc = pp_buf_append(out, bin, len);
  ybinary_destroy(bin, len);
  return rc;
}

int collab_doc_state_vector(collab_doc_t *doc, pp_buf_t *out) {
  YTransaction *txn = ydoc_read_transaction(doc->ydoc);
  if (!txn)
    return PP_EINVAL;
  uint32_t len = 0;
  char *sv = ytransaction_state_vector_v1(txn, &len);
  ytransaction_commit(txn);
  return doc__take_binary(sv, len, out);
}

int collab_doc_diff(collab_doc_t *doc, pp_bytes_t sv, pp_buf_t *out) {
  if (sv.len && (sv.len > UINT32_MAX ||
                 collab_ystate_vector_validate(sv, doc->limits.max_clients)))
    return PP_EINVAL;
  YTransaction *txn = ydoc_read_transaction(doc->ydoc);
  if (!txn)
    return PP_EINVAL;
  uint32_t len = 0;
  char *diff = ytransaction_state_diff_v1(txn, sv.len ? sv.ptr : NULL,
                                          (uint32_t)sv.len, &len);
  ytransaction_commit(txn);
  return doc__take_binary(diff, len, out);
}

int collab_doc_text(collab_doc_t *doc, pp_buf_t *out) {
  YTransaction *txn = ydoc_read_transaction(doc->ydoc);
  if (!txn)
    return PP_EINVAL;
  char *s = ytext_string(doc->text, txn);
  ytransaction_commit(txn);
  if (!s)
    return PP_ENOMEM;
  int rc = pp_buf_append(out, s, strlen(s));
  ystring_destroy(s);
  return rc;
}
