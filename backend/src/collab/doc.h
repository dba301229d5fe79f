/* One shared document: a Y.Doc whose text "code" is the pad's content,
 * held through yffi. Not thread-safe: one thread at a time. Every update
 * and state vector is validated (collab/yupdate.h) before yffi sees it.
 * Results are copied into caller buffers, so yffi memory never escapes. */
#ifndef PP_COLLAB_DOC_H
#define PP_COLLAB_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "collab/yupdate.h"
#include "util/buf.h"
#include "util/bytes.h"

typedef struct collab_doc collab_doc_t;

/* limits is copied. Returns owned or NULL. */
collab_doc_t *collab_doc_new(const collab_yupdate_limits_t *limits);
void collab_doc_free(collab_doc_t *doc);

/* Validates and applies one Yjs v1 update. Returns 0, PP_EINVAL (rejected
 * by the validator, or by yffi) or PP_ENOMEM. stats (optional) describes the
 * update. */
int collab_doc_apply(collab_doc_t *doc, pp_bytes_t update,
                     collab_yupdate_stats_t *stats);
/* Appends the document's state vector (v1) to out. */
int collab_doc_state_vector(collab_doc_t *doc, pp_buf_t *out);
/* Appends the update that brings a peer at state vector sv up to date
 * (sv.len == 0: the whole document). PP_EINVAL for a malformed sv. */
int collab_doc_diff(collab_doc_t *doc, pp_bytes_t sv, pp_buf_t *out);
/* Appends the text of "code" (UTF-8). */
int collab_doc_text(collab_doc_t *doc, pp_buf_t *out);

/* As collab_doc_apply, validated against other limits: for the server's own
 * snapshots and log, which hold many clients' updates. */
int collab_doc_apply_stored(collab_doc_t *doc, pp_bytes_t update);

/* What the document holds but cannot integrate yet (updates waiting for a
 * dependency): appends them as Yjs v1 updates -- the pending structs to
 * structs_out, the pending deletions to ds_out -- leaving a buffer empty
 * when there is nothing of that kind. Diffs and state vectors do not
 * include pending data, so joiners must get these too. Returns 0 or a
 * PP_E* code. */
int collab_doc_pending(collab_doc_t *doc, pp_buf_t *structs_out,
                       pp_buf_t *ds_out);
bool collab_doc_has_pending(collab_doc_t *doc);

#endif
