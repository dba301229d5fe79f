#include "collab/persist.h"

#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

typedef enum {
  JOB_UPDATE,
  JOB_SNAPSHOT,
  JOB_LOAD,
  JOB_CODE,
  JOB_RUN
} job_kind_t;

typedef struct job {
  struct job *next;
  job_kind_t kind;
  char session_id[PP_UUID_LEN + 1];
  char author[32];
  char author_name[260];
  char run_id[72];
  int64_t created_at_ms;
  char *data; /* owned: the update or the snapshot state */
  size_t len;
  collab_persist_cb cb;
  collab_persist_load_cb load_cb;
  void *ctx;
} job_t;

typedef struct {
  uv_work_t work;
  collab_persist_t *p;
  job_t *jobs; /* the batch: one snapshot/load, or a run of updates */
  size_t n;
  store_code_t *codes;
  pp_buf_t *code_bufs;
  size_t ncodes;
  store_doc_t doc;
  int status;
} batch_t;

/* Under load a commit starts at most every PERSIST_COMMIT_INTERVAL_MS: a
 * commit (its page writes, its fsync, two thread hand-offs) costs about as
 * much as the updates it carries, so 100 commits a second instead of one
 * per fsync time (300+) cuts the server's CPU per update sharply, for at
 * most this much more wait before an ack. Relays to the other members do
 * not wait for commits. A client alone in sending (batches of one update)
 * is never held back, and neither is a room being loaded. */
#define PERSIST_COMMIT_INTERVAL_MS 10

struct collab_persist {
  uv_loop_t *loop;
  store_t *store;
  collab_persist_code_fn code;
  void *code_ctx;
  job_t *head, *tail;
  size_t loads_queued;
  bool busy;
  uv_timer_t *pace; /* starts a batch held back by the commit interval */
  bool pace_armed;
  uint64_t last_start_ms;
  size_t last_batch_n;
  collab_persist_stats_t stats;
};

static void persist__job_free(job_t *j) {
  free(j->data);
  free(j);
}

static void persist__kick(collab_persist_t *p);

static void persist__work(uv_work_t *w) {
  batch_t *b = w->data;
  store_t *st = b->p->store;
  switch (b->jobs->kind) {
  case JOB_UPDATE: {
    store_update_t *u = calloc(b->n, sizeof *u);
    if (!u) {
      b->status = PP_ENOMEM;
      return;
    }
    size_t i = 0;
    for (job_t *j = b->jobs; j; j = j->next, i++) {
      u[i].session_id = j->session_id;
      u[i].data = pp_bytes(j->data, j->len);
      u[i].author = j->author;
      u[i].author_name = j->author_name;
      u[i].created_at_ms = j->created_at_ms;
    }
    b->status = store_append_updates(st, u, b->n, b->codes, b->ncodes);
    free(u);
    return;
  }
  case JOB_SNAPSHOT:
    b->status = store_save_snapshot(st, b->jobs->session_id,
                                    pp_bytes(b->jobs->data, b->jobs->len));
    return;
  case JOB_LOAD:
    b->status = store_load_doc(st, b->jobs->session_id, &b->doc);
    return;
  case JOB_RUN: {
    store_run_t run = {b->jobs->session_id,
                       b->jobs->run_id,
                       b->jobs->author,
                       b->jobs->author_name,
                       b->jobs->created_at_ms,
                       pp_bytes(b->jobs->data ? b->jobs->data : "{}",
                                b->jobs->data ? b->jobs->len : 2)};
    b->status = store_append_run(st, &run);
    return;
  }
  case JOB_CODE:
    b->status = store_set_code(
        st, b->jobs->session_id,
        pp_bytes(b->jobs->data ? b->jobs->data : "", b->jobs->len));
    return;
  }
}

static void persist__after(uv_work_t *w, int status) {
  batch_t *b = w->data;
  collab_persist_t *p = b->p;
  if (status == UV_ECANCELED)
    b->status = PP_EUNAVAILABLE;
  if (b->status)
    pp_logf(PP_LOG_ERROR, "document write failed", " jobs=%zu error=%s", b->n,
            pp_errname(b->status));
  p->busy = false;
  job_t *j = b->jobs;
  while (j) {
    job_t *next = j->next;
    if (j->kind == JOB_LOAD)
      j->load_cb(j->ctx, b->status, b->status ? NULL : &b->doc);
    else if (j->cb)
      j->cb(j->ctx, b->status);
    persist__job_free(j);
    j = next;
  }
  store_doc_clear(&b->doc);
  for (size_t i = 0; i < b->ncodes; i++)
    pp_buf_free(&b->code_bufs[i]);
  free(b->code_bufs);
  free(b->codes);
  free(b);
  persist__kick(p);
}

