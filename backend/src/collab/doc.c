#include "collab/doc.h"

#include <stdlib.h>
#include <string.h>

#include "collab/awareness.h"
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

/* The server's own stored state may hold any number of clients and
 * structs; it is still validated (a panic in yffi would abort). */
static const collab_yupdate_limits_t stored_limits = {
    .max_clients = 1u << 20,
    .max_structs = 1u << 28,
    .max_delete_ranges = 1u << 28,
};

static int doc__apply(collab_doc_t *doc, pp_bytes_t update,
                      const collab_yupdate_limits_t *limits,
                      collab_yupdate_stats_t *stats) {
  if (update.len > UINT32_MAX || collab_yupdate_validate(update, limits, stats))
    return PP_EINVAL;
  YTransaction *txn = ydoc_write_transaction(doc->ydoc, 0, NULL);
  if (!txn)
    return PP_EINVAL;
  uint8_t rc = ytransaction_apply(txn, update.ptr, (uint32_t)update.len);
  ytransaction_commit(txn);
  return rc ? PP_EINVAL : 0;
}

static int doc__encode_ds(const YIdSet *ds, pp_buf_t *out);

/* yrs does not always integrate held-back structs when what they wait for
 * arrives (a JS Yjs peer given the same data does): re-applying what is
 * pending lets it finish. Cheap when nothing is pending; bounded rounds. */
static void doc__retry_pending(collab_doc_t *doc) {
  for (int round = 0; round < 4; round++) {
    pp_buf_t pending, ds;
    pp_buf_init(&pending, (size_t)-1 / 4);
    pp_buf_init(&ds, (size_t)-1 / 4);
    if (collab_doc_pending(doc, &pending, &ds) != 0 ||
        (!pending.len && !ds.len)) {
      pp_buf_free(&pending);
      pp_buf_free(&ds);
      return;
    }
    size_t before = pending.len + ds.len;
    if (pending.len)
      doc__apply(doc, pp_bytes(pending.data, pending.len), &stored_limits,
                 NULL);
    if (ds.len)
      doc__apply(doc, pp_bytes(ds.data, ds.len), &stored_limits, NULL);
    pp_buf_free(&pending);
    pp_buf_free(&ds);
    pp_buf_init(&pending, (size_t)-1 / 4);
    pp_buf_init(&ds, (size_t)-1 / 4);
    bool progress = collab_doc_pending(doc, &pending, &ds) == 0 &&
                    pending.len + ds.len < before;
    pp_buf_free(&pending);
    pp_buf_free(&ds);
    if (!progress)
      return;
  }
}

int collab_doc_apply(collab_doc_t *doc, pp_bytes_t update,
                     collab_yupdate_stats_t *stats) {
  int rc = doc__apply(doc, update, &doc->limits, stats);
  if (rc == 0)
    doc__retry_pending(doc);
  return rc;
}

int collab_doc_apply_stored(collab_doc_t *doc, pp_bytes_t update) {
  int rc = doc__apply(doc, update, &stored_limits, NULL);
  if (rc == 0)
    doc__retry_pending(doc);
  return rc;
}

/* A v1 update with no structs and the delete set ds. */
static int doc__encode_ds(const YIdSet *ds, pp_buf_t *out) {
  int rc = collab_varuint_write(out, 0);
  if (!rc)
    rc = collab_varuint_write(out, ds->entries_count);
  for (uint32_t i = 0; !rc && i < ds->entries_count; i++) {
    const YIdRangeSeq *seq = &ds->ranges[i];
    rc = collab_varuint_write(out, ds->client_ids[i]);
    if (!rc)
      rc = collab_varuint_write(out, seq->len);
    for (uint32_t k = 0; !rc && k < seq->len; k++) {
      rc = collab_varuint_write(out, seq->seq[k].start);
      if (!rc)
        rc = collab_varuint_write(out, seq->seq[k].end - seq->seq[k].start);
    }
  }
  return rc;
}

int collab_doc_pending(collab_doc_t *doc, pp_buf_t *structs_out,
                       pp_buf_t *ds_out) {
  YTransaction *txn = ydoc_read_transaction(doc->ydoc);
  if (!txn)
    return PP_EINVAL;
  int rc = 0;
  YPendingUpdate *pu = ytransaction_pending_update(txn);
  if (pu) {
    rc = pp_buf_append(structs_out, pu->update_v1, pu->update_len);
    ypending_update_destroy(pu);
  }
  YIdSet *ds = ytransaction_pending_ds(txn);
  if (ds) {
    if (!rc)
      rc = doc__encode_ds(ds, ds_out);
    ydelete_set_destroy(ds);
  }
  ytransaction_commit(txn);
  return rc;
}

bool collab_doc_has_pending(collab_doc_t *doc) {
  YTransaction *txn = ydoc_read_transaction(doc->ydoc);
  if (!txn)
    return false;
  YPendingUpdate *pu = ytransaction_pending_update(txn);
  YIdSet *ds = ytransaction_pending_ds(txn);
  bool pending = pu || ds;
  ypending_update_destroy(pu);
  ydelete_set_destroy(ds);
  ytransaction_commit(txn);
  return pending;
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
                 collab_ystate_vector_validate(sv, stored_limits.max_clients)))
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
