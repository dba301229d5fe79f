/* The part of y-crdt's C FFI (crate yffi 0.28.0, MIT; built by
 * backend/yffi) that Pairpad uses, declared from the crate's documented
 * extern "C" signatures. Only collab/doc.c includes this header.
 * Memory returned by these functions is freed with ybinary_destroy /
 * ystring_destroy, never free(). A Rust panic aborts the process, which is
 * why updates pass collab/yupdate.c before ytransaction_apply. */
#ifndef PP_COLLAB_YFFI_H
#define PP_COLLAB_YFFI_H

#include <stdint.h>

typedef struct YDoc YDoc;
typedef struct YTransaction YTransaction;
typedef struct Branch Branch;

YDoc *ydoc_new(void);
void ydoc_destroy(YDoc *doc);
/* The root-level text type `name` (created on first use). */
Branch *ytext(YDoc *doc, const char *name);
/* NULL when another transaction is open. */
YTransaction *ydoc_read_transaction(YDoc *doc);
YTransaction *ydoc_write_transaction(YDoc *doc, uint32_t origin_len,
                                     const char *origin);
void ytransaction_commit(YTransaction *txn);
/* 0 on success, else a yffi error code (1..9). */
uint8_t ytransaction_apply(YTransaction *txn, const char *diff,
                           uint32_t diff_len);
char *ytransaction_state_vector_v1(const YTransaction *txn, uint32_t *len);
/* sv NULL = the whole document. NULL when sv does not decode. */
char *ytransaction_state_diff_v1(const YTransaction *txn, const char *sv,
                                 uint32_t sv_len, uint32_t *len);
char *ytext_string(const Branch *txt, const YTransaction *txn);
uint32_t ytext_len(const Branch *txt, const YTransaction *txn);
void ystring_destroy(char *str);

/* Updates (and deletions) the document received but cannot integrate yet
 * because something they depend on has not arrived. */
typedef struct {
  uint32_t entries_count;
  uint64_t *client_ids;
  uint32_t *clocks;
} YStateVector;
typedef struct {
  YStateVector missing;
  char *update_v1;
  uint32_t update_len;
} YPendingUpdate;
typedef struct {
  uint32_t start;
  uint32_t end;
} YIdRange;
typedef struct {
  uint32_t len;
  YIdRange *seq;
} YIdRangeSeq;
typedef struct {
  uint32_t entries_count;
  uint64_t *client_ids;
  YIdRangeSeq *ranges;
} YIdSet;
/* NULL when nothing is pending. */
YPendingUpdate *ytransaction_pending_update(const YTransaction *txn);
void ypending_update_destroy(YPendingUpdate *update);
YIdSet *ytransaction_pending_ds(const YTransaction *txn);
void ydelete_set_destroy(YIdSet *ds);
void ybinary_destroy(char *ptr, uint32_t len);

#endif