/* True when an update job of session_id is still queued (behind this
 * batch): the live text then includes updates this batch does not commit,
 * and writing it as `code` could show unsaved edits after a crash. */
static bool persist__more_queued(const collab_persist_t *p,
                                 const char *session_id) {
  for (const job_t *j = p->head; j; j = j->next) {
    if (j->kind == JOB_UPDATE && strcmp(j->session_id, session_id) == 0)
      return true;
  }
  return false;
}

/* Collects the `code` of each distinct session of an update batch. */
static void persist__codes(collab_persist_t *p, batch_t *b) {
  b->codes = calloc(b->n, sizeof *b->codes);
  b->code_bufs = calloc(b->n, sizeof *b->code_bufs);
  if (!b->codes || !b->code_bufs)
    return; /* the log is what matters; `code` catches up next batch */
  for (job_t *j = b->jobs; j; j = j->next) {
    bool seen = false;
    for (size_t i = 0; i < b->ncodes && !seen; i++)
      seen = strcmp(b->codes[i].session_id, j->session_id) == 0;
    /* The cheap question first: most batches refresh no `code` at all. */
    if (seen || p->code(p->code_ctx, j->session_id, NULL) != 0 ||
        persist__more_queued(p, j->session_id))
      continue;
    pp_buf_t *buf = &b->code_bufs[b->ncodes];
    pp_buf_init(buf, (size_t)-1 / 4);
    if (p->code(p->code_ctx, j->session_id, buf) != 0) {
      pp_buf_free(buf);
      continue;
    }
    b->codes[b->ncodes].session_id = j->session_id;
    b->codes[b->ncodes].code = pp_bytes(buf->data ? buf->data : "", buf->len);
    b->ncodes++;
  }
}

static void persist__on_pace(uv_timer_t *t) {
  collab_persist_t *p = t->data;
  p->pace_armed = false;
  persist__kick(p);
}

/* True when the next batch should wait for the commit interval; arms the
 * timer that starts it then. */
static bool persist__hold(collab_persist_t *p) {
  if (p->loads_queued || p->last_batch_n < 2 || !p->pace)
    return false;
  uint64_t now = uv_now(p->loop);
  uint64_t due = p->last_start_ms + PERSIST_COMMIT_INTERVAL_MS;
  if (now >= due)
    return false;
  if (!p->pace_armed) {
    p->pace_armed = true;
    uv_timer_start(p->pace, persist__on_pace, due - now, 0);
  }
  return true;
}

/* Starts the next batch if nothing is being written. */
static void persist__kick(collab_persist_t *p) {
  if (p->busy || !p->head || persist__hold(p))
    return;
  batch_t *b = calloc(1, sizeof *b);
  if (!b)
    return; /* retried on the next enqueue */
  b->p = p;
  b->work.data = b;
  job_t *first = p->head;
  job_t *last = first;
  b->n = 1;
  if (first->kind == JOB_UPDATE) {
    while (last->next && last->next->kind == JOB_UPDATE) {
      last = last->next;
      b->n++;
    }
  }
  p->head = last->next;
  if (!p->head)
    p->tail = NULL;
  last->next = NULL;
  b->jobs = first;
  if (first->kind == JOB_LOAD)
    p->loads_queued--;
  p->last_start_ms = uv_now(p->loop);
  p->last_batch_n = b->n;
  if (first->kind == JOB_UPDATE) {
    persist__codes(p, b);
    p->stats.batches++;
    p->stats.updates += b->n;
    if (b->n > p->stats.largest_batch)
      p->stats.largest_batch = b->n;
  }
  p->busy = true;
  if (uv_queue_work(p->loop, &b->work, persist__work, persist__after) != 0) {
    b->status = PP_EUNAVAILABLE;
    persist__after(&b->work, 0);
  }
}

