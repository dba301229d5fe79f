/* Start-up repair after an unclean stop: every session whose `code` column
 * misses logged updates gets it rebuilt from its snapshot and log. */
#ifndef PP_COLLAB_RECOVERY_H
#define PP_COLLAB_RECOVERY_H

#include <stddef.h>

#include "store/store.h"

/* Blocking (call before serving). Returns 0 and the number of sessions
 * repaired in *repaired, or a PP_E* code. */
int collab_recover_codes(store_t *store, size_t *repaired);

#endif
