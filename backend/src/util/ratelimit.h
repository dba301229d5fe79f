/* Per-key token buckets in a fixed-size table: memory stays bounded no matter
 * how many distinct addresses appear; the least recently used entry of a probe
 * window is recycled when the window is full. */
#ifndef PP_RATELIMIT_H
#define PP_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/bytes.h"

typedef struct pp_ratelimit pp_ratelimit_t;

/* burst tokens, refilled at one token every refill_ms. Returns owned or NULL.
 */
pp_ratelimit_t *pp_ratelimit_new(unsigned capacity, double burst,
                                 int64_t refill_ms);
void pp_ratelimit_free(pp_ratelimit_t *rl);
/* Takes one token for key at monotonic time now_ms. Returns true when allowed;
 * otherwise false and *retry_after_s (if not NULL) is the wait in whole
 * seconds (>= 1). */
bool pp_ratelimit_take(pp_ratelimit_t *rl, pp_bytes_t key, int64_t now_ms,
                       int *retry_after_s);

#endif