static job_t *persist__job(job_kind_t kind, const char *session_id,
                           pp_bytes_t data) {
  job_t *j = calloc(1, sizeof *j);
  if (!j)
    return NULL;
  j->kind = kind;
  snprintf(j->session_id, sizeof j->session_id, "%s", session_id);
  if (data.len) {
    j->data = malloc(data.len);
    if (!j->data) {
      free(j);
      return NULL;
    }
    memcpy(j->data, data.ptr, data.len);
    j->len = data.len;
  }
  return j;
}

static void persist__push(collab_persist_t *p, job_t *j) {
  if (p->tail)
    p->tail->next = j;
  else
    p->head = j;
  p->tail = j;
  persist__kick(p);
}

int collab_persist_update(collab_persist_t *p, const char *session_id,
                          pp_bytes_t update, const char *author,
                          const char *author_name, collab_persist_cb cb,
                          void *ctx) {
  job_t *j = persist__job(JOB_UPDATE, session_id, update);
  if (!j)
    return PP_ENOMEM;
  snprintf(j->author, sizeof j->author, "%s", author);
  snprintf(j->author_name, sizeof j->author_name, "%s", author_name);
  j->created_at_ms = pp_now_ms();
  j->cb = cb;
  j->ctx = ctx;
  persist__push(p, j);
  return 0;
}

/* Queues a snapshot or code job carrying a copy of data. */
static int persist__write_job(collab_persist_t *p, job_kind_t kind,
                              const char *session_id, pp_bytes_t data,
                              collab_persist_cb cb, void *ctx) {
  job_t *j = persist__job(kind, session_id, data);
  if (!j)
    return PP_ENOMEM;
  j->cb = cb;
  j->ctx = ctx;
  persist__push(p, j);
  return 0;
}

int collab_persist_snapshot(collab_persist_t *p, const char *session_id,
                            pp_bytes_t state, collab_persist_cb cb, void *ctx) {
  return persist__write_job(p, JOB_SNAPSHOT, session_id, state, cb, ctx);
}

int collab_persist_code(collab_persist_t *p, const char *session_id,
                        pp_bytes_t code, collab_persist_cb cb, void *ctx) {
  return persist__write_job(p, JOB_CODE, session_id, code, cb, ctx);
}

int collab_persist_run(collab_persist_t *p, const store_run_t *run,
                       collab_persist_cb cb, void *ctx) {
  job_t *j = persist__job(JOB_RUN, run->session_id, run->record);
  if (!j)
    return PP_ENOMEM;
  snprintf(j->run_id, sizeof j->run_id, "%s", run->run_id);
  snprintf(j->author, sizeof j->author, "%s", run->author);
  snprintf(j->author_name, sizeof j->author_name, "%s", run->author_name);
  j->created_at_ms = run->started_at_ms;
  j->cb = cb;
  j->ctx = ctx;
  persist__push(p, j);
  return 0;
}

int collab_persist_load(collab_persist_t *p, const char *session_id,
                        collab_persist_load_cb cb, void *ctx) {
  job_t *j = persist__job(JOB_LOAD, session_id, pp_bytes("", 0));
  if (!j)
    return PP_ENOMEM;
  j->load_cb = cb;
  j->ctx = ctx;
  p->loads_queued++;
  persist__push(p, j);
  return 0;
}

collab_persist_t *collab_persist_new(uv_loop_t *loop, store_t *store,
                                     collab_persist_code_fn code,
                                     void *code_ctx) {
  collab_persist_t *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->loop = loop;
  p->store = store;
  p->code = code;
  p->code_ctx = code_ctx;
  /* Without the timer, batches simply go unpaced. */
  p->pace = malloc(sizeof *p->pace);
  if (p->pace && uv_timer_init(loop, p->pace) == 0) {
    p->pace->data = p;
  } else {
    free(p->pace);
    p->pace = NULL;
  }
  return p;
}

static void persist__pace_closed(uv_handle_t *h) { free(h); }

bool collab_persist_idle(const collab_persist_t *p) {
  return !p->busy && !p->head;
}

void collab_persist_free(collab_persist_t *p) {
  if (!p)
    return;
  if (p->pace)
    uv_close((uv_handle_t *)p->pace, persist__pace_closed);
  job_t *j = p->head;
  while (j) {
    job_t *next = j->next;
    persist__job_free(j);
    j = next;
  }
  free(p);
}

void collab_persist_get_stats(const collab_persist_t *p,
                              collab_persist_stats_t *out) {
  *out = p->stats;
}
