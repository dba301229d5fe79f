/* Per-address throttles for the expensive or guessable operations. */
#ifndef PP_AUTH_LIMITS_H
#define PP_AUTH_LIMITS_H

#include <stdbool.h>

#include "util/bytes.h"

typedef enum {
  AUTH_LIMIT_CREATE_SESSION, /* burst 10, then one every 6 s */
  AUTH_LIMIT_PASSWORD,       /* burst 5, then one every 12 s */
  AUTH_LIMIT_CONNECT,        /* realtime handshakes: burst 60, then 10/s */
  AUTH_LIMIT__COUNT
} auth_limit_kind_t;

typedef struct auth_limits auth_limits_t;

/* enabled=false makes every check pass (benchmarks). Returns owned or NULL. */
auth_limits_t *auth_limits_new(bool enabled);
void auth_limits_free(auth_limits_t *l);
/* Takes a token; returns true if allowed, else false with *retry_after_s. */
bool auth_limits_take(auth_limits_t *l, auth_limit_kind_t kind,
                      pp_bytes_t address, int *retry_after_s);

#endif
