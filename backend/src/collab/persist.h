/* Durable document writes with group commit. Jobs run one batch at a time
 * on the libuv thread pool, in the order they were queued; every update
 * queued while a batch is being written goes into the next batch, so under
 * load one transaction (one fsync) carries many updates and the loop never
 * waits for the disk. A job's callback runs on the loop thread once the
 * job is durable (or failed). */
#ifndef PP_COLLAB_PERSIST_H
#define PP_COLLAB_PERSIST_H

#include <stddef.h>
#include <uv.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/bytes.h"

typedef struct collab_persist collab_persist_t;

/* status is 0 or a PP_E* code. */
typedef void (*collab_persist_cb)(void *ctx, int status);
/* doc is borrowed for the call (NULL when status != 0). */
typedef void (*collab_persist_load_cb)(void *ctx, int status, store_doc_t *doc);
/* Appends the current text of session_id to out (for the `code` column);
 * returns non-zero to leave `code` alone in this batch (no live document,
 * or refreshed recently). With out NULL, only says whether it would. */
typedef int (*collab_persist_code_fn)(void *ctx, const char *session_id,
                                      pp_buf_t *out);

/* loop, store and code_ctx are borrowed. */
collab_persist_t *collab_persist_new(uv_loop_t *loop, store_t *store,
                                     collab_persist_code_fn code,
                                     void *code_ctx);
/* Call once no job is pending (collab_persist_idle). */
void collab_persist_free(collab_persist_t *p);
bool collab_persist_idle(const collab_persist_t *p);

/* Each copies its inputs. Return 0, or PP_ENOMEM and never call cb. */
int collab_persist_update(collab_persist_t *p, const char *session_id,
                          pp_bytes_t update, const char *author,
                          const char *author_name, collab_persist_cb cb,
                          void *ctx);
int collab_persist_snapshot(collab_persist_t *p, const char *session_id,
                            pp_bytes_t state, collab_persist_cb cb, void *ctx);
/* Writes `code` (the text of the session's document, reflecting every
 * update logged so far: queue it only when none is pending). */
int collab_persist_code(collab_persist_t *p, const char *session_id,
                        pp_bytes_t code, collab_persist_cb cb, void *ctx);
/* Keeps a finished code run (its strings are copied). */
int collab_persist_run(collab_persist_t *p, const store_run_t *run,
                       collab_persist_cb cb, void *ctx);
int collab_persist_load(collab_persist_t *p, const char *session_id,
                        collab_persist_load_cb cb, void *ctx);

/* Counters for the benchmarks and logs. */
typedef struct {
  uint64_t batches;
  uint64_t updates;
  uint64_t largest_batch;
} collab_persist_stats_t;
void collab_persist_get_stats(const collab_persist_t *p,
                              collab_persist_stats_t *out);

#endif
