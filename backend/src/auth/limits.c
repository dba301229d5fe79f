#include "auth/limits.h"

#include <stdlib.h>

#include "util/clock.h"
#include "util/ratelimit.h"

struct auth_limits {
  bool enabled;
  pp_ratelimit_t *rl[AUTH_LIMIT__COUNT];
};

auth_limits_t *auth_limits_new(bool enabled) {
  auth_limits_t *l = calloc(1, sizeof *l);
  if (!l)
    return NULL;
  l->enabled = enabled;
  l->rl[AUTH_LIMIT_CREATE_SESSION] = pp_ratelimit_new(8192, 10, 6000);
  l->rl[AUTH_LIMIT_PASSWORD] = pp_ratelimit_new(8192, 5, 12000);
  l->rl[AUTH_LIMIT_CONNECT] = pp_ratelimit_new(8192, 60, 100);
  for (int i = 0; i < AUTH_LIMIT__COUNT; i++) {
    if (!l->rl[i]) {
      auth_limits_free(l);
      return NULL;
    }
  }
  return l;
}

void auth_limits_free(auth_limits_t *l) {
  if (!l)
    return;
  for (int i = 0; i < AUTH_LIMIT__COUNT; i++)
    pp_ratelimit_free(l->rl[i]);
  free(l);
}

bool auth_limits_take(auth_limits_t *l, auth_limit_kind_t kind,
                      pp_bytes_t address, int *retry_after_s) {
  if (!l->enabled)
    return true;
  return pp_ratelimit_take(l->rl[kind], address, pp_mono_ms(), retry_after_s);
}
