#include "util/ratelimit.h"

#include <stdlib.h>
#include <string.h>

#define RL_KEY_MAX 64
#define RL_PROBE 8

typedef struct {
  char key[RL_KEY_MAX];
  uint8_t key_len;
  bool used;
  double tokens;
  int64_t last_ms;
} rl_entry_t;

struct pp_ratelimit {
  rl_entry_t *entries;
  unsigned capacity;
  double burst;
  int64_t refill_ms;
};

pp_ratelimit_t *pp_ratelimit_new(unsigned capacity, double burst,
                                 int64_t refill_ms) {
  if (capacity == 0 || burst < 1 || refill_ms <= 0)
    return NULL;
  pp_ratelimit_t *rl = calloc(1, sizeof *rl);
  if (!rl)
    return NULL;
  rl->entries = calloc(capacity, sizeof *rl->entries);
  if (!rl->entries) {
    free(rl);
    return NULL;
  }
  rl->capacity = capacity;
  rl->burst = burst;
  rl->refill_ms = refill_ms;
  return rl;
}

void pp_ratelimit_free(pp_ratelimit_t *rl) {
  if (!rl)
    return;
  free(rl->entries);
  free(rl);
}

static uint64_t rl__hash(pp_bytes_t key) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (size_t i = 0; i < key.len; i++) {
    h ^= (unsigned char)key.ptr[i];
    h *= 1099511628211ull;
  }
  return h;
}

bool pp_ratelimit_take(pp_ratelimit_t *rl, pp_bytes_t key, int64_t now_ms,
                       int *retry_after_s) {
  if (key.len > RL_KEY_MAX)
    key.len = RL_KEY_MAX;
  uint64_t h = rl__hash(key);
  rl_entry_t *slot = NULL, *oldest = NULL;
  for (unsigned i = 0; i < RL_PROBE; i++) {
    rl_entry_t *e = &rl->entries[(h + i) % rl->capacity];
    if (e->used && e->key_len == key.len &&
        memcmp(e->key, key.ptr, key.len) == 0) {
      slot = e;
      break;
    }
    if (!e->used) {
      if (!oldest || oldest->used)
        oldest = e;
    } else if (!oldest || (oldest->used && e->last_ms < oldest->last_ms)) {
      oldest = e;
    }
  }
  if (!slot) {
    slot = oldest;
    memcpy(slot->key, key.ptr, key.len);
    slot->key_len = (uint8_t)key.len;
    slot->used = true;
    slot->tokens = rl->burst;
    slot->last_ms = now_ms;
  }
  if (now_ms > slot->last_ms) {
    slot->tokens += (double)(now_ms - slot->last_ms) / (double)rl->refill_ms;
    if (slot->tokens > rl->burst)
      slot->tokens = rl->burst;
    slot->last_ms = now_ms;
  }
  if (slot->tokens >= 1.0) {
    slot->tokens -= 1.0;
    return true;
  }
  if (retry_after_s) {
    double wait_ms = (1.0 - slot->tokens) * (double)rl->refill_ms;
    int s = (int)((wait_ms + 999.0) / 1000.0);
    *retry_after_s = s < 1 ? 1 : s;
  }
  return false;
}
