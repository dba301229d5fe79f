#include "collab/recovery.h"

#include "collab/doc.h"
#include "util/error.h"
#include "util/log.h"

#define RECOVERY_BATCH 64

static int recovery__one(store_t *store, const char *id) {
  store_doc_t stored;
  int rc = store_load_doc(store, id, &stored);
  if (rc)
    return rc;
  /* Client limits do not matter here: apply_stored validates with the
   * bounds meant for the server's own records. */
  static const collab_yupdate_limits_t unused = {1, 1, 1};
  collab_doc_t *doc = collab_doc_new(&unused);
  if (!doc) {
    store_doc_clear(&stored);
    return PP_ENOMEM;
  }
  if (stored.snapshot.data)
    collab_doc_apply_stored(
        doc, pp_bytes(stored.snapshot.data, stored.snapshot.len));
  for (size_t i = 0; i < stored.n_updates; i++)
    collab_doc_apply_stored(
        doc, pp_bytes(stored.updates[i].data, stored.updates[i].len));
  store_doc_clear(&stored);
  pp_buf_t text;
  pp_buf_init(&text, (size_t)-1 / 4);
  rc = collab_doc_text(doc, &text);
  if (!rc)
    rc = store_set_code(store, id,
                        pp_bytes(text.data ? text.data : "", text.len));
  pp_buf_free(&text);
  collab_doc_free(doc);
  return rc;
}

int collab_recover_codes(store_t *store, size_t *repaired) {
  *repaired = 0;
  char ids[RECOVERY_BATCH][PP_UUID_LEN + 1];
  /* Each pass repairs what it found, so the next finds fewer; a session
   * that cannot be repaired would be found again: stop after it fails. */
  for (;;) {
    size_t n = 0;
    int rc = store_stale_codes(store, ids, RECOVERY_BATCH, &n);
    if (rc)
      return rc;
    if (n == 0)
      return 0;
    for (size_t i = 0; i < n; i++) {
      if ((rc = recovery__one(store, ids[i]))) {
        pp_logf(PP_LOG_ERROR, "code not recovered", " session=%s error=%s",
                ids[i], pp_errname(rc));
        return rc;
      }
      (*repaired)++;
    }
  }
}
