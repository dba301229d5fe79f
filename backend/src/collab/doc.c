#include "collab/doc.h"

#include <stdlib.h>
#include <string.h>

#include "collab/awareness.h"
#include "collab/yffi.h"
#include "util/error.h"

/* Where astral characters (UTF-16 surrogate pairs) sit: (client, clock of
 * the high surrogate). yrs splits a string item at a UTF-16 offset by
 * rounding to whole characters, so an edit anchored between the two halves
 * of a pair (which JS Yjs represents as two U+FFFD) leaves the server's
 * document different from every client's, and its clocks off by one.
 * Updates that would split a pair are refused. */
typedef struct {
  uint64_t client;
  uint32_t clock;
  bool used;
} pair_slot_t;

struct collab_doc {
  YDoc *ydoc;
  Branch *text;
  collab_yupdate_limits_t limits;
  pair_slot_t *pairs;
  size_t pairs_cap, pairs_n;
};

static size_t doc__pair_hash(uint64_t client, uint32_t clock) {
  uint64_t h = client * 0x9e3779b97f4a7c15ull ^ (clock * 0xc2b2ae3d27d4eb4full);
  return (size_t)(h ^ (h >> 29));
}

static bool doc__pair_has(const collab_doc_t *doc, uint64_t client,
                          uint64_t clock) {
  if (!doc->pairs_cap || clock > UINT32_MAX)
    return false;
  size_t i = doc__pair_hash(client, (uint32_t)clock) & (doc->pairs_cap - 1);
  while (doc->pairs[i].used) {
    if (doc->pairs[i].client == client && doc->pairs[i].clock == clock)
      return true;
    i = (i + 1) & (doc->pairs_cap - 1);
  }
  return false;
}

static int doc__pair_add(collab_doc_t *doc, uint64_t client, uint64_t clock) {
  if (clock > UINT32_MAX || doc__pair_has(doc, client, clock))
    return 0;
  if ((doc->pairs_n + 1) * 2 > doc->pairs_cap) {
    size_t cap = doc->pairs_cap ? doc->pairs_cap * 2 : 64;
    pair_slot_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
      return PP_ENOMEM;
    for (size_t k = 0; k < doc->pairs_cap; k++) {
      if (!doc->pairs[k].used)
        continue;
      size_t i =
          doc__pair_hash(doc->pairs[k].client, doc->pairs[k].clock) & (cap - 1);
      while (slots[i].used)
        i = (i + 1) & (cap - 1);
      slots[i] = doc->pairs[k];
    }
    free(doc->pairs);
    doc->pairs = slots;
    doc->pairs_cap = cap;
  }
  size_t i = doc__pair_hash(client, (uint32_t)clock) & (doc->pairs_cap - 1);
  while (doc->pairs[i].used)
    i = (i + 1) & (doc->pairs_cap - 1);
  doc->pairs[i] = (pair_slot_t){client, (uint32_t)clock, true};
  doc->pairs_n++;
  return 0;
}

/* Visitor: records the astral characters of a string item. */
static int doc__visit_string(void *ctx, uint64_t client, uint64_t clock,
                             pp_bytes_t s) {
  collab_doc_t *doc = ctx;
  for (size_t i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if ((c & 0xc0) == 0x80)
      continue; /* continuation byte */
    if (c >= 0xf0) {
      if (doc__pair_add(doc, client, clock))
        return PP_ENOMEM;
      clock += 2;
    } else {
      clock += 1;
    }
  }
  return 0;
}

/* Visitor: an insertion anchored after a high surrogate, or before a low
 * one, would split a pair. */
static int doc__visit_origin(void *ctx, uint64_t client, uint64_t clock,
                             bool right) {
  collab_doc_t *doc = ctx;
  if (!right)
    return doc__pair_has(doc, client, clock) ? PP_EINVAL : 0;
  return clock > 0 && doc__pair_has(doc, client, clock - 1) ? PP_EINVAL : 0;
}

/* Visitor: a deletion starting at a low surrogate or ending at a high one
 * would split a pair. */
static int doc__visit_deletion(void *ctx, uint64_t client, uint64_t clock,
                               uint64_t len) {
  collab_doc_t *doc = ctx;
  if (len == 0)
    return 0;
  if (clock > 0 && doc__pair_has(doc, client, clock - 1))
    return PP_EINVAL;
  return doc__pair_has(doc, client, clock + len - 1) ? PP_EINVAL : 0;
}

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
  free(doc->pairs);
  free(doc);
}

/* The server's own stored state may hold any number of clients and
 * structs; it is still validated (a panic in yffi would abort). */
static const collab_yupdate_limits_t stored_limits = {
    .max_clients = 1u << 20,
    .max_structs = 1u << 28,
    .max_delete_ranges = 1u << 28,
};

/* check_pairs: refuse updates that would split a surrogate pair (client
 * updates); the server's own stored data only registers its pairs. */
static int doc__apply(collab_doc_t *doc, pp_bytes_t update,
                      const collab_yupdate_limits_t *limits,
                      collab_yupdate_stats_t *stats, bool check_pairs) {
  if (update.len > UINT32_MAX || collab_yupdate_validate(update, limits, stats))
    return PP_EINVAL;
  /* Two passes: an update may anchor on characters it inserts itself, in
   * an earlier or a later struct group. */
  collab_yupdate_visitor_t strings = {doc__visit_string, NULL, NULL, doc};
  if (collab_yupdate_visit(update, limits, &strings))
    return PP_ENOMEM;
  collab_yupdate_visitor_t anchors = {NULL, doc__visit_origin,
                                      doc__visit_deletion, doc};
  if (check_pairs && collab_yupdate_visit(update, limits, &anchors))
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
      doc__apply(doc, pp_bytes(pending.data, pending.len), &stored_limits, NULL,
                 false);
    if (ds.len)
      doc__apply(doc, pp_bytes(ds.data, ds.len), &stored_limits, NULL, false);
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
  int rc = doc__apply(doc, update, &doc->limits, stats, true);
  if (rc == 0)
    doc__retry_pending(doc);
  return rc;
}

int collab_doc_apply_stored(collab_doc_t *doc, pp_bytes_t update) {
  int rc = doc__apply(doc, update, &stored_limits, NULL, false);
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
